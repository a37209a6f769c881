/**
 * The `register_frameworks` part of Mesos's local authorizer (docs/authorization.md;
 * src/authorizer/local/authorizer.cpp), read from the master's `--acls` JSON file:
 *
 *     { "permissive": true,
 *       "register_frameworks": [
 *         { "principals": { "values": ["foo"] }, "roles": { "values": ["analytics"] } },
 *         { "principals": { "type": "NONE" },    "roles": { "values": ["analytics"] } } ] }
 *
 * An entity is `{"type": "ANY"}`, `{"type": "NONE"}` or `{"values": [...]}` (type `SOME`, the
 * default). Rules are tried in order; the first one whose principals and roles both *match* the
 * request decides, by whether both *allow* it; when none matches, `permissive` decides (default
 * true). A framework without a principal is the subject `ANY`. Mesos's two tables:
 *
 *     matches  | rule SOME  NONE  ANY        allows   | rule SOME  NONE  ANY
 *     req SOME |   subset  yes   yes        req SOME |   subset  no    yes
 *     req ANY  |   no      yes   yes        req ANY  |   no      no    yes
 *
 * Each of a framework's roles is authorized on its own, so a refusal can name the role (a
 * MULTI_ROLE framework needs every role allowed, as in Mesos).
 *
 * `register_agents` rules (Mesos's `RegisterAgent`: `principals` and `agents`) decide which
 * principals may register agents, in the same way. Mesos allows only `ANY` and `NONE` for
 * `agents`; Agora also takes values, which name the hosts (an agent's `--host`) the principals
 * may register agents at, so a stolen agent credential cannot bring up an agent elsewhere:
 *
 *     "register_agents": [
 *       { "principals": { "values": ["agent-1"] }, "agents": { "values": ["10.0.0.11"] } },
 *       { "principals": { "type": "ANY" },        "agents": { "type": "NONE" } } ]
 *
 * The operator API's changes are authorised by Mesos's `update_weights` and `update_quotas`
 * rules (`principals`, `roles`: the roles whose weight or quota may be changed) and
 * `mark_agents_gone` (`principals`, `agents`; Mesos takes only `ANY` or `NONE` for `agents`,
 * Agora also takes agent ids as values), `reserve_resources` (`principals`, `roles`) and
 * `unreserve_resources` (`principals`, `reserver_principals`).
 *
 * Other Mesos actions (`run_tasks`, `teardown_frameworks`, …) are not enforced by Agora; the
 * parser reports them as ignored so the master can say so when it starts.
 */
import {
  arrayOf,
  bool,
  type Decoder,
  enumOf,
  formatDecodeError,
  isJsonObject,
  opt,
  req,
  str,
  struct,
} from '../../core/messages/decode-helpers.js';
import { err, ok, type Result } from '../../core/result.js';

/** An ACL entity: anyone, no one, or some named values. */
export type AclEntity =
  | { readonly type: 'ANY' }
  | { readonly type: 'NONE' }
  | { readonly type: 'SOME'; readonly values: readonly string[] };

/** One `register_frameworks` rule. */
export interface RegisterFrameworksRule {
  readonly principals: AclEntity;
  readonly roles: AclEntity;
}

/** One `register_agents` rule: `agents` values are hosts. */
export interface RegisterAgentsRule {
  readonly principals: AclEntity;
  readonly agents: AclEntity;
}

/** One `update_weights` or `update_quotas` rule. */
export interface OperatorRolesRule {
  readonly principals: AclEntity;
  readonly roles: AclEntity;
}

/** One `mark_agents_gone` rule: `agents` values are agent ids. */
export interface MarkAgentsGoneRule {
  readonly principals: AclEntity;
  readonly agents: AclEntity;
}

