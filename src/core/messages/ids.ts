/**
 * Mesos ids: JSON objects `{ "value": "..." }` (include/mesos/v1/mesos.proto `FrameworkID`,
 * `OfferID`, `AgentID`, `TaskID`, `ExecutorID`, `ContainerID`, `OperationID`,
 * `ResourceProviderID`). Each kind is branded, so a task id cannot be passed where an agent id
 * is expected; the brand is a type-only optional property, so a plain `{ value: 'x' }` literal is
 * a valid id of any kind and nothing extra appears at run time or on the wire.
 */
import { ok } from '../result.js';
import { type Decoded, type Decoder, failure, opt, req, struct } from './decode-helpers.js';
import { DECODE_LIMITS } from './limits.js';

declare const idKind: unique symbol;

/** A Mesos id of kind `Kind`. */
export interface Id<Kind extends string> {
  /** The id itself: see {@link idProblem} for what it may be. */
  readonly value: string;
  /** Type-only brand; never present at run time. */
  readonly [idKind]?: Kind;
}

/** Assigned by the master on first SUBSCRIBE: `<masterId>-<4-digit counter>`. */
export type FrameworkID = Id<'FrameworkID'>;
/** Assigned by the master to each offer: `<masterId>-O<counter>`. */
export type OfferID = Id<'OfferID'>;
/** Assigned by the master on agent registration: `<masterId>-S<counter>`. */
export type AgentID = Id<'AgentID'>;
/** Chosen by the framework; unique among its active tasks. */
export type TaskID = Id<'TaskID'>;
/** Chosen by the framework; unique among the active executors on an agent. */
export type ExecutorID = Id<'ExecutorID'>;
/** Chosen by the framework to get feedback on an offer operation. */
export type OperationID = Id<'OperationID'>;
/** Assigned to a resource provider (only seen in operation feedback). */
export type ResourceProviderID = Id<'ResourceProviderID'>;

/** A container id; `parent` is set for nested containers. */
export interface ContainerID extends Id<'ContainerID'> {
  readonly parent?: ContainerID;
}

/** Characters no id may hold: control characters (C0, DEL, C1) and both path separators. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject.
const INVALID_ID_CHARACTER = /[\u0000-\u001f\u007f-\u009f/\\]/u;

/**
 * Why `value` cannot be an id, or undefined: Mesos's `validateID` (src/common/validation.cpp),
 * which every id goes through because ids become directory names on agents
 * (`…/frameworks/<framework>/executors/<executor>/runs/<container>`). An id must not be empty,
 * longer than `NAME_MAX` (255) bytes, `.` or `..`, or contain `/`, `\` or a control character.
 * Mesos checks C0 and DEL; Agora also refuses the C1 controls (U+0080–U+009F).
 */
export function idProblem(value: string): string | undefined {
  if (value === '') return 'must not be empty';
  if (value.length > DECODE_LIMITS.maxIdBytes || utf8Length(value) > DECODE_LIMITS.maxIdBytes) {
    return `longer than ${DECODE_LIMITS.maxIdBytes} bytes (ids become directory names; Mesos's limit is NAME_MAX)`;
  }
  if (value === '.' || value === '..') return `'${value}' is not allowed (ids become directory names)`;
  const bad = INVALID_ID_CHARACTER.exec(value);
  if (bad !== null) {
    return `${JSON.stringify(value.slice(0, 64))} contains ${JSON.stringify(bad[0])} at ${bad.index} (ids must not contain '/', '\\' or control characters)`;
  }
  return undefined;
}

/** The length of `text` in UTF-8 bytes (a lone surrogate counts as the 3 bytes of U+FFFD). */
function utf8Length(text: string): number {
  let bytes = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
  }
  return bytes;
}

/** Decodes an id `value` (see {@link idProblem}); `allowEmpty` for "none" (`FrameworkInfo.id`). */
function idValue(allowEmpty: boolean): Decoder<string> {
  return (json, path) => {
    if (typeof json !== 'string') return failure(path, 'expected string');
    if (allowEmpty && json === '') return ok(json);
    const problem = idProblem(json);
    return problem === undefined ? ok(json) : failure(path, problem);
  };
}

const anyIdValue = idValue(false);

/** Decodes an id of any kind: an object with a required string `value` that {@link idProblem} accepts. */
export function idOf<Kind extends string>(): Decoder<Id<Kind>> {
  return struct({ value: req(anyIdValue) });
}

/**
 * Decodes `FrameworkInfo.id`, where an empty value means "no id yet" (Mesos
 * src/master/validation.cpp `validateFrameworkId` skips an empty one).
 */
export const frameworkInfoId: Decoder<FrameworkID> = struct({ value: req(idValue(true)) });

/** Decodes a {@link FrameworkID}. */
export const frameworkId: Decoder<FrameworkID> = idOf();
/** Decodes an {@link OfferID}. */
export const offerId: Decoder<OfferID> = idOf();
/** Decodes an {@link AgentID}. */
export const agentId: Decoder<AgentID> = idOf();
/** Decodes a {@link TaskID}. */
export const taskId: Decoder<TaskID> = idOf();
/** Decodes an {@link ExecutorID}. */
export const executorId: Decoder<ExecutorID> = idOf();
/** Decodes an {@link OperationID}. */
export const operationId: Decoder<OperationID> = idOf();
/** Decodes a {@link ResourceProviderID}. */
export const resourceProviderId: Decoder<ResourceProviderID> = idOf();

const containerLink = struct({ value: req(anyIdValue), parent: opt((json: unknown) => ok(json)) });

/**
 * Decodes a {@link ContainerID}, the one recursive message we read; its chain of parents may be
 * at most {@link DECODE_LIMITS.maxContainerIdDepth} deep.
 */
export const containerId: Decoder<ContainerID> = (json, path) => decodeContainer(json, path, 0);

function decodeContainer(json: unknown, path: string, depth: number): Decoded<ContainerID> {
  if (depth > DECODE_LIMITS.maxContainerIdDepth) {
    return failure(path, `nested more than ${DECODE_LIMITS.maxContainerIdDepth} containers deep`);
  }
  const link = containerLink(json, path);
  if (!link.ok) return link;
  if (link.value.parent === undefined) return ok({ value: link.value.value });
  const parent = decodeContainer(link.value.parent, `${path}.parent`, depth + 1);
  if (!parent.ok) return parent;
  return ok({ value: link.value.value, parent: parent.value });
}

/**
 * The id of the `counter`-th framework registered with master `masterId`, formatted as Mesos's
 * `Master::newFrameworkId` does (`"%s-%04d"`): `…-0000`, `…-0001`, …, `…-10000`.
 */
export function newFrameworkId(masterId: string, counter: number): FrameworkID {
  return { value: `${masterId}-${String(counter).padStart(4, '0')}` };
}

/** The id of the `counter`-th offer of master `masterId` (Mesos `Master::newOfferId`): `…-O7`. */
export function newOfferId(masterId: string, counter: number): OfferID {
  return { value: `${masterId}-O${counter}` };
}

/** The id of the `counter`-th agent of master `masterId` (Mesos `Master::newSlaveId`): `…-S3`. */
export function newAgentId(masterId: string, counter: number): AgentID {
  return { value: `${masterId}-S${counter}` };
}
