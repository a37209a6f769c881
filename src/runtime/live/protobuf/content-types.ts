/**
 * Content negotiation for Mesos's v1 APIs, as the master and agent do it (src/master/http.cpp
 * `Master::Http::scheduler` and `api`, src/slave/http.cpp `Http::executor` and `api`): a call's
 * body is JSON or protobuf by its `Content-Type`, and what comes back (a response, or an event
 * stream's records) is JSON when the `Accept` header allows it, else protobuf when it allows
 * that, else 406. A missing `Content-Type` is 400 and any other type 415, with Mesos's words.
 *
 * These functions are what an endpoint needs (the scheduler, executor and operator endpoints use
 * them): {@link decodeBody} turns a body into the JSON value Agora's decoders take, and
 * {@link encodeBody} turns a JSON value Agora encoded into the bytes the client asked for.
 */
import { err, ok, type Result } from '../../../core/result.js';
import { jsonToProtobuf, type ProtobufMessage, protobufToJson } from './codec.js';

/** Mesos's JSON media type. */
export const APPLICATION_JSON = 'application/json';
/** Mesos's protobuf media type. */
export const APPLICATION_PROTOBUF = 'application/x-protobuf';

/** How a body is encoded. */
export type BodyFormat = 'json' | 'protobuf';

/** An HTTP answer for a request whose body or `Accept` cannot be served. */
export interface BodyProblem {
  readonly status: 400 | 406 | 415;
  readonly message: string;
}

/** `application/json; charset=utf-8` → `application/json`. */
function mediaTypeOf(header: string): string {
  const semicolon = header.indexOf(';');
  return (semicolon < 0 ? header : header.slice(0, semicolon)).trim().toLowerCase();
}

/**
 * The format of a request body from its `Content-Type` header. Mesos compares the header with
 * the two types exactly; Agora also takes parameters (`; charset=utf-8`) and any letter case.
 */
export function bodyFormat(contentType: string | undefined): Result<BodyFormat, BodyProblem> {
  if (contentType === undefined) {
    return err({ status: 400, message: "Expecting 'Content-Type' to be present" });
  }
  const type = mediaTypeOf(contentType);
  if (type === APPLICATION_JSON) return ok('json');
  if (type === APPLICATION_PROTOBUF) return ok('protobuf');
  return err({
    status: 415,
    message: `Expecting 'Content-Type' of ${APPLICATION_JSON} or ${APPLICATION_PROTOBUF}, received '${contentType}'`,
  });
}

/**
 * Whether an `Accept` header admits media type `type` (libprocess's `acceptsMediaType`): no
 * header admits everything; `*\/*` and `application/*` admit it; a range with `q=0` refuses it.
 * The most specific range that matches decides.
 */
export function acceptsMediaType(accept: string | undefined, type: string): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  const slash = type.indexOf('/');
  const family = `${type.slice(0, slash)}/*`;
  // 3: the exact type, 2: its family, 1: */*; 0: no range matched yet.
  let best = 0;
  let accepted = false;
  for (const range of accept.split(',')) {
    const parts = range.split(';');
    const name = (parts[0] ?? '').trim().toLowerCase();
    const specificity = name === type ? 3 : name === family ? 2 : name === '*/*' ? 1 : 0;
    if (specificity === 0 || specificity < best) continue;
    let q = 1;
    for (const parameter of parts.slice(1)) {
      const [key, value] = parameter.split('=').map((s) => s.trim());
      if (key === 'q' && value !== undefined) q = Number(value);
    }
    best = specificity;
    accepted = q > 0;
  }
  return accepted;
}

/** The format of the answer from the `Accept` header: JSON first, as Mesos prefers it. */
export function answerFormat(accept: string | undefined): Result<BodyFormat, BodyProblem> {
  if (acceptsMediaType(accept, APPLICATION_JSON)) return ok('json');
  if (acceptsMediaType(accept, APPLICATION_PROTOBUF)) return ok('protobuf');
  return err({
    status: 406,
    message: `Expecting 'Accept' to allow '${APPLICATION_PROTOBUF}' or '${APPLICATION_JSON}'`,
  });
}

/** The media type of a format, for the `Content-Type` of an answer. */
export function mediaTypeFor(format: BodyFormat): string {
  return format === 'json' ? APPLICATION_JSON : APPLICATION_PROTOBUF;
}

const utf8 = new TextDecoder('utf-8');
const utf8Encoder = new TextEncoder();

/** `mesos.v1.scheduler.Call` → `Call`, for Mesos's "Failed to parse body into Call protobuf". */
function shortName(message: ProtobufMessage): string {
  return message.slice(message.lastIndexOf('.') + 1);
}

/**
 * A request body as the JSON value Agora's decoders take: JSON text parsed, or protobuf bytes
 * of `message` decoded to Mesos's JSON mapping (codec.ts). 400 for a missing type or a body
 * that does not parse, 415 for another type. A JSON body may come as already decoded text.
 */
export function decodeBody(
  contentType: string | undefined,
  body: Uint8Array | string,
  message: ProtobufMessage,
): Result<unknown, BodyProblem> {
  const format = bodyFormat(contentType);
  if (!format.ok) return format;
  if (format.value === 'json') {
    const text = typeof body === 'string' ? body : utf8.decode(body);
    try {
      return ok(JSON.parse(text) as unknown);
    } catch (e) {
      return err({
        status: 400,
        message: `Failed to parse body into JSON: ${e instanceof Error ? e.message : String(e)}`,
      });
    }
  }
  const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
  const json = protobufToJson(message, bytes);
  if (!json.ok) {
    return err({
      status: 400,
      message: `Failed to parse body into ${shortName(message)} protobuf: ${json.error}`,
    });
  }
  return json;
}

/** An answer's body and its media type. */
export interface EncodedBody {
  readonly contentType: string;
  readonly bytes: Uint8Array;
}

/**
 * `value` (Agora's JSON for `message`) in the format `format`. A value that does not fit the
 * schema is a bug in Agora, not the client's doing: it throws, naming the field.
 */
export function encodeAs(format: BodyFormat, value: unknown, message: ProtobufMessage): Uint8Array {
  if (format === 'json') return utf8Encoder.encode(JSON.stringify(value));
  const bytes = jsonToProtobuf(message, value);
  if (!bytes.ok) throw new Error(`cannot encode Agora's ${message} as protobuf: ${bytes.error}`);
  return bytes.value;
}

/**
 * An answer in the format the `Accept` header asks for (JSON first), or the 406 Mesos gives
 * when it allows neither.
 */
export function encodeBody(
  accept: string | undefined,
  value: unknown,
  message: ProtobufMessage,
): Result<EncodedBody, BodyProblem> {
  const format = answerFormat(accept);
  if (!format.ok) return format;
  return ok({ contentType: mediaTypeFor(format.value), bytes: encodeAs(format.value, value, message) });
}
