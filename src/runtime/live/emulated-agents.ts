/**
 * Many live agents in one process, for scale tests of a live master: each is the real
 * {@link Agent} with its own address (`agent@127.1.x.y:<port>`), hosted by one {@link LiveNode},
 * reached by the master over HTTP exactly as a separate `agora agent` is. What they share is only
 * the plumbing that would otherwise run a process out of file descriptors:
 *
 * - one listening socket for all of them, on every loopback address (`0.0.0.0:<port>`, requests
 *   from anywhere but 127/8 refused); the address a connection came to tells which agent it is
 *   for, so the master keeps one connection per agent, as with real agents;
 * - one pool of connections to the master for their messages (each agent's messages still go in
 *   order, one at a time, peer-channel.ts).
 *
 * So 10,000 agents cost about 10,000 descriptors here and as many in the master, instead of
 * three per agent. Tasks run on a {@link CommandRunner} of the caller's choice; the scale
 * benchmark uses the simulated runner (src/runtime/sim/sim-command-runner.ts), whose `sleep 5`
 * is a 5 s timer on the agent's real clock (no child process), so the figures are the master's
 * and the protocol's, not fork()'s.
 */
import type { Server } from 'node:http';
import { Agent } from '../../agent/agent.js';
import type { CommandRunner } from '../../agent/command-runner.js';
import type { AgentOptions } from '../../agent/options.js';
import type { Resources } from '../../core/resources.js';
import { AGENT_TOKEN_HEADER, masterOnlyGuard, newAgentToken } from './agent-token.js';
import { listenWithLimits, sendText } from './http-util.js';
import { LiveNode } from './live-node.js';
import { agentAddress, handleNodeMessage, MESSAGE_PATH, NodeMessenger } from './node-messages.js';
import { agentHost } from './source-address.js';

/** The master's address inside the emulated agents' node. */
const MASTER = 'master';

/** How to start emulated agents. */
export interface EmulatedAgentsOptions {
  /** The master, e.g. `http://127.0.0.1:5050`. */
  readonly masterUrl: string;
  readonly count: number;
  readonly resources: Resources;
  /** Sandbox paths are named under it (nothing is written there by a timer runner). */
  readonly workDir: string;
  /** Each agent's command runner (called once per agent). */
  readonly commandRunner: () => CommandRunner;
  /** 0 picks a free port (the same for every agent). */
  readonly port?: number;
  /** Connections to the master shared by all agents (default 64). */
  readonly masterConnections?: number;
  readonly seed?: number;
  readonly agent?: Omit<
    AgentOptions,
    'resources' | 'masterAddress' | 'workDir' | 'commandRunner' | 'hostname' | 'port'
  >;
  readonly log?: (line: string) => void;
}

/** The loopback address of emulated agent `i` (0-based): 127.1.0.1, 127.1.0.2, … */
export function emulatedAgentHost(i: number): string {
  const n = i + 1;
  if (n >= 256 ** 3 - 1) throw new RangeError(`too many emulated agents: ${i + 1}`);
  return `127.${1 + Math.floor(n / 65_536)}.${Math.floor(n / 256) % 256}.${n % 256}`;
}

/** Emulated agents, started and registering; stop them with {@link close}. */
export class EmulatedAgents {
  readonly node: LiveNode;
  readonly agents: readonly Agent[];
  readonly port: number;
  readonly messenger: NodeMessenger;
  readonly #server: Server;

  private constructor(
    node: LiveNode,
    agents: Agent[],
    port: number,
    messenger: NodeMessenger,
    server: Server,
  ) {
    this.node = node;
    this.agents = agents;
    this.port = port;
    this.messenger = messenger;
    this.#server = server;
  }

  /** Starts `options.count` agents; each begins registering at once. */
  static async start(options: EmulatedAgentsOptions): Promise<EmulatedAgents> {
    const masterUrl = options.masterUrl.replace(/\/+$/u, '');
    const { server, port } = await listenWithLimits('0.0.0.0', options.port ?? 0, {
      maxConnections: options.count + 1_000,
      // Every agent here hears from the same master: its connections all come from one address.
      maxConnectionsPerClient: options.count + 1_000,
    });
    const node = new LiveNode({
      seed: options.seed ?? Date.now(),
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    // Each agent proves itself as a real one does (agent-token.ts, agent-sessions.ts): its own
    // token on every message, sent from its own host, so the master binds each one apart. Idle
    // connections go after 2 s: one kept per agent would double the descriptors an agent costs
    // (and keeping none made every message a connect, which a burst of 10,000 registrations
    // overflowed the master's listen queue with). Node's maxTotalSockets is no bound to use here:
    // a request queued for one address waits while other addresses hold their sockets.
    const tokens = new Map<string, string>();
    const messenger = new NodeMessenger(node, (to) => (to === MASTER ? masterUrl : undefined), {
      maxSockets: options.masterConnections ?? 64,
      headers: (_to, from) => ({ [AGENT_TOKEN_HEADER]: tokens.get(from) ?? '' }),
      localAddress: (from) => agentHost(from),
      idleMs: 2_000,
      ...(options.log === undefined ? {} : { log: options.log }),
    });
    node.useTransport({
      handles: (to) => messenger.handles(to),
      send: (f, to, m) => messenger.send(f, to, m),
    });
    const byHost = new Map<string, string>();
    const agents: Agent[] = [];
    for (let i = 0; i < options.count; i++) {
      const host = emulatedAgentHost(i);
      const address = agentAddress(host, port);
      byHost.set(host, address);
      tokens.set(address, newAgentToken());
      agents.push(
        new Agent({
          ...options.agent,
          resources: options.resources,
          masterAddress: MASTER,
          workDir: `${options.workDir}/${host}`,
          commandRunner: options.commandRunner(),
          hostname: host,
          port,
        }),
      );
    }
    server.on('request', (req, res) => {
      const host = req.socket.localAddress ?? '';
      const address = byHost.get(host);
      const path = (req.url ?? '/').split('?')[0];
      if (address === undefined || !(req.socket.remoteAddress ?? '').startsWith('127.')) {
        sendText(res, 404, `No emulated agent at ${host}`);
      } else if (path === MESSAGE_PATH) {
        handleNodeMessage(node, (from) => (from === MASTER ? address : undefined), req, res, {
          guard: masterOnlyGuard(MASTER, tokens.get(address) as string),
        }).catch((e: unknown) => {
          options.log?.(`request failed: ${e instanceof Error ? e.message : String(e)}`);
          sendText(res, 500, 'Internal error');
        });
      } else {
        sendText(res, 404, `No such endpoint: ${path}`);
      }
    });
    for (const [i, agent] of agents.entries()) node.spawn(agentAddress(emulatedAgentHost(i), port), agent);
    return new EmulatedAgents(node, agents, port, messenger, server);
  }

  /** Stops every agent (they unregister) and the listener. */
  async close(): Promise<void> {
    this.node.stopAll();
    this.messenger.close();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
