/**
 * The master–agent protocol between live nodes: each message is one HTTP POST to
 * `/agora/v1/message` on the receiving node, with the sender's address in `Agora-From` and the
 * message as JSON (Mesos's v0 libprocess messages, as JSON; src/core/messages/agent-protocol.ts).
 * The answer is `202` once the message is queued for the local process, or `400` with the
 * field path for one that does not decode.
 *
 * Addresses: an agent is `agent@<host>:<port>`, where its node listens; the master is `master`
 * inside its own node and, seen from an agent's node, the `--master` URL it was given. A POST
 * that cannot be delivered (connection refused or reset, timeout, an error status) tells the
 * sending process that the peer's connection broke (`link`), as libprocess's `exited` does; the
 * master and agent then rely on their health checks and re-registration, as in Mesos.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Agent as HttpAgent, request } from 'node:http';
import { decodeAgentMessage, encodeAgentMessage } from '../../core/messages/agent-protocol.js';
import type { Address } from '../../core/process.js';
import type { Wire } from '../../core/wire.js';
import { readJsonMessage, sendText } from './http-util.js';
import type { LiveNode } from './live-node.js';

/** The path every node serves for the master–agent protocol. */
export const MESSAGE_PATH = '/agora/v1/message';

/** How long a message POST may take before the peer counts as gone. */
const POST_TIMEOUT_MS = 10_000;

/** The address of an agent whose node listens at `host:port`. */
export function agentAddress(host: string, port: number): Address {
  return `agent@${host}:${port}`;
}

/** `agent@h:p` → `http://h:p`, or undefined for another kind of address. */
export function agentUrl(address: Address): string | undefined {
  const m = /^agent@(.+:\d+)$/u.exec(address);
  return m === null ? undefined : `http://${m[1]}`;
}

/** Serves `POST /agora/v1/message`, delivering each message to `localTarget`. */
export async function handleNodeMessage(
  node: LiveNode,
  localTarget: (from: Address) => Address | undefined,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const from = req.headers['agora-from'];
  if (typeof from !== 'string' || from === '' || from.length > 1024) {
    if (req.method !== 'POST')
      return sendText(res, 405, `Expecting 'POST', received '${req.method ?? ''}'`, { Allow: 'POST' });
    return sendText(res, 400, "Expecting an 'Agora-From' header naming the sender");
  }
  const message = await readJsonMessage(req, res, decodeAgentMessage, 'agent message');
  if (message === undefined) return;
  const to = localTarget(from);
  if (to === undefined) return sendText(res, 404, `No process here takes messages from ${from}`);
  res.writeHead(202);
  res.end();
  node.deliver(from, to, { channel: 'agent', message });
}

/** Sends master–agent messages to other nodes over HTTP (see the module comment). */
export class NodeMessenger {
  readonly #node: LiveNode;
  readonly #resolve: (to: Address) => string | undefined;
  readonly #agent = new HttpAgent({ keepAlive: true, maxSockets: 8 });

  /** @param resolve the base URL of the node where `to` lives, or undefined if none is known */
  constructor(node: LiveNode, resolve: (to: Address) => string | undefined) {
    this.#node = node;
    this.#resolve = resolve;
  }

  /** Whether `to` lives on a node this messenger can reach. */
  handles(to: Address): boolean {
    return this.#resolve(to) !== undefined;
  }

  /** Posts `msg` (it must be on the `agent` channel) from local `from` to remote `to`. */
  send(from: Address, to: Address, msg: Wire): void {
    const base = this.#resolve(to);
    if (base === undefined || msg.channel !== 'agent') return;
    const body = JSON.stringify(encodeAgentMessage(msg.message));
    const broken = () => this.#node.deliver(to, from, { channel: 'link', exited: to });
    const req = request(
      `${base}${MESSAGE_PATH}`,
      {
        method: 'POST',
        agent: this.#agent,
        timeout: POST_TIMEOUT_MS,
        headers: {
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
          'Agora-From': from,
        },
      },
      (res) => {
        res.resume();
        if (res.statusCode !== 202) broken();
      },
    );
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', broken);
    req.end(body);
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.#agent.destroy();
  }
}
