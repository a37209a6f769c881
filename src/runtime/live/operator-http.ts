/**
 * What the master's and the agent's `/api/v1` share: reading a call, JSON or protobuf, as
 * Mesos's handlers do (405 for another method, 400/415 for the `Content-Type`, the body's limits,
 * 400 for a body that does not parse or a bad call, 406 for an `Accept` no encoding meets, in
 * that order), writing a 200 answer in the negotiated encoding, and the four calls both answer
 * alike (GET_HEALTH, GET_FLAGS, GET_VERSION, GET_METRICS).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readBodyWithin } from './body-reader.js';
import { MAX_BODY_BYTES, type RequestLimits, sendText } from './http-util.js';
import type { DecodedCall } from './operator-calls-decode.js';
import {
  answerEncoding,
  bodyEncoding,
  decodeOperatorBody,
  encodeOperatorMessage,
  type OperatorEncoding,
  type OperatorSide,
  responseMessage,
} from './operator-codec.js';

/** A flag as GET_FLAGS lists it (Mesos `Flag`). */
export interface Flag {
  readonly name: string;
  readonly value: string;
}

/** How an answer goes out: the encoding `Accept` chose, and whose Response it is. */
export interface OperatorAnswering {
  readonly encoding: OperatorEncoding;
  readonly side: OperatorSide;
}

/**
 * Reads and decodes one call of `side`'s API (JSON or protobuf); undefined once it has answered
 * an error itself. The content type is checked before the body is read, so a protobuf body is
 * read as bytes (`latin1`, one char a byte) and a refused type costs no body buffer.
 */
export async function readOperatorCall<T>(
  req: IncomingMessage,
  res: ServerResponse,
  decode: (json: unknown) => DecodedCall<T>,
  side: OperatorSide,
  limits: RequestLimits = {},
): Promise<{ readonly call: T; readonly answering: OperatorAnswering } | undefined> {
  if (req.method !== 'POST') {
    sendText(res, 405, `Expecting 'POST', received '${req.method ?? ''}'`, { Allow: 'POST' });
    return undefined;
  }
  const contentType = req.headers['content-type'];
  const format = bodyEncoding(contentType);
  if (!format.ok) {
    sendText(res, format.error.status, format.error.message);
    return undefined;
  }
  const body = await readBodyWithin(
    req,
    limits.maxBodyBytes ?? MAX_BODY_BYTES,
    limits.budget,
    format.value === 'protobuf' ? 'latin1' : 'utf8',
  );
  if (!body.ok) {
    if (body.status === 413) limits.tooLarge?.();
    if (body.status === 503) limits.overBudget?.();
    sendText(res, body.status, body.message);
    return undefined;
  }
  const decoded = decodeOperatorBody(contentType, body.text, side);
  if (!decoded.ok) {
    sendText(res, decoded.status, decoded.message);
    return undefined;
  }
  const call = decode(decoded.value);
  if (!call.ok) {
    sendText(res, 400, call.message);
    return undefined;
  }
  // Mesos checks `Accept` after the call is valid and before it runs.
  const encoding = answerEncoding(req.headers.accept);
  if (!encoding.ok) {
    sendText(res, encoding.error.status, encoding.error.message);
    return undefined;
  }
  return { call: call.call, answering: { encoding: encoding.value, side } };
}

/** Answers 200 with the Response `{type, [field]: value}` in the negotiated encoding. */
export function sendOperatorResponse(
  res: ServerResponse,
  answering: OperatorAnswering,
  type: string,
  field: string,
  value: unknown,
): void {
  let encoded: { readonly contentType: string; readonly body: Uint8Array };
  try {
    encoded = encodeOperatorMessage(
      { type, [field]: value },
      answering.encoding,
      responseMessage(answering.side),
    );
  } catch (e) {
    // A Response the schema cannot carry is Agora's bug, not the caller's: say so, never a
    // half-written or silently shortened answer.
    sendText(res, 500, e instanceof Error ? e.message : String(e));
    return;
  }
  res.writeHead(200, { 'Content-Type': encoded.contentType });
  res.end(encoded.body);
}

/** What the calls master and agent answer alike are answered from. */
export interface CommonSources {
  readonly flags: () => readonly Flag[];
  readonly version: string;
  readonly metrics: () => Readonly<Record<string, number>>;
}

/** The calls master and agent answer alike. */
type CommonCall = 'GET_HEALTH' | 'GET_FLAGS' | 'GET_VERSION' | 'GET_METRICS';

const COMMON_CALLS: readonly string[] = ['GET_HEALTH', 'GET_FLAGS', 'GET_VERSION', 'GET_METRICS'];

/** Whether `call` is one of the calls master and agent answer alike. */
export function isCommonCall<T extends { readonly type: string }>(
  call: T,
): call is Extract<T, { readonly type: CommonCall }> {
  return COMMON_CALLS.includes(call.type);
}

/** Answers GET_HEALTH, GET_FLAGS, GET_VERSION or GET_METRICS. */
export function sendCommonResponse(
  res: ServerResponse,
  answering: OperatorAnswering,
  type: CommonCall,
  sources: CommonSources,
): void {
  sendOperatorResponse(res, answering, type, ...commonResponse(type, sources));
}

function commonResponse(type: CommonCall, sources: CommonSources): [field: string, value: unknown] {
  switch (type) {
    case 'GET_HEALTH':
      return ['get_health', { healthy: true }];
    case 'GET_FLAGS':
      return ['get_flags', { flags: sources.flags() }];
    case 'GET_VERSION':
      return ['get_version', { version_info: { version: sources.version } }];
    case 'GET_METRICS':
      return [
        'get_metrics',
        { metrics: Object.entries(sources.metrics()).map(([name, value]) => ({ name, value })) },
      ];
  }
}
