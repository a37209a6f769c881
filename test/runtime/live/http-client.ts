/** Raw HTTP for the live tests: plain requests, and a SUBSCRIBE stream read record by record. */

import { type IncomingHttpHeaders, type RequestOptions, request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { RecordIoDecoder } from '../../../src/core/recordio.js';
import { patient } from '../../patience.js';

/** `http.request` or, for an `https:` URL, `https.request` trusting `ca`. */
function open(url: string, options: RequestOptions, ca: string | undefined) {
  return url.startsWith('https:')
    ? httpsRequest(url, { ...options, ...(ca === undefined ? {} : { ca }) })
    : request(url, options);
}

/** A finished exchange. */
export interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** Sends one request and reads the whole answer. */
export function send(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = open(url, { method: options.method ?? 'POST', headers: options.headers ?? {} }, options.ca);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** POSTs JSON to the scheduler endpoint. */
export function call(
  masterUrl: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return send(`${masterUrl}/api/v1/scheduler`, {
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** An open SUBSCRIBE stream: its status, headers and the events read so far. */
export interface Subscription {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly events: Record<string, unknown>[];
  /** Resolves once `n` events have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<void>;
  close(): void;
}

/** Opens a SUBSCRIBE stream with `frameworkInfo` (and `headers`, say an `Authorization`). */
export function subscribe(
  masterUrl: string,
  frameworkInfo: Record<string, unknown>,
  frameworkId?: string,
  headers: Record<string, string> = {},
): Promise<Subscription> {
  const body = JSON.stringify({
    type: 'SUBSCRIBE',
    ...(frameworkId === undefined ? {} : { framework_id: { value: frameworkId } }),
    subscribe: {
      framework_info: {
        ...frameworkInfo,
        ...(frameworkId === undefined ? {} : { id: { value: frameworkId } }),
      },
    },
  });
  return new Promise((resolve, reject) => {
    const req = request(`${masterUrl}/api/v1/scheduler`, {
      method: 'POST',
      headers: { ...headers, 'Content-Type': 'application/json', Accept: 'application/json' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const events: Record<string, unknown>[] = [];
      const decoder = new RecordIoDecoder(1 << 24);
      const text = new TextDecoder();
      res.on('data', (chunk: Buffer) => {
        const r = decoder.push(chunk);
        if (r.ok) for (const record of r.records) events.push(JSON.parse(text.decode(record)));
      });
      res.on('error', () => {});
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        async waitFor(n, timeoutMs = 5000) {
          const deadline = Date.now() + patient(timeoutMs);
          while (events.length < n) {
            if (Date.now() > deadline)
              throw new Error(`only ${events.length} of ${n} events after ${timeoutMs} ms`);
            await new Promise((r) => setTimeout(r, 10));
          }
        },
        close: () => req.destroy(),
      });
    });
    req.end(body);
  });
}
