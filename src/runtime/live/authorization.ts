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

/** The ACLs Agora enforces. */
export interface Acls {
  /** Whether a request no rule matches is allowed (Mesos's default: true). */
  readonly permissive: boolean;
  readonly registerFrameworks: readonly RegisterFrameworksRule[];
}

/** ACLs that allow everything: what a master without `--acls` uses. */
export const ALLOW_ALL: Acls = { permissive: true, registerFrameworks: [] };

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

const aclFile = struct({ permissive: opt(bool), register_frameworks: opt(arrayOf(rule)) });

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
  const ignored = isJsonObject(json)
    ? Object.keys(json).filter((k) => k !== 'permissive' && k !== 'register_frameworks')
    : [];
  return ok({
    acls: { permissive: r.value.permissive ?? true, registerFrameworks: r.value.register_frameworks ?? [] },
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

/** Whether `principal` (undefined: none) may register a framework in `role`. */
export function mayRegister(acls: Acls, principal: string | undefined, role: string): boolean {
  const subject: Requested = principal === undefined ? { type: 'ANY' } : { type: 'SOME', value: principal };
  const object: Requested = { type: 'SOME', value: role };
  for (const r of acls.registerFrameworks) {
    if (matches(subject, r.principals) && matches(object, r.roles)) {
      return allows(subject, r.principals) && allows(object, r.roles);
    }
  }
  return acls.permissive;
}

/** The first of `roles` that `principal` may not register in, or undefined if it may use all. */
export function forbiddenRole(
  acls: Acls,
  principal: string | undefined,
  roles: readonly string[],
): string | undefined {
  return roles.find((role) => !mayRegister(acls, principal, role));
}
