/**
 * Who may post which master–agent message to a live node (`/agora/v1/message`, see
 * node-messages.ts). The endpoint reads the sender's `Agora-From` claim and, if the node asks for
 * it, HTTP Basic credentials; a guard then decides, in two steps, whether the claim is proven:
 *
 * 1. {@link MessageGuard.beforeBody}, from the headers alone, so a sender that cannot be taken
 *    never makes the node read its body;
 * 2. {@link MessageGuard.check}, once the message is decoded, for rules about what it says (an
 *    agent may speak only for itself).
 *
 * A refusal is answered with its status (401 or 403) and one line, and the message is dropped:
 * it changes nothing on the node.
 */
import type { IncomingMessage } from 'node:http';
import type { AgentMessage } from '../../core/messages/agent-protocol.js';
import type { Address } from '../../core/process.js';

/** Why a message is not taken. */
export interface Refusal {
  readonly status: 401 | 403;
  readonly message: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/** What a guard is told about the sender. */
export interface Sender {
  /** The `Agora-From` claim. */
  readonly from: Address;
  /** The principal its HTTP Basic credentials proved, if the node checks them and it sent some. */
  readonly principal: string | undefined;
}

/** Decides which messages a node takes (see the module comment). */
export interface MessageGuard {
  /** From the headers; undefined to go on and read the body. */
  beforeBody(req: IncomingMessage, sender: Sender): Refusal | undefined;
  /** From the decoded message; undefined to take it. */
  check(
    req: IncomingMessage,
    sender: Sender,
    message: AgentMessage,
  ): Refusal | undefined | Promise<Refusal | undefined>;
}
