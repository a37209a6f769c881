/**
 * The master–agent protocol between live nodes: each message is one HTTP POST to
 * `/agora/v1/message` on the receiving node, with the sender's address in `Agora-From` and the
 * message as JSON (Mesos's v0 libprocess messages, as JSON; src/core/messages/agent-protocol.ts).
 * The answer is `202` once the message is queued for the local process, or `400` with the
 * field path for one that does not decode.
 *
 * Addresses: an agent is `agent@<host>:<port>`, where its node listens; the master is `master`
 * inside its own node and, seen from an agent's node, the `--master` URL it was given. Messages
 * to one peer go in order, one POST at a time (peer-channel.ts). A POST that fails on a reused
 * keep-alive socket is sent again on a fresh one; one that cannot be delivered on a fresh
 * connection (refused or reset, 30 s without an answer, an error status) tells the sending
 * process that the peer's connection broke (`link`), as libprocess's `exited` does, and what was
 * queued behind it is dropped; the master and agent then rely on their health checks and
 * re-registration, as in Mesos.
 *
 * Security: the master may require agents to authenticate (HTTP Basic with the agent's
 * `--credential`, checked before the body is read; 401 otherwise), standing in for the SASL
 * handshake a Mesos agent makes before it registers. A {@link MessageGuard} then decides whose
 * messages a node takes: an agent takes only its master's, proven by the token it registered
 * with (agent-token.ts), and the master takes an agent's only from the address, token and
 * principal it registered with, about itself only (agent-sessions.ts); anything else is a 401
 * or 403 and changes nothing. A refused POST is reported on the node's log once, until a
 * message gets through again.
 */
import type { Agent as HttpAgent, IncomingMessage, ServerResponse } from 'node:http';
import { decodeAgentMessage, encodeAgentMessage } from '../../core/messages/agent-protocol.js';
import type { Address } from '../../core/process.js';
import type { Wire } from '../../core/wire.js';
import { authenticate, type EndpointAuthentication } from './http-basic.js';
import { type RequestLimits, readJsonMessage, sendText } from './http-util.js';
import type { LiveNode } from './live-node.js';
import type { MessageGuard, Refusal } from './message-guard.js';
import { type ChannelCounters, PeerChannel, type PostOutcome } from './peer-channel.js';
import { type ClientTls, keepAliveAgent, requestTo } from './tls.js';

/** The path every node serves for the master–agent protocol. */
export const MESSAGE_PATH = '/agora/v1/message';

/**
 * How long a message POST may go unanswered before its connection counts as broken: well under
 * the 75 s a health check takes to give up on an agent, but long enough that a node whose event
 * loop is busy for a few seconds (a master allocating to 10,000 agents) is not taken for dead.
 */
const POST_TIMEOUT_MS = 30_000;

/** The address of an agent whose node listens at `host:port`. */
export function agentAddress(host: string, port: number): Address {
  return `agent@${host}:${port}`;
}

/** `agent@h:p` → `http://h:p` (or `https:`), or undefined for another kind of address. */
export function agentUrl(address: Address, scheme: 'http' | 'https' = 'http'): string | undefined {
  const m = /^agent@(.+:\d+)$/u.exec(address);
  return m === null ? undefined : `${scheme}://${m[1]}`;
}

/** Who may post messages to a node, and how much. */
export interface MessageEndpointOptions {
  /** Default: credentials ignored. */
  readonly authentication?: EndpointAuthentication;
  readonly limits?: RequestLimits;
  /** Which senders and messages the node takes (default: any). */
  readonly guard?: MessageGuard;
}

