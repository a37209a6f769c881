/**
 * The web UI's pushed stream (ui-endpoint.ts) on a real socket: nothing is built while no page
 * watches; a page gets the current frame at once; a burst of changes is pushed as few frames,
 * no more than one per {@link PUSH_INTERVAL_MS} of the burst (and one more); the streams end when the server closes them.
 */
import { createServer, get, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import test from 'ava';
import { PUSH_INTERVAL_MS, UiEventStream, type UiFrame } from '../../../src/runtime/live/ui-endpoint.js';
import { eventually } from './harness.js';

test('frames are pushed on change, throttled, and only while a page watches', async (t) => {
  let built = 0;
  const stream = new UiEventStream(
    (): UiFrame => ({ at_ms: Date.now(), state: { n: ++built }, metrics: {}, quota: {}, weights: [] }),
  );
  for (let i = 0; i < 10; i++) stream.changed();
  t.is(built, 0, 'no page watches: no frame is built');

  const server = createServer((req, res) => stream.handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const arrivals: { atMs: number; n: number }[] = [];
  let contentType = '';
  const res = await new Promise<IncomingMessage>((resolve) =>
    get(`http://127.0.0.1:${port}/events`, resolve),
  );
  contentType = res.headers['content-type'] ?? '';
  let buffered = '';
  res.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    for (let end = buffered.indexOf('\n\n'); end !== -1; end = buffered.indexOf('\n\n')) {
      const event = buffered.slice(0, end);
      buffered = buffered.slice(end + 2);
      const data = /^data: (.*)$/mu.exec(event)?.[1];
      if (data !== undefined)
        arrivals.push({
          atMs: Date.now(),
          n: (JSON.parse(data) as UiFrame & { state: { n: number } }).state.n,
        });
    }
  });
  try {
    t.regex(contentType, /^text\/event-stream/u);
    await eventually(() => arrivals.length === 1, 2_000, 'the current frame at once');
    // A change every 5 ms for a second: about four pushes, not two hundred.
    const startedAt = Date.now();
    await new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        stream.changed();
        if (Date.now() - startedAt >= 1_000) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    const endedAt = Date.now();
    await eventually(() => arrivals.at(-1)?.n === built, 2_000, 'the last change pushed');
    const pushes = arrivals.slice(1);
    const bound = Math.ceil((Date.now() - startedAt) / PUSH_INTERVAL_MS) + 1;
    t.log(`${pushes.length} pushes for ${endedAt - startedAt} ms of changes every 5 ms (at most ${bound})`);
    t.true(pushes.length >= 2, 'changes were pushed');
    t.true(pushes.length <= bound, `throttled: ${pushes.length} pushes, at most ${bound}`);
    t.is(built, arrivals.length, 'one frame built per push, shared by the watchers');
    t.is(stream.watchers, 1);
    const ended = new Promise<void>((resolve) => res.on('end', resolve));
    stream.closeAll();
    await ended;
    t.is(stream.watchers, 0);
  } finally {
    res.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
