/**
 * The client side of Mesos's streaming HTTP APIs, shared by the scheduler and executor clients:
 * a SUBSCRIBE POST whose 200 answer is a never-ending RecordIO stream of JSON records, and plain
 * call POSTs answered with a status. Each stream reports exactly one end (closed, broken or
 * refused), whatever mix of socket events brings it. `https:` URLs are spoken over TLS, trusting
 * the system's CAs, or only those of the given {@link ClientTls}.
 */
import type { ClientRequest, Agent as HttpAgent, IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { RecordIoDecoder } from '../../core/recordio.js';
import { type ClientTls, requestTo } from './tls.js';

/** The largest event record accepted (an OFFERS event for thousands of agents fits easily). */
export const MAX_EVENT_BYTES = 64 * 1024 * 1024;

/** What a stream reports. */
export interface EventStreamHandlers {
  /** The stream opened (200) with these headers. */
  opened(headers: IncomingHttpHeaders): void;
  /** One record, parsed as JSON. */
  record(json: unknown): void;
  /**
   * The server answered something other than 200 (with the start of its body, and its headers:
   * a 307's `Location` says where the leading master is).
   */
  refused(status: number, body: string, headers: IncomingHttpHeaders): void;
  /** The stream ended, broke, or could not be opened. Not called after `refused`. */
  closed(): void;
  /** The request failed before or while streaming (refused connection, TLS error, reset). */
  failed?(error: Error): void;
  log(line: string): void;
}

/** Extra headers (say `Authorization`) and the TLS trust of a client's requests. */
export interface ClientRequestOptions {
  readonly headers?: Readonly<Record<string, string>>;
  readonly tls?: ClientTls;
}

/** Opens a streaming POST to `url` with JSON `body`; destroy the request to close it. */
export function openEventStream(
  url: string,
  body: string,
  on: EventStreamHandlers,
  options: ClientRequestOptions = {},
): ClientRequest {
  let ended = false;
  const closed = () => {
    if (ended) return;
    ended = true;
    on.closed();
  };
  const req = requestTo(
    url,
    {
      method: 'POST',
      headers: {
        ...options.headers,
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'Content-Length': Buffer.byteLength(body),
      },
    },
    options.tls,
  );
  req.on('response', (res) => {
    if (res.statusCode !== 200) {
      ended = true;
      readText(res).then((text) => on.refused(res.statusCode ?? 0, text, res.headers));
      return;
    }
    on.opened(res.headers);
    const decoder = new RecordIoDecoder(MAX_EVENT_BYTES);
    const text = new TextDecoder();
    res.on('data', (chunk: Buffer) => {
      const decoded = decoder.push(chunk);
      if (!decoded.ok) {
        on.log(`the event stream broke: ${decoded.error}`);
        req.destroy();
        return;
      }
      for (const record of decoded.records) {
        let json: unknown;
        try {
          json = JSON.parse(text.decode(record));
        } catch (e) {
          on.log(`an event is not JSON: ${e instanceof Error ? e.message : String(e)}`);
          continue;
        }
        on.record(json);
      }
    });
    res.on('end', closed);
    res.on('close', closed);
    res.on('error', closed);
  });
  req.on('error', (e) => {
    if (!ended) on.failed?.(e);
    closed();
  });
  req.end(body);
  return req;
}

/**
 * POSTs JSON `body` to `url` over `agent` (a pool for `url`'s scheme); resolves with the status
 * and the start of the body once answered (status 0 and the error's message if it failed).
 */
export function postJson(
  url: string,
  agent: HttpAgent,
  body: string,
  headers: Readonly<Record<string, string>>,
  timeoutMs: number,
  tls?: ClientTls,
): Promise<{ status: number; text: string }> {
  return new Promise((resolve) => {
    const req = requestTo(
      url,
      {
        method: 'POST',
        agent,
        timeout: timeoutMs,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          ...headers,
        },
      },
      tls,
    );
    req.on('response', (res) => {
      readText(res).then((text) => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (e) => resolve({ status: 0, text: e.message }));
    req.end(body);
  });
}

/** The first 2,000 characters of a response's body. */
function readText(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    const done = () => resolve(Buffer.concat(chunks).toString('utf8').slice(0, 2000));
    res.on('end', done);
    res.on('error', done);
  });
}