/** Serves `POST /agora/v1/message`, delivering each message to `localTarget`. */
export async function handleNodeMessage(
  node: LiveNode,
  localTarget: (from: Address) => Address | undefined,
  req: IncomingMessage,
  res: ServerResponse,
  options: MessageEndpointOptions = {},
): Promise<void> {
  const authenticated =
    options.authentication === undefined
      ? { ok: true as const, principal: undefined }
      : authenticate(req, res, options.authentication);
  if (!authenticated.ok) return;
  const from = req.headers['agora-from'];
  if (typeof from !== 'string' || from === '' || from.length > 1024) {
    if (req.method !== 'POST')
      return sendText(res, 405, `Expecting 'POST', received '${req.method ?? ''}'`, { Allow: 'POST' });
    return sendText(res, 400, "Expecting an 'Agora-From' header naming the sender");
  }
  const sender = { from, principal: authenticated.principal };
  const early = options.guard?.beforeBody(req, sender);
  if (early !== undefined) return refuse(res, early);
  const message = await readJsonMessage(req, res, decodeAgentMessage, 'agent message', options.limits);
  if (message === undefined) return;
  const refusal = await options.guard?.check(req, sender, message);
  if (refusal !== undefined) return refuse(res, refusal);
  const to = localTarget(from);
  if (to === undefined) return sendText(res, 404, `No process here takes messages from ${from}`);
  res.writeHead(202);
  res.end();
  node.deliver(from, to, { channel: 'agent', message });
}

/**
 * Answers a refused message. A body not read yet is discarded as it comes (Node drains it so the
 * client reads the answer rather than a reset), never buffered.
 */
function refuse(res: ServerResponse, refusal: Refusal): void {
  sendText(res, refusal.status, refusal.message, { ...refusal.headers });
}

/** How a {@link NodeMessenger} reaches other nodes. */
export interface MessengerOptions {
  /** The `Authorization` header of every POST (the agent's credential), if any. */
  readonly authorization?: string;
  /** Headers for every POST from `from` to `to` (the agent's token, see agent-token.ts). */
  readonly headers?: (to: Address, from: Address) => Readonly<Record<string, string>>;
  /**
   * The local address to send from (an agent's `--host`, so the master sees it as the source),
   * or how to find it from the sender (many emulated agents behind one messenger).
   */
  readonly localAddress?: string | ((from: Address) => string | undefined);
  /**
   * How long an idle connection is kept for the next POST (default CLIENT_IDLE_MS), and how many
   * connections there may be at once over all peers and local addresses (default: no bound).
   * Many senders behind one messenger, each from its own address, would otherwise keep a
   * connection each.
   */
  readonly idleMs?: number;
  readonly maxTotalSockets?: number;
  /** The CAs trusted for `https:` peers. */
  readonly tls?: ClientTls;
  /** Where refusals by the peer are reported. */
  readonly log?: (line: string) => void;
  /** Told of every broken link: to whom, and why (the error, or the peer's answer). */
  readonly failed?: (to: Address, why: string) => void;
  /** Connections open at once to one peer node (default 8). */
  readonly maxSockets?: number;
}

/** Sends master–agent messages to other nodes over HTTP (see the module comment). */
export class NodeMessenger {
  readonly #node: LiveNode;
  readonly #resolve: (to: Address) => string | undefined;
  readonly #options: MessengerOptions;
  /** One keep-alive pool per scheme. */
  readonly #agents = new Map<string, HttpAgent>();
  /** One ordered channel per sender and peer, while it has messages to send. */
  readonly #channels = new Map<string, PeerChannel>();
  /** Messages sent again after a stale socket, and links broken, since the start. */
  readonly counters: ChannelCounters = { retried: 0, broken: 0 };
  /** The refusal last reported, so a peer that keeps refusing is not reported at every retry. */
  #lastRefusal: string | undefined;

  /** @param resolve the base URL of the node where `to` lives, or undefined if none is known */
  constructor(node: LiveNode, resolve: (to: Address) => string | undefined, options: MessengerOptions = {}) {
    this.#node = node;
    this.#resolve = resolve;
    this.#options = options;
  }

  /** Whether `to` lives on a node this messenger can reach. */
  handles(to: Address): boolean {
    return this.#resolve(to) !== undefined;
  }

