/**
 * Small process systems for the world tests: a ping-pong pair and a recorder that notes every
 * input with the time it saw it.
 */
import type { Address, Env, Process, TimerId } from '../../../src/core/process.js';

/** The test vocabulary. */
export type Msg = { readonly type: 'ping' | 'pong' | 'hello'; readonly n: number };

/**
 * Sends a ping to `peer` every `periodMs` (up to `count`), each with a random payload draw, and
 * traces every pong; the ponger answers every ping. Random latency, loss and duplication make
 * the trace sensitive to every seeded decision.
 */
export class Pinger implements Process<Msg> {
  readonly #peer: Address;
  readonly #periodMs: number;
  readonly #count: number;
  #sent = 0;

  constructor(peer: Address, periodMs: number, count: number) {
    this.#peer = peer;
    this.#periodMs = periodMs;
    this.#count = count;
  }

  onStart(env: Env<Msg>): void {
    env.setTimer(this.#periodMs, 'tick');
  }

  onMessage(env: Env<Msg>, from: Address, msg: Msg): void {
    env.trace({ kind: 'pong', from, n: msg.n, at: env.now() });
  }

  onTimer(env: Env<Msg>, tag: string): void {
    env.send(this.#peer, { type: 'ping', n: this.#sent++ });
    env.trace({ kind: 'tick', tag, draw: env.random() });
    if (this.#sent < this.#count) env.setTimer(this.#periodMs * (0.5 + env.random()), 'tick');
  }
}

/** Answers each ping with a pong carrying the same number. */
export class Ponger implements Process<Msg> {
  onStart(): void {}

  onMessage(env: Env<Msg>, from: Address, msg: Msg): void {
    if (msg.type === 'ping') env.send(from, { type: 'pong', n: msg.n });
  }

  onTimer(): void {}
}

/** One input a {@link Recorder} saw. */
export type Seen =
  | { readonly what: 'start'; readonly at: number }
  | { readonly what: 'message'; readonly at: number; readonly from: Address; readonly msg: Msg }
  | { readonly what: 'timer'; readonly at: number; readonly tag: string; readonly id: TimerId }
  | { readonly what: 'stop'; readonly at: number };

/**
 * Records every input with `env.now()`; runs an optional script on start (with its env, which
 * tests use to send, set timers and draw).
 */
export class Recorder implements Process<Msg> {
  readonly seen: Seen[] = [];
  readonly #onStart: ((env: Env<Msg>, self: Recorder) => void) | undefined;
  env: Env<Msg> | undefined;

  constructor(onStart?: (env: Env<Msg>, self: Recorder) => void) {
    this.#onStart = onStart;
  }

  onStart(env: Env<Msg>): void {
    this.env = env;
    this.seen.push({ what: 'start', at: env.now() });
    this.#onStart?.(env, this);
  }

  onMessage(env: Env<Msg>, from: Address, msg: Msg): void {
    this.seen.push({ what: 'message', at: env.now(), from, msg });
  }

  onTimer(env: Env<Msg>, tag: string, id: TimerId): void {
    this.seen.push({ what: 'timer', at: env.now(), tag, id });
  }

  onStop(env: Env<Msg>): void {
    this.seen.push({ what: 'stop', at: env.now() });
  }
}

/**
 * Every `periodMs` sends a hello to each peer; counts hellos received per sender. Used to watch
 * both directions of a link at once.
 */
export class Chatter implements Process<Msg> {
  readonly received = new Map<Address, number>();
  readonly #peers: readonly Address[];
  readonly #periodMs: number;

  constructor(peers: readonly Address[], periodMs: number) {
    this.#peers = peers;
    this.#periodMs = periodMs;
  }

  onStart(env: Env<Msg>): void {
    env.setTimer(this.#periodMs, 'hello');
  }

  onMessage(_env: Env<Msg>, from: Address): void {
    this.received.set(from, (this.received.get(from) ?? 0) + 1);
  }

  onTimer(env: Env<Msg>): void {
    for (const peer of this.#peers) env.send(peer, { type: 'hello', n: 0 });
    env.setTimer(this.#periodMs, 'hello');
  }
}
