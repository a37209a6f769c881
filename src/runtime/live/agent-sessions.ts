/**
 * The master's side of the agent channel's security (issue 13 items 1 and 2): each agent
 * address (`agent@host:port`) is bound to the token the agent registered with (agent-token.ts),
 * the principal its credentials proved (if any) and the peer address it registered from.
 *
 * A message on `/agora/v1/message` is taken only if:
 *
 * - it names an agent as its sender (`Agora-From: agent@host:port`) and carries a token (401
 *   otherwise);
 * - its token, principal and peer address are those bound to the sender (403 otherwise), except
 *   REGISTER_AGENT and REREGISTER_AGENT, which bind them, and only if the request comes from the
 *   host in the sender's address (source-address.ts), the `register_agents` ACLs let the
 *   principal register an agent at that host, and no agent is registered at that address by
 *   another principal;
 * - every agent it speaks about (`agent_id` of STATUS_UPDATE, UNREGISTER_AGENT, EXITED_EXECUTOR,
 *   EXECUTOR_TO_FRAMEWORK, REREGISTER_AGENT) is registered from the sender's address (403
 *   otherwise: an agent speaks for itself only).
 *
 * The master then sends the bound token with every message to that address, which the agent
 * checks. A restarted agent (a new token) takes its address back by registering again, from the
 * same host and with the same principal. Bindings of addresses where no agent is registered are
 * dropped when the table grows, so registrations cannot grow it without bound.
 */

import type { IncomingMessage } from 'node:http';
import { assertNever } from '../../core/assert-never.js';
import { type AgentMessage, sentByAgent } from '../../core/messages/agent-protocol.js';
import type { Address } from '../../core/process.js';
import { AGENT_TOKEN_HEADER, missingToken, presentedToken, sameToken } from './agent-token.js';
import { type Acls, ALLOW_ALL, mayRegisterAgent } from './authorization.js';
import type { MessageGuard, Refusal, Sender } from './message-guard.js';
import { agentHost, hostIsSource } from './source-address.js';

/** What the guard asks of the master. */
export interface RegisteredAgents {
  /** The address agent `id` is registered from, if it is registered. */
  agentAddress(id: string): Address | undefined;
  /** The id of the agent registered at `address`, if any. */
  agentAt(address: Address): string | undefined;
}

/** What an address is bound to. */
interface Session {
  readonly token: string;
  readonly principal: string | undefined;
  readonly peer: string;
}

/** Options of {@link AgentSessions}. */
export interface AgentSessionsOptions {
  /** Default: every principal may register agents anywhere. */
  readonly acls?: Acls | undefined;
  /** Called on every refusal (for the metrics). */
  readonly refused?: (refusal: Refusal) => void;
}

/** The agent whose `agent_id` a message carries, for the messages an agent sends about itself. */
function subjectOf(message: AgentMessage): string | undefined {
  if (!sentByAgent(message)) return undefined;
  switch (message.type) {
    case 'STATUS_UPDATE':
      return message.update.agent_id.value;
    case 'UNREGISTER_AGENT':
    case 'EXITED_EXECUTOR':
    case 'EXECUTOR_TO_FRAMEWORK':
      return message.agent_id.value;
    case 'REREGISTER_AGENT':
      return message.agent.id?.value;
    // A first registration has no id yet; a pong carries none.
    case 'REGISTER_AGENT':
    case 'PONG_AGENT':
      return undefined;
    default:
      return assertNever(message, 'agent message type');
  }
}

/** The agent sessions of one master (see the module comment). */
export class AgentSessions {
  readonly #agents: RegisteredAgents;
  readonly #acls: Acls;
  readonly #refused: (refusal: Refusal) => void;
  readonly #sessions = new Map<Address, Session>();
  /** Requests whose headers matched their sender's session. */
  readonly #proven = new WeakSet<IncomingMessage>();
  #pruneAbove = 1_024;

  constructor(agents: RegisteredAgents, options: AgentSessionsOptions = {}) {
    this.#agents = agents;
    this.#acls = options.acls ?? ALLOW_ALL;
    this.#refused = options.refused ?? (() => {});
  }

