/**
 * What the master's and the agent's `/api/v1` share: reading a call as Mesos's handlers do (405
 * for another method, the body's limits, 400/415 from the codec, 400 for a bad call, 406 for an
 * `Accept` no encoding meets, in that order), writing a 200 answer, and the four calls both
 * answer alike (GET_HEALTH, GET_FLAGS, GET_VERSION, GET_METRICS).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type RequestLimits, readBody, sendText } from './http-util.js';
import type { DecodedCall } from './operator-calls-decode.js';
import {
  answerEncoding,
  decodeOperatorBody,
  encodeOperatorMessage,
  NOT_ACCEPTABLE,
  type OperatorEncoding,
} from './operator-codec.js';

/** A flag as GET_FLAGS lists it (Mesos `Flag`). */
export interface Flag {
  readonly name: string;
  readonly value: string;
}

/** Reads and decodes one call; undefined once it has answered an error itself. */
export async function readOperatorCall<T>(
  req: IncomingMessage,
  res: ServerResponse,
  decode: (json: unknown) => DecodedCall<T>,
  limits: RequestLimits = {},
): Promise<{ readonly call: T; readonly encoding: OperatorEncoding } | undefined> {
  if (req.method !== 'POST') {
    sendText(res, 405, `Expecting 'POST', received '${req.method ?? ''}'`, { Allow: 'POST' });
    return undefined;
  }
  const body = await readBody(req, limits.maxBodyBytes, limits.budget);
  if (!body.ok) {
    if (body.status === 413) limits.tooLarge?.();
    if (body.status === 503) limits.overBudget?.();
    sendText(res, body.status, body.message);
    return undefined;
  }
  const decoded = decodeOperatorBody(req.headers['content-type'], body.text);
  if (!decoded.ok) {
    sendText(res, decoded.status, decoded.message);
    return undefined;
  }
  const call = decode(decoded.value);
  if (!call.ok) {
    sendText(res, 400, call.message);
    return undefined;
  }
  const encoding = answerEncoding(req.headers.accept);
  if (encoding === undefined) {
    sendText(res, 406, NOT_ACCEPTABLE);
    return undefined;
  }
  return { call: call.call, encoding };
}

/** Answers 200 with `{type, [field]: value}` in `encoding`. */
export function sendOperatorResponse(
  res: ServerResponse,
  encoding: OperatorEncoding,
  type: string,
  field: string,
  value: unknown,
): void {
  const { contentType, body } = encodeOperatorMessage({ type, [field]: value }, encoding);
  res.writeHead(200, { 'Content-Type': contentType });
  res.end(body);
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
  encoding: OperatorEncoding,
  type: CommonCall,
  sources: CommonSources,
): void {
  sendOperatorResponse(res, encoding, type, ...commonResponse(type, sources));
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
