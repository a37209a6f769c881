/**
 * How the operator API (`/api/v1` on master and agent) reads request bodies and writes answers
 * (docs/operator-http-api.md: JSON or protobuf by `Content-Type`, answers by `Accept`, JSON by
 * default). Each direction is ONE function, so that a protobuf codec
 * (src/runtime/live/protobuf/) plugs in here and nowhere else: {@link decodeOperatorBody} turns
 * a body into the call's JSON form, {@link answerEncoding} picks the encoding from `Accept`, and
 * {@link encodeOperatorMessage} writes a Response or Event in it. This file speaks JSON only, so
 * protobuf bodies get 415 and an `Accept` that admits only protobuf gets 406, with Mesos's words.
 */
import { acceptsJson, mediaType, parseJson } from './http-util.js';

/** The encodings answers can be written in. */
export type OperatorEncoding = 'json';

/** A body read as the call's JSON form, or the status and message Mesos answers. */
export type DecodedBody =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly status: 400 | 415; readonly message: string };

/**
 * Decodes a request body by its `Content-Type`, as Mesos's `/api/v1` handlers do: 400 without a
 * content type or for a body that does not parse, 415 for a type it does not read.
 */
export function decodeOperatorBody(contentType: string | undefined, body: string): DecodedBody {
  if (contentType === undefined) {
    return { ok: false, status: 400, message: "Expecting 'Content-Type' to be present" };
  }
  if (mediaType(contentType) !== 'application/json') {
    return {
      ok: false,
      status: 415,
      message: `Expecting 'Content-Type' of application/json (application/x-protobuf is not supported yet), received '${contentType}'`,
    };
  }
  const json = parseJson(body);
  if (!json.ok) return { ok: false, status: 400, message: `Failed to parse body into JSON: ${json.message}` };
  return { ok: true, value: json.value };
}

/** The encoding an `Accept` header asks for, or undefined (406) if none is spoken here. */
export function answerEncoding(accept: string | undefined): OperatorEncoding | undefined {
  return acceptsJson(accept) ? 'json' : undefined;
}

/** The 406 message Mesos gives when `Accept` admits no encoding it writes. */
export const NOT_ACCEPTABLE = "Expecting 'Accept' to allow 'application/json'";

/** A Response or Event written in `encoding`: the body and its content type. */
export function encodeOperatorMessage(
  message: unknown,
  encoding: OperatorEncoding,
): { readonly contentType: string; readonly body: string } {
  switch (encoding) {
    case 'json':
      return { contentType: 'application/json', body: JSON.stringify(message) };
  }
}
