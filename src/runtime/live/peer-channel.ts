/**
 * Ordered delivery of a node's messages to one peer, one HTTP POST at a time, as libprocess
 * sends a process's messages down one TCP connection: in order, and a connection that breaks
 * loses what was in flight on it and tells the sender (`exited`).
 *
 * - **Order.** Messages go one at a time, each after the previous one was answered. (Posting
 *   them at once over a pool of sockets let a RUN_TASK overtake the AGENT_REGISTERED before it,
 *   and the agent dropped the task; chaos finding 1 says the protocol relies on TCP's order.)
 * - **A transient error is not a broken link.** A POST that fails on a *reused* keep-alive
 *   socket before any answer (ECONNRESET, EPIPE, "socket hang up") met a socket the peer was
 *   closing as it was reused: the peer never read it, so it is sent again on a fresh connection.
 *   A 408 says the same of a peer too busy to read the request in time (Node's request
 *   timeouts); it is sent again after a short wait. Only a failure on a fresh connection
 *   (refused, reset, timed out) or another error answer breaks the link. (One such reset used to count as a dead agent: on 1,000 emulated agents, 200 tasks
 *   deactivated 76 of them.)
 * - **A broken link** drops everything queued behind the failed message, as a broken TCP
 *   connection loses what was in flight on it, and is reported once. The next message opens a
 *   new connection. Protocol-level retries (status updates, registration, health checks) then
 *   recover, as in Mesos.
 * - **Bounded.** At most `maxQueued` messages wait; one more breaks the link (its peer is not
 *   reading), so a dead or stuck peer cannot grow the queue without end.
 */

/** What one POST came to. */
export type PostOutcome =
  /** The peer took the message (2xx). */
  | { readonly kind: 'delivered' }
  /**
   * The peer's process never read it: a reused keep-alive socket reset before any answer (the
   * peer was closing it), or a 408 (the peer gave up reading it, overloaded). Safe to send again.
   */
  | { readonly kind: 'not-read'; readonly error: string }
  /** The peer answered with an error status. */
  | { readonly kind: 'refused'; readonly status: number; readonly text: string }
  /** The connection failed (refused, reset on a fresh socket, timed out). */
  | { readonly kind: 'failed'; readonly error: string };

/** Why a link broke, as a {@link PeerChannel} reports it. */
export type LinkBreak = Extract<PostOutcome, { kind: 'refused' | 'failed' }> | { readonly kind: 'overflow' };

/** Sends one message body; resolves with what came of it (never rejects). */
export type Post = (body: string) => Promise<PostOutcome>;

/**
 * Attempts after a message was not read before it counts as undeliverable. A stale socket is
 * retried at once (each attempt uses up one stale pooled socket); after that the attempts back
 * off, 100 ms doubling to 2 s (about 7 s in all), for a peer too busy to read.
 */
const MAX_UNREAD_RETRIES = 8;

/** The wait before retry `n` (1-based) of a message that was not read. */
function retryDelayMs(n: number): number {
  return n === 1 ? 0 : Math.min(2_000, 100 * 2 ** (n - 2));
}

/** The default bound on waiting messages. */
export const MAX_QUEUED_MESSAGES = 100_000;

/** Counts kept for the benchmarks and logs. */
export interface ChannelCounters {
  /** Messages sent again after a stale keep-alive socket. */
  retried: number;
  /** Links reported broken. */
  broken: number;
}

/** One peer's ordered queue (see the module comment). */
export class PeerChannel {
  readonly #post: Post;
  readonly #broken: (why: LinkBreak) => void;
  readonly #idle: () => void;
  readonly #maxQueued: number;
  readonly #counters: ChannelCounters;
  #queue: string[] = [];
  #head = 0;
  #pumping = false;
  /** Bumped when the queue is dropped, so a POST in flight knows its message went with it. */
  #generation = 0;

  /**
   * @param post sends one body
   * @param broken called once per broken link, after the queue is dropped
   * @param idle called when the queue has emptied (the owner may forget the channel)
   */
  constructor(
    post: Post,
    broken: (why: LinkBreak) => void,
    idle: () => void,
    counters: ChannelCounters = { retried: 0, broken: 0 },
    maxQueued = MAX_QUEUED_MESSAGES,
  ) {
    this.#post = post;
    this.#broken = broken;
    this.#idle = idle;
    this.#counters = counters;
    this.#maxQueued = maxQueued;
  }

  /** Messages waiting, the one in flight included. */
  get queued(): number {
    return this.#queue.length - this.#head;
  }

  /** Queues `body` behind what is waiting, and starts sending if nothing is in flight. */
  send(body: string): void {
    if (this.queued >= this.#maxQueued) {
      this.#drop({ kind: 'overflow' });
      return;
    }
    this.#queue.push(body);
    if (!this.#pumping) {
      this.#pumping = true;
      void this.#pump();
    }
  }

  async #pump(): Promise<void> {
    while (this.#head < this.#queue.length) {
      const generation = this.#generation;
      const body = this.#queue[this.#head] as string;
      let outcome = await this.#post(body);
      for (let retry = 1; outcome.kind === 'not-read' && retry <= MAX_UNREAD_RETRIES; retry++) {
        const delayMs = retryDelayMs(retry);
        if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
        if (generation !== this.#generation) break;
        this.#counters.retried++;
        outcome = await this.#post(body);
      }
      // The queue was dropped meanwhile (an overflow): this message went with it.
      if (generation !== this.#generation) continue;
      if (outcome.kind !== 'delivered') {
        this.#drop(outcome.kind === 'not-read' ? { kind: 'failed', error: outcome.error } : outcome);
        continue;
      }
      this.#head++;
      // Compact now and then, so a long-lived busy channel does not keep what it sent.
      if (this.#head >= 1024 && this.#head * 2 >= this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
    }
    this.#queue = [];
    this.#head = 0;
    this.#pumping = false;
    this.#idle();
  }

  #drop(why: LinkBreak): void {
    this.#counters.broken++;
    // What is queued was "in flight on the connection": lost with it. A pump in progress sees
    // the new generation and goes on with whatever is sent after this.
    this.#generation++;
    this.#queue = [];
    this.#head = 0;
    this.#broken(why);
  }
}
