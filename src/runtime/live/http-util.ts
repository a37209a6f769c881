/**
 * Small HTTP helpers shared by the live endpoints: reading a request body under a size limit,
 * answering with text or JSON, and checking the content type, with the messages Mesos gives.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Decoded } from '../../core/messages/decode-helpers.js';
import { err, ok, type Result } from '../../core/result.js';
import { type BodyBudget, readBodyWithin } from './body-reader.js';
import { limitConnectionsPerClient, MAX_CONNECTIONS_PER_CLIENT } from './client-connections.js';
import type { ProtobufMessage } from './protobuf/codec.js';
import { bodyFormat, decodeBody } from './protobuf/content-types.js';
import { SERVER_KEEP_ALIVE_MS } from './tls.js';

/** The largest request body a live endpoint reads by default (16 MiB, far above any real call). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** How many connections a live node serves at once by default; more are refused. */
export const MAX_CONNECTIONS = 1_000;

/** Limits on what one request may make a node read. */
export interface RequestLimits {
  /** Bodies over this many bytes get 413 (default {@link MAX_BODY_BYTES}). */
  readonly maxBodyBytes?: number;
  /** Called on each 413 (for the metrics). */
  readonly tooLarge?: () => void;
  /** Body memory shared with other requests; 503 when spent (default: the process's, body-reader.ts). */
  readonly budget?: BodyBudget;
  /** Called on each 503 for the budget (for the metrics). */
  readonly overBudget?: () => void;
}

/** Answers `status` with a plain-text body (and closes the exchange). */
export function sendText(
  res: ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  res.end(text);
}