/** The ACLs Agora enforces. */
export interface Acls {
  /** Whether a request no rule matches is allowed (Mesos's default: true). */
  readonly permissive: boolean;
  readonly registerFrameworks: readonly RegisterFrameworksRule[];
  /** Absent in ACLs built before agents were authorized: none. */
  readonly registerAgents?: readonly RegisterAgentsRule[];
  /** The operator API's rules; absent: none (`permissive` decides). */
  readonly updateWeights?: readonly OperatorRolesRule[];
  readonly updateQuotas?: readonly OperatorRolesRule[];
  readonly markAgentsGone?: readonly MarkAgentsGoneRule[];
  /** `reserve_resources`: the roles a principal may reserve for. */
  readonly reserveResources?: readonly OperatorRolesRule[];
  /** `unreserve_resources`: whose reservations (`reserver_principals`) a principal may undo. */
  readonly unreserveResources?: readonly UnreserveResourcesRule[];
}

/** One `unreserve_resources` rule: `reserver_principals` values are the reservations' principals. */
export interface UnreserveResourcesRule {
  readonly principals: AclEntity;
  readonly reserver_principals: AclEntity;
}

/** ACLs that allow everything: what a master without `--acls` uses. */
export const ALLOW_ALL: Acls = { permissive: true, registerFrameworks: [], registerAgents: [] };

/** The keys of an ACL file that Agora enforces. */
const ENFORCED = [
  'permissive',
  'register_frameworks',
  'register_agents',
  'update_weights',
  'update_quotas',
  'mark_agents_gone',
  'reserve_resources',
  'unreserve_resources',
];

const entity: Decoder<AclEntity> = (json, path) => {
  const r = struct({ type: opt(enumOf(['SOME', 'ANY', 'NONE'], 'entity type')), values: opt(arrayOf(str)) })(
    json,
    path,
  );
  if (!r.ok) return r;
  const type = r.value.type ?? 'SOME';
  return ok(type === 'SOME' ? { type, values: r.value.values ?? [] } : { type });
};

const rule: Decoder<RegisterFrameworksRule> = struct({ principals: req(entity), roles: req(entity) });
const agentRule: Decoder<RegisterAgentsRule> = struct({ principals: req(entity), agents: req(entity) });

const aclFile = struct({
  permissive: opt(bool),
  register_frameworks: opt(arrayOf(rule)),
  register_agents: opt(arrayOf(agentRule)),
  update_weights: opt(arrayOf(rule)),
  update_quotas: opt(arrayOf(rule)),
  mark_agents_gone: opt(arrayOf(agentRule)),
  reserve_resources: opt(arrayOf(rule)),
  unreserve_resources: opt(
    arrayOf(
      struct({
        principals: req(entity),
        reserver_principals: req(entity),
      }) as Decoder<UnreserveResourcesRule>,
    ),
  ),
});

/** What parsing an ACL file gives: the ACLs and the Mesos actions in it Agora does not enforce. */
export interface ParsedAcls {
  readonly acls: Acls;
  readonly ignored: readonly string[];
}

