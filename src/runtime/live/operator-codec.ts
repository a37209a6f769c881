/**
 * How the operator API (`/api/v1` on master and agent) reads request bodies and writes answers
 * (docs/operator-http-api.md; src/master/http.cpp and src/slave/http.cpp `Http::api`): a call is
 * JSON or protobuf (`mesos.v1.master.Call` / `mesos.v1.agent.Call`) by its `Content-Type`, and
 * the answer (a Response, or each record of the master's SUBSCRIBE stream) is JSON when `Accept`
 * allows it, else protobuf when it allows that, else 406, with Mesos's words.
 *
 * Each direction is ONE function over the shared codec (protobuf/content-types.ts): the rest of
 * the operator API speaks Mesos's JSON mapping only, as the scheduler and executor endpoints do.
 */
import type { Result } from '../../core/result.js';
import {
  answerFormat,
  type BodyFormat,
  type BodyProblem,
  bodyFormat,
  decodeBody,
  encodeAs,
  mediaTypeFor,
} from './protobuf/content-types.js';

/** The encodings bodies and answers are written in. */
export type OperatorEncoding = BodyFormat;

/** Whose operator API: the master's (`mesos.v1.master.*`) or the agent's (`mesos.v1.agent.*`). */
export type OperatorSide = 'master' | 'agent';

/** The messages an operator API writes: Responses on both sides, Events on the master's stream. */
export type OperatorMessage =
  | 'mesos.v1.master.Response'
  | 'mesos.v1.master.Event'
  | 'mesos.v1.agent.Response';

const CALL_MESSAGE = { master: 'mesos.v1.master.Call', agent: 'mesos.v1.agent.Call' } as const;

/** The Response message of `side`. */
export function responseMessage(side: OperatorSide): OperatorMessage {
  return side === 'master' ? 'mesos.v1.master.Response' : 'mesos.v1.agent.Response';
}

/** A body read as the call's JSON form, or the status and message Mesos answers. */
export type DecodedBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 406 | 415; readonly message: string };

/**
 * The encoding of a request body from its `Content-Type`, before the body is read (a protobuf
 * body is read as bytes): 400 without the header, 415 for a type Mesos does not read.
 */
export function bodyEncoding(contentType: string | undefined): Result<OperatorEncoding, BodyProblem> {
  return bodyFormat(contentType);
}

/**
 * Decodes a request body into the call's JSON form (Mesos's JSON mapping, which the call
 * decoders take whichever encoding came in): JSON text parsed, or protobuf bytes (a `latin1`
 * string, one char per byte, or the bytes themselves) of `side`'s Call decoded. 400 for a body
 * that does not parse ("Failed to parse body into JSON: …" / "…into Call protobuf: …").
 */
export function decodeOperatorBody(
  contentType: string | undefined,
  body: string | Uint8Array,
  side: OperatorSide,
): DecodedBody {
  const decoded = decodeBody(contentType, body, CALL_MESSAGE[side]);
  return decoded.ok ? { ok: true, value: decoded.value } : { ok: false, ...decoded.error };
}

/** The encoding an `Accept` header asks for (JSON first, as Mesos), or Mesos's 406. */
export function answerEncoding(accept: string | undefined): Result<OperatorEncoding, BodyProblem> {
  return answerFormat(accept);
}

/** The `Content-Type` of answers and streams in `encoding`. */
export function operatorMediaType(encoding: OperatorEncoding): string {
  return mediaTypeFor(encoding);
}

/**
 * A Response or Event (Agora's JSON for `kind`) written in `encoding`: its bytes and content
 * type. A value the schema cannot carry is Agora's bug and throws, naming the field.
 */
export function encodeOperatorMessage(
  message: unknown,
  encoding: OperatorEncoding,
  kind: OperatorMessage,
): { readonly contentType: string; readonly body: Uint8Array } {
  return { contentType: mediaTypeFor(encoding), body: encodeAs(encoding, message, kind) };
}
