/**
 * What travels between processes, tagged by the channel it uses. Inside the simulated world the
 * envelope is delivered as it is; in the live world each channel maps to its real transport, so
 * that the same process code serves both:
 *
 * | channel          | live transport                                                        |
 * |------------------|-----------------------------------------------------------------------|
 * | `scheduler-call` | HTTP POST /api/v1/scheduler on the master (Mesos v1 scheduler API)    |
 * | `scheduler-event`| a RecordIO record on the framework's subscription stream              |
 * | `agent`          | the master–agent protocol (Mesos's v0 libprocess messages, as JSON)   |
 * | `executor-call`  | HTTP POST /api/v1/executor on the agent (Mesos v1 executor API)       |
 * | `executor-event` | a RecordIO record on the executor's subscription stream               |
 * | `link`           | a connection closing: the subscription stream or socket broke         |
 * | `operator-call`  | HTTP POST /api/v1 on the master (Mesos v1 operator API), a change     |
 * | `operator-answer`| the HTTP response to that POST                                        |
 *
 * `link` is how a process learns that a peer went away (libprocess's `exited`, an HTTP stream
 * closing): the runtime delivers `{ channel: 'link', exited }` to the processes linked to it.
 */
import type { AgentMessage } from './messages/agent-protocol.js';
import type { ExecutorCall, ExecutorEvent } from './messages/executor.js';
import type { OperatorAnswer, OperatorChange } from './messages/operator-call.js';
import type { Call } from './messages/scheduler-call.js';
import type { Event } from './messages/scheduler-event.js';
import type { Address } from './process.js';

/** One message between processes. */
export type Wire =
  | { readonly channel: 'scheduler-call'; readonly call: Call }
  | { readonly channel: 'scheduler-event'; readonly event: Event }
  | { readonly channel: 'agent'; readonly message: AgentMessage }
  | { readonly channel: 'executor-call'; readonly call: ExecutorCall }
  | { readonly channel: 'executor-event'; readonly event: ExecutorEvent }
  | { readonly channel: 'link'; readonly exited: Address }
  | { readonly channel: 'operator-call'; readonly id: string; readonly call: OperatorChange }
  | { readonly channel: 'operator-answer'; readonly id: string; readonly answer: OperatorAnswer };

/** Wraps a scheduler call. */
export const schedulerCall = (call: Call): Wire => ({ channel: 'scheduler-call', call });
/** Wraps a scheduler event. */
export const schedulerEvent = (event: Event): Wire => ({ channel: 'scheduler-event', event });
/** Wraps a master–agent protocol message. */
export const agentMessage = (message: AgentMessage): Wire => ({ channel: 'agent', message });
/** Wraps an executor call. */
export const executorCall = (call: ExecutorCall): Wire => ({ channel: 'executor-call', call });
/** Wraps an executor event. */
export const executorEvent = (event: ExecutorEvent): Wire => ({ channel: 'executor-event', event });