  /** The headers of a message to `to`: its token, if an agent registered there. */
  headersFor(to: Address): Record<string, string> {
    const session = this.#sessions.get(to);
    return session === undefined ? {} : { [AGENT_TOKEN_HEADER]: session.token };
  }

  /** How many addresses are bound now. */
  get size(): number {
    return this.#sessions.size;
  }

  /** The guard of the master's message endpoint. */
  guard(): MessageGuard {
    return {
      beforeBody: (req, sender) => this.#refuse(this.#beforeBody(req, sender)),
      check: async (req, sender, message) => this.#refuse(await this.#check(req, sender, message)),
    };
  }

  #refuse(refusal: Refusal | undefined): Refusal | undefined {
    if (refusal !== undefined) this.#refused(refusal);
    return refusal;
  }

  #beforeBody(req: IncomingMessage, { from, principal }: Sender): Refusal | undefined {
    if (agentHost(from) === undefined) {
      return {
        status: 403,
        message: `The master takes messages from agents only (agent@host:port), not from '${from}'`,
      };
    }
    const token = presentedToken(req);
    if (token === undefined) return missingToken('an agent sends the token it registers with');
    const session = this.#sessions.get(from);
    if (
      session !== undefined &&
      sameToken(token, session.token) &&
      session.principal === principal &&
      session.peer === req.socket.remoteAddress
    ) {
      this.#proven.add(req);
    }
    // Anything else may still be a registration, which binds the address anew: see #check.
    return undefined;
  }

  async #check(req: IncomingMessage, sender: Sender, message: AgentMessage): Promise<Refusal | undefined> {
    const { from } = sender;
    const proven = this.#proven.has(req);
    const registration = message.type === 'REGISTER_AGENT' || message.type === 'REREGISTER_AGENT';
    if (!proven && !registration) {
      return {
        status: 403,
        message: `${from} has not registered with this master from here with this token and principal: it must (re)register first`,
      };
    }
    const subject = subjectOf(message);
    if (subject !== undefined) {
      const registeredFrom = this.#agents.agentAddress(subject);
      // A reregistration of an agent the master does not have (after a failover) is a readmission.
      if (registeredFrom === undefined ? message.type !== 'REREGISTER_AGENT' : registeredFrom !== from) {
        return {
          status: 403,
          message: `Agent ${subject} is ${registeredFrom === undefined ? 'not registered' : `registered from ${registeredFrom}`}: ${from} may speak only for itself`,
        };
      }
    }
    if (registration && !proven) return this.#bind(req, sender);
    return undefined;
  }

  /** Binds `from` to the request's token, principal and peer, if it may register there. */
  async #bind(req: IncomingMessage, { from, principal }: Sender): Promise<Refusal | undefined> {
    const host = agentHost(from) as string;
    const peer = req.socket.remoteAddress;
    if (peer === undefined || !(await hostIsSource(host, peer))) {
      return {
        status: 403,
        message: `This request comes from ${peer ?? 'an unknown address'}, not from ${host}: an agent registers from its own host`,
      };
    }
    if (!mayRegisterAgent(this.#acls, principal, host)) {
      const who = principal === undefined ? 'an agent without a principal' : `principal '${principal}'`;
      return {
        status: 403,
        message: `Not authorized to register an agent at ${host}: the ACLs (register_agents) do not allow it to ${who}`,
      };
    }
    const bound = this.#sessions.get(from);
    if (bound !== undefined && bound.principal !== principal && this.#agents.agentAt(from) !== undefined) {
      return {
        status: 403,
        message: `The agent at ${from} was registered by ${bound.principal === undefined ? 'no principal' : `principal '${bound.principal}'`}: only it may register there again`,
      };
    }
    this.#sessions.delete(from);
    this.#sessions.set(from, { token: presentedToken(req) as string, principal, peer });
    if (this.#sessions.size > this.#pruneAbove) this.#prune();
    return undefined;
  }

  /** Forgets the bindings of addresses where no agent is registered (oldest first). */
  #prune(): void {
    for (const address of [...this.#sessions.keys()].slice(0, -1)) {
      if (this.#agents.agentAt(address) === undefined) this.#sessions.delete(address);
    }
    this.#pruneAbove = Math.max(1_024, 2 * this.#sessions.size);
  }
}