/** Answers 200 with `value` as JSON. */
export function sendJson(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

/**
 * Checks a JSON POST as Mesos's endpoints do: 405 for another method, 400 without a content
 * type, 415 for one that is not JSON (for endpoints that take JSON only, such as Agora's own
 * message channel; Mesos's v1 APIs take protobuf too, see {@link readV1Message}). Returns
 * whether the request may go on (if not, it has been answered).
 */
export function acceptJsonPost(req: IncomingMessage, res: ServerResponse): boolean {
  if (!acceptPost(req, res)) return false;
  const type = req.headers['content-type'];
  if (type === undefined) {
    sendText(res, 400, "Expecting 'Content-Type' to be present");
    return false;
  }
  if (mediaType(type) !== 'application/json') {
    sendText(
      res,
      415,
      `Expecting 'Content-Type' of application/json (protobuf is not supported), received '${type}'`,
    );
    return false;
  }
  return true;
}

/** Whether the request is a POST; if not, it is answered 405 as Mesos does. */
function acceptPost(req: IncomingMessage, res: ServerResponse): boolean {
  if (req.method === 'POST') return true;
  sendText(res, 405, `Expecting 'POST', received '${req.method ?? ''}'`, { Allow: 'POST' });
  return false;
}

/** `application/json; charset=utf-8` → `application/json`. */
export function mediaType(header: string): string {
  return (header.split(';')[0] ?? '').trim().toLowerCase();
}

/** A JSON body's value, or the 400 Mesos gives for text that is not JSON. */
function parseJsonBody(text: string): Result<unknown, { status: 400; message: string }> {
  const json = parseJson(text);
  return json.ok
    ? ok(json.value)
    : err({ status: 400, message: `Failed to parse body into JSON: ${json.message}` });
}

/** Parses JSON text, or says why it is not JSON. */
function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/** How a live node's server listens. */
export interface ListenOptions {
  /** How long a request may take to arrive whole (default 30 s); then 408 and the socket closes. */
  readonly requestTimeoutMs?: number;
  /** Connections served at once (default {@link MAX_CONNECTIONS}); Node closes any beyond. */
  readonly maxConnections?: number;
  /** Serve HTTPS with this key and certificate. */
  readonly tls?: { readonly key: string; readonly cert: string };
  /** Called for each connection refused over `maxConnections` (for the metrics). */
  readonly dropped?: () => void;
  /** Connections one client address may hold (default {@link MAX_CONNECTIONS_PER_CLIENT}). */
  readonly maxConnectionsPerClient?: number;
  /** Called for each connection refused over `maxConnectionsPerClient`. */
  readonly droppedPerClient?: () => void;
}

/**
 * A server with the limits every live node uses, listening on `host:port` (0: any free port);
 * resolves with the port. Node checks request timeouts only every `connectionsCheckingInterval`
 * (30 s by default), so that is tied to the timeout. A TLS handshake must end within 10 s (Node
 * waits 120 s by default), so silent sockets cannot pile up before they even send headers.
 */
export async function listenWithLimits(
  host: string,
  port: number,
  options: ListenOptions = {},
): Promise<{ server: Server; port: number }> {
  const requestTimeoutMs = options.requestTimeoutMs ?? 30_000;
  const serverOptions = { connectionsCheckingInterval: Math.min(1_000, requestTimeoutMs / 4) };
  // An https.Server is an http.Server over TLS sockets: the same request API and limits.
  const server: Server =
    options.tls === undefined
      ? createServer(serverOptions)
      : createTlsServer({ ...serverOptions, ...options.tls, handshakeTimeout: 10_000 });
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(10_000, requestTimeoutMs);
  // Longer than any live client keeps an idle connection (tls.ts), so the server never closes
  // a socket a client is about to reuse.
  server.keepAliveTimeout = SERVER_KEEP_ALIVE_MS;
  server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  const dropped = options.dropped;
  if (dropped !== undefined) server.on('drop', () => dropped());
  limitConnectionsPerClient(
    server,
    options.maxConnectionsPerClient ?? MAX_CONNECTIONS_PER_CLIENT,
    options.droppedPerClient,
  );
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}

/**
 * Reads a JSON POST and decodes it with `decode`, answering 405, 400, 413 or 415 itself when it
 * cannot (`what` names the message in the 400, e.g. `scheduler::Call`); undefined then.
 */
export function readJsonMessage<T>(
  req: IncomingMessage,
  res: ServerResponse,
  decode: (json: unknown) => Decoded<T>,
  what: string,
  limits: RequestLimits = {},
): Promise<T | undefined> {
  return readMessage(req, res, decode, what, limits);
}

/**
 * {@link readJsonMessage} for an endpoint of Mesos's v1 APIs, which takes protobuf bodies of
 * `message` as well as JSON (protobuf/content-types.ts): a protobuf body is decoded to Mesos's
 * JSON mapping and then to a message by the same `decode`.
 */
export function readV1Message<T>(
  req: IncomingMessage,
  res: ServerResponse,
  decode: (json: unknown) => Decoded<T>,
  what: string,
  message: ProtobufMessage,
  limits: RequestLimits = {},
): Promise<T | undefined> {
  return readMessage(req, res, decode, what, limits, message);
}

async function readMessage<T>(
  req: IncomingMessage,
  res: ServerResponse,
  decode: (json: unknown) => Decoded<T>,
  what: string,
  limits: RequestLimits,
  protobuf?: ProtobufMessage,
): Promise<T | undefined> {
  let binary = false;
  if (protobuf === undefined) {
    if (!acceptJsonPost(req, res)) return undefined;
  } else {
    if (!acceptPost(req, res)) return undefined;
    const format = bodyFormat(req.headers['content-type']);
    if (!format.ok) {
      sendText(res, format.error.status, format.error.message);
      return undefined;
    }
    binary = format.value === 'protobuf';
  }
  const body = await readBodyWithin(
    req,
    limits.maxBodyBytes ?? MAX_BODY_BYTES,
    limits.budget,
    binary ? 'latin1' : 'utf8',
  );
  if (!body.ok) {
    if (body.status === 413) limits.tooLarge?.();
    if (body.status === 503) limits.overBudget?.();
    sendText(res, body.status, body.message, body.status === 503 ? { 'Retry-After': '1' } : {});
    return undefined;
  }
  const json =
    protobuf === undefined
      ? parseJsonBody(body.text)
      : decodeBody(req.headers['content-type'], body.text, protobuf);
  if (!json.ok) {
    sendText(res, json.error.status, json.error.message);
    return undefined;
  }
  const decoded = decode(json.value);
  if (!decoded.ok) {
    sendText(res, 400, `Failed to validate ${what}: ${decoded.error.path}: ${decoded.error.message}`);
    return undefined;
  }
  return decoded.value;
}