/** Parses an `--acls` file; errors name the field, e.g. `register_frameworks[1].roles.type: …`. */
export function parseAcls(text: string): Result<ParsedAcls, string> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return err(`not valid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  const r = aclFile(json, '');
  if (!r.ok) return err(formatDecodeError(r.error));
  const ignored = isJsonObject(json) ? Object.keys(json).filter((k) => !ENFORCED.includes(k)) : [];
  return ok({
    acls: {
      permissive: r.value.permissive ?? true,
      registerFrameworks: r.value.register_frameworks ?? [],
      registerAgents: r.value.register_agents ?? [],
      updateWeights: r.value.update_weights ?? [],
      updateQuotas: r.value.update_quotas ?? [],
      markAgentsGone: r.value.mark_agents_gone ?? [],
      reserveResources: r.value.reserve_resources ?? [],
      unreserveResources: r.value.unreserve_resources ?? [],
    },
    ignored,
  });
}

/** The subject or object of a request: one named value, or `ANY` (no principal). */
type Requested = { readonly type: 'SOME'; readonly value: string } | { readonly type: 'ANY' };

function matches(request: Requested, rule: AclEntity): boolean {
  if (rule.type === 'ANY' || rule.type === 'NONE') return true;
  return request.type === 'SOME' && rule.values.includes(request.value);
}

function allows(request: Requested, rule: AclEntity): boolean {
  if (rule.type === 'ANY') return true;
  if (rule.type === 'NONE') return false;
  return request.type === 'SOME' && rule.values.includes(request.value);
}

/** The first rule matching `subject` and `object` decides; `permissive` when none does. */
function decide(
  acls: Acls,
  rules: readonly { readonly principals: AclEntity; readonly object: AclEntity }[],
  principal: string | undefined,
  value: string,
): boolean {
  const subject: Requested = principal === undefined ? { type: 'ANY' } : { type: 'SOME', value: principal };
  const object: Requested = { type: 'SOME', value };
  for (const r of rules) {
    if (matches(subject, r.principals) && matches(object, r.object)) {
      return allows(subject, r.principals) && allows(object, r.object);
    }
  }
  return acls.permissive;
}

/** Whether `principal` (undefined: none) may register a framework in `role`. */
export function mayRegister(acls: Acls, principal: string | undefined, role: string): boolean {
  return decide(
    acls,
    acls.registerFrameworks.map((r) => ({ principals: r.principals, object: r.roles })),
    principal,
    role,
  );
}

/** Whether `principal` (undefined: none) may register an agent at `host`. */
export function mayRegisterAgent(acls: Acls, principal: string | undefined, host: string): boolean {
  return decide(
    acls,
    (acls.registerAgents ?? []).map((r) => ({ principals: r.principals, object: r.agents })),
    principal,
    host,
  );
}

/** The first of `roles` that `principal` may not register in, or undefined if it may use all. */
export function forbiddenRole(
  acls: Acls,
  principal: string | undefined,
  roles: readonly string[],
): string | undefined {
  return roles.find((role) => !mayRegister(acls, principal, role));
}

/** Whether `principal` (undefined: none) may change `role`'s weight (Mesos `update_weights`). */
export function mayUpdateWeight(acls: Acls, principal: string | undefined, role: string): boolean {
  return decide(
    acls,
    (acls.updateWeights ?? []).map((r) => ({ principals: r.principals, object: r.roles })),
    principal,
    role,
  );
}

/** Whether `principal` (undefined: none) may change `role`'s quota (Mesos `update_quotas`). */
export function mayUpdateQuota(acls: Acls, principal: string | undefined, role: string): boolean {
  return decide(
    acls,
    (acls.updateQuotas ?? []).map((r) => ({ principals: r.principals, object: r.roles })),
    principal,
    role,
  );
}

/** Whether `principal` (undefined: none) may mark agent `agentId` gone (Mesos `mark_agents_gone`). */
export function mayMarkAgentGone(acls: Acls, principal: string | undefined, agentId: string): boolean {
  return decide(
    acls,
    (acls.markAgentsGone ?? []).map((r) => ({ principals: r.principals, object: r.agents })),
    principal,
    agentId,
  );
}

/** Whether `principal` (undefined: none) may reserve resources for `role` (Mesos `reserve_resources`). */
export function mayReserve(acls: Acls, principal: string | undefined, role: string): boolean {
  return decide(
    acls,
    (acls.reserveResources ?? []).map((r) => ({ principals: r.principals, object: r.roles })),
    principal,
    role,
  );
}

/**
 * Whether `principal` (undefined: none) may undo a reservation made by `reserver` (Mesos
 * `unreserve_resources`); a reservation without a principal matches only ANY.
 */
export function mayUnreserve(
  acls: Acls,
  principal: string | undefined,
  reserver: string | undefined,
): boolean {
  return decide(
    acls,
    (acls.unreserveResources ?? []).map((r) => ({ principals: r.principals, object: r.reserver_principals })),
    principal,
    reserver ?? '',
  );
}
