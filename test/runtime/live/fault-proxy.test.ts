/**
 * The fault-injecting proxy on real loopback sockets: it forwards both ways from the client's own
 * address, holds a blocked direction (connections stall, nothing is refused or lost) and lets it
 * flow on in order when healed, delays by its latency, and sends new connections to a retargeted
 * peer. "Nothing got through while blocked" is judged against a barrier: the same bytes sent
 * afterwards through a second, open proxy to the same target, which have arrived.
 */
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import test from 'ava';
import { FaultProxy } from '../../../src/runtime/live/fault-proxy.js';
import { eventually } from './harness.js';

/** A TCP server that records what each connection sent and from where. */
interface Target {
  readonly server: Server;
  readonly port: number;
  readonly sockets: Socket[];
  /** Text received per connection, in accept order. */
  readonly received: string[];
  readonly remotes: string[];
  close(): Promise<void>;
}

async function startTarget(): Promise<Target> {
  const sockets: Socket[] = [];
  const received: string[] = [];
  const remotes: string[] = [];
  const server = createServer((socket) => {
    const i = sockets.length;
    sockets.push(socket);
    received.push('');
    remotes.push(socket.remoteAddress ?? '');
    socket.on('data', (d: Buffer) => {
      received[i] += d.toString();
    });
    socket.on('error', () => {});
  });
  const port = await new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
  return {
    server,
    port,
    sockets,
    received,
    remotes,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * Runs `body` with a target, a proxy to it and a second proxy to it that nothing blocks (for
 * barriers), and closes them all.
 */
async function withProxies(
  body: (target: Target, proxy: FaultProxy, open: FaultProxy) => Promise<void>,
): Promise<void> {
  const target = await startTarget();
  const proxy = await FaultProxy.start({ host: '127.0.0.1', port: target.port });
  const open = await FaultProxy.start({ host: '127.0.0.1', port: target.port });
  try {
    await body(target, proxy, open);
  } finally {
    await proxy.close();
    await open.close();
    await target.close();
  }
}

/** A client connection through `port` that records what it receives. */
function client(
  port: number,
  localAddress = '127.0.0.1',
): { socket: Socket; got: () => string; closed: () => boolean } {
  const socket = tcpConnect({ host: '127.0.0.1', port, localAddress });
  let got = '';
  let closed = false;
  socket.on('data', (d: Buffer) => {
    got += d.toString();
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closed = true;
  });
  return { socket, got: () => got, closed: () => closed };
}

test('forwards both ways, from the client’s own loopback address', async (t) => {
  await withProxies(async (target, proxy) => {
    const c = client(proxy.port, '127.0.0.7');
    c.socket.write('hello');
    await eventually(() => target.received[0] === 'hello', 5_000, 'the bytes at the target');
    t.is(target.remotes[0], '127.0.0.7');
    target.sockets[0]?.write('world');
    await eventually(() => c.got() === 'world', 5_000, 'the answer at the client');
    t.is(proxy.counters.forwardBytes, 5);
    t.is(proxy.counters.backwardBytes, 5);
    c.socket.destroy();
  });
});

test('a blocked link stalls a new connection (accepted, not refused) and delivers it in order when healed', async (t) => {
  await withProxies(async (target, proxy, open) => {
    proxy.setBlocked({ forward: true, backward: true });
    const c = client(proxy.port);
    c.socket.write('one,');
    c.socket.write('two');
    await eventually(() => proxy.connectionCount === 1, 5_000, 'the proxy to accept');
    const barrier = client(open.port);
    barrier.socket.write('barrier');
    await eventually(() => target.received.includes('barrier'), 5_000, 'the barrier');
    t.deepEqual(target.received, ['barrier'], 'nothing of the blocked connection reached the target');
    t.false(c.closed(), 'the blocked connection is held, not refused');
    proxy.setBlocked({ forward: false, backward: false });
    await eventually(() => target.received.includes('one,two'), 5_000, 'the held bytes after the heal');
    c.socket.destroy();
    barrier.socket.destroy();
  });
});

test('one way blocked: the other way flows; what was held arrives after the heal', async (t) => {
  await withProxies(async (target, proxy, open) => {
    const c = client(proxy.port);
    c.socket.write('a');
    await eventually(() => target.received[0] === 'a', 5_000, 'the connection to open');
    // Backward blocked: the client's bytes go through, the target's answers are held.
    proxy.setBlocked({ backward: true });
    c.socket.write('b');
    await eventually(() => target.received[0] === 'ab', 5_000, 'forward bytes while backward is blocked');
    target.sockets[0]?.write('held');
    const barrier = client(open.port);
    await eventually(() => target.sockets.length === 2, 5_000, 'the barrier connection');
    target.sockets[1]?.write('barrier');
    await eventually(() => barrier.got() === 'barrier', 5_000, 'the barrier answer');
    t.is(c.got(), '', 'the answer is held while backward is blocked');
    // Forward blocked too, then backward healed: the answer comes, the client's new bytes wait.
    proxy.setBlocked({ forward: true, backward: false });
    await eventually(() => c.got() === 'held', 5_000, 'the held answer');
    c.socket.write('c');
    barrier.socket.write('x');
    await eventually(() => target.received[1] === 'x', 5_000, 'the barrier bytes');
    t.is(target.received[0], 'ab', 'forward bytes are held while forward is blocked');
    proxy.setBlocked({ forward: false });
    await eventually(() => target.received[0] === 'abc', 5_000, 'the held bytes after the heal');
    c.socket.destroy();
    barrier.socket.destroy();
  });
});

test('a peer that closes behind a partition is seen closed only when the link heals', async (t) => {
  await withProxies(async (target, proxy) => {
    const c = client(proxy.port);
    c.socket.write('a');
    await eventually(() => target.received[0] === 'a', 5_000, 'the connection to open');
    proxy.setBlocked({ backward: true });
    target.sockets[0]?.destroy();
    await eventually(() => target.sockets[0]?.destroyed === true, 5_000, 'the target to close');
    // The close travels behind the block: the forward direction still works as a probe.
    c.socket.write('b');
    t.false(c.closed());
    proxy.setBlocked({ backward: false });
    await eventually(c.closed, 5_000, 'the close to reach the client');
    t.pass();
  });
});

test('latency: every chunk waits at least the minimum, and chunks keep their order', async (t) => {
  await withProxies(async (target, proxy) => {
    let n = 0;
    // Alternating draws: later chunks must not overtake a slower one before them.
    proxy.setLatency({ minMs: 40, maxMs: 120, random: () => (n++ % 2 === 0 ? 1 : 0) });
    const c = client(proxy.port);
    const sentAt = Date.now();
    c.socket.write('1');
    await eventually(() => target.received[0] === '1', 5_000, 'the first chunk');
    const elapsed = Date.now() - sentAt;
    t.true(elapsed >= 40, `arrived after ${elapsed} ms`);
    for (const d of ['2', '3', '4', '5']) c.socket.write(d);
    await eventually(() => target.received[0] === '12345', 5_000, 'every chunk, in order');
    t.is(target.received[0], '12345');
    c.socket.destroy();
  });
});

test('retarget: new connections go to the new target, through the same proxy port', async (t) => {
  const first = await startTarget();
  const second = await startTarget();
  const proxy = await FaultProxy.start({ host: '127.0.0.1', port: first.port });
  try {
    const a = client(proxy.port);
    a.socket.write('a');
    await eventually(() => first.received[0] === 'a', 5_000, 'the first target');
    proxy.retarget({ host: '127.0.0.1', port: second.port });
    const b = client(proxy.port);
    b.socket.write('b');
    await eventually(() => second.received[0] === 'b', 5_000, 'the second target');
    t.deepEqual(first.received, ['a']);
    a.socket.destroy();
    b.socket.destroy();
  } finally {
    await proxy.close();
    await first.close();
    await second.close();
  }
});

test('a proxy with no target yet holds its connections until it gets one', async (t) => {
  const target = await startTarget();
  const proxy = await FaultProxy.start(undefined);
  try {
    const c = client(proxy.port);
    c.socket.write('early');
    await eventually(() => proxy.connectionCount === 1, 5_000, 'the proxy to accept');
    t.false(c.closed(), 'held, not refused');
    proxy.retarget({ host: '127.0.0.1', port: target.port });
    await eventually(() => target.received[0] === 'early', 5_000, 'the held bytes at the new target');
    c.socket.destroy();
  } finally {
    await proxy.close();
    await target.close();
  }
});