  /**
   * Posts `msg` (it must be on the `agent` channel) from local `from` to remote `to`, after the
   * messages sent to `to` before it (peer-channel.ts: in order, sent again after a stale
   * keep-alive socket, `link` to `from` only when the connection really broke).
   */
  send(from: Address, to: Address, msg: Wire): void {
    const base = this.#resolve(to);
    if (base === undefined || msg.channel !== 'agent') return;
    const body = JSON.stringify(encodeAgentMessage(msg.message));
    const key = `${from} ${to}`;
    let channel = this.#channels.get(key);
    if (channel === undefined) {
      channel = new PeerChannel(
        // Resolved at each post: a master found in ZooKeeper may have changed (zk/).
        (text) => this.#post(`${this.#resolve(to) ?? base}${MESSAGE_PATH}`, from, to, text),
        (why) => {
          const text =
            why.kind === 'refused'
              ? `answered ${why.status}: ${why.text}`
              : why.kind === 'failed'
                ? why.error
                : 'too many messages queued';
          this.#options.failed?.(to, text);
          if (why.kind === 'refused') this.#refused(`${to} ${text}`);
          else this.#broke(to, text);
          this.#node.deliver(to, from, { channel: 'link', exited: to });
        },
        () => this.#channels.delete(key),
        this.counters,
      );
      this.#channels.set(key, channel);
    }
    channel.send(body);
  }

  /** One POST of `body` from `from` to `to` at `url` (see {@link PostOutcome}). */
  #post(url: string, from: Address, to: Address, body: string): Promise<PostOutcome> {
    const auth = this.#options.authorization;
    const option = this.#options.localAddress;
    const localAddress = typeof option === 'function' ? option(from) : option;
    return new Promise((resolve) => {
      const req = requestTo(
        url,
        {
          method: 'POST',
          agent: this.#agentFor(url),
          timeout: POST_TIMEOUT_MS,
          ...(localAddress === undefined ? {} : { localAddress }),
          headers: {
            ...this.#options.headers?.(to, from),
            'Content-Type': 'application/json',
            'Content-Length': Buffer.byteLength(body),
            'Agora-From': from,
            ...(auth === undefined ? {} : { Authorization: auth }),
          },
        },
        this.#options.tls,
      );
      let answered = false;
      req.on('response', (res) => {
        answered = true;
        if (res.statusCode === 202) {
          res.resume();
          this.#lastRefusal = undefined;
          resolve({ kind: 'delivered' });
          return;
        }
        // 408: the peer gave up reading the request (it was too busy), so it never acted on it.
        if (res.statusCode === 408) {
          res.resume();
          resolve({ kind: 'not-read', error: 'answered 408' });
          return;
        }
        readStart(res).then((text) => resolve({ kind: 'refused', status: res.statusCode ?? 0, text }));
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${POST_TIMEOUT_MS} ms`)));
      req.on('error', (e: NodeJS.ErrnoException) => {
        if (answered) return;
        // Node's own advice for keep-alive clients: a reset on a reused socket is the server
        // closing it as it was reused, not the server going away.
        const stale = req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE');
        resolve({ kind: stale ? 'not-read' : 'failed', error: e.message });
      });
      req.end(body);
    });
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    for (const agent of this.#agents.values()) agent.destroy();
  }

  #agentFor(url: string): HttpAgent {
    const scheme = url.slice(0, url.indexOf(':'));
    let agent = this.#agents.get(scheme);
    if (agent === undefined) {
      const { idleMs, maxTotalSockets } = this.#options;
      agent = keepAliveAgent(url, this.#options.maxSockets ?? 8, this.#options.tls, {
        ...(idleMs === undefined ? {} : { idleMs }),
        ...(maxTotalSockets === undefined ? {} : { maxTotalSockets }),
      });
      this.#agents.set(scheme, agent);
    }
    return agent;
  }

  /**
   * Reports a connection that broke, on the 1st, 10th, 100th… time (a dead peer is pinged again
   * and again, and a cluster in trouble breaks many links at once).
   */
  #broke(to: Address, error: string): void {
    const n = this.counters.broken;
    if (Number.isInteger(Math.log10(n))) {
      this.#options.log?.(`the connection to ${to} broke (${error}); ${n} broken so far`);
    }
  }

  #refused(line: string): void {
    if (line === this.#lastRefusal) return;
    this.#lastRefusal = line;
    this.#options.log?.(`a message was refused: ${line}`);
  }
}

/** The first 300 characters of a response's body, on one line. */
function readStart(res: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (text.length < 300) text += chunk;
    });
    const done = () => resolve(text.slice(0, 300).replace(/\s+/gu, ' ').trim());
    res.on('end', done);
    res.on('error', done);
  });
}
