/** A JSON client of the operator API (`POST /api/v1`) for the live tests: calls and the SUBSCRIBE stream. */
import { request } from 'node:http';
import { RecordIoDecoder } from '../../../src/core/recordio.js';
import { type Answer, send } from './http-client.js';

/** Mesos JSON as the tests read it, field by field (each read is checked by an assertion). */
// biome-ignore lint/suspicious/noExplicitAny: answers are walked by path and every value asserted
export type Json = any;

/** POSTs a JSON operator call (a value, or text sent as it is) to `/api/v1`. */
export function operator(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return send(`${url}/api/v1`, {
    headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A SUBSCRIBE stream's events, decoded as they come. */
export function subscribeOperator(
  url: string,
): Promise<{ events: Record<string, Json>[]; status: number; close(): void }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/v1`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
    });
    req.on('error', reject);
    req.on('response', (res) => {
      const events: Record<string, Json>[] = [];
      const decoder = new RecordIoDecoder(1 << 24);
      res.on('data', (chunk: Buffer) => {
        const r = decoder.push(chunk);
        if (r.ok) for (const record of r.records) events.push(JSON.parse(new TextDecoder().decode(record)));
      });
      res.on('error', () => {});
      resolve({ events, status: res.statusCode ?? 0, close: () => req.destroy() });
    });
    req.end(JSON.stringify({ type: 'SUBSCRIBE' }));
  });
}
