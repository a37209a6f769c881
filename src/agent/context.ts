/**
 * Everything one agent incarnation holds, shared by the handlers: its env, options, the injected
 * command runner and executor launcher, its book of frameworks/executors/tasks, its link to the
 * master and its status-update manager. The handlers are plain functions over this context, each
 * in the file of the concept it implements; `agent.ts` only dispatches to them.
 */

import type { AgentMessage } from '../core/messages/agent-protocol.js';
import type { AgentCapability, AgentInfo } from '../core/messages/cluster-info.js';
import type { ExecutorEvent } from '../core/messages/executor.js';
import type { AgentID } from '../core/messages/ids.js';
import { type ResourceJson, resourcesToJson } from '../core/messages/resources-json.js';
import type { Env, TimerId } from '../core/process.js';
import { randomUuidText } from '../core/uuid.js';
import { AGORA_PROCESS_VERSION } from '../core/version.js';
import { agentMessage, executorEvent, type Wire } from '../core/wire.js';
import { AgentBook, type ExecutorRecord } from './book.js';
import type { Checkpointer } from './checkpoint.js';
import type { CommandRunner } from './command-runner.js';
import type { ExecutorLauncher } from './executor-launcher.js';
import type { ResolvedAgentOptions } from './options.js';
import { sandboxPath } from './sandbox.js';
import type { StatusUpdateManager } from './status-update-manager.js';
import { type AgentTimers, agentTimers } from './timers.js';

/**
 * The agent's side of its connection to the master (Mesos `Slave::state`; Agora's recovery
 * from the checkpoint is done in `onStart`, before registration, so it needs no RECOVERING).
 */
export interface MasterLink {
  /** `disconnected` until (re)registered; `terminating` after SHUTDOWN_AGENT. */
  phase: 'disconnected' | 'registered' | 'terminating';
  /** Given by the master at the first registration; kept across reregistrations. */
  agentId: AgentID | undefined;
  /** Silence after which the master is re-detected (the master may announce it). */
  pingTimeoutMs: number;
  registrationTimer: TimerId | undefined;
  pingTimer: TimerId | undefined;
  /** When the running ping timer fires (meaningful while `pingTimer` is set). */
  pingTimerAtMs: number;
  /** The master is taken as lost if no ping arrives by then. */
  pingDeadlineMs: number;
}

/** The capabilities the agent announces: the ones whose semantics Agora's agent follows. */
export const AGENT_CAPABILITIES: readonly AgentCapability[] = ['MULTI_ROLE', 'HIERARCHICAL_ROLE'];

/** The version string sent at registration. */
export const AGENT_VERSION = AGORA_PROCESS_VERSION;

/** One agent incarnation's state and helpers. */
export class AgentContext {
  readonly env: Env<Wire>;
  readonly options: ResolvedAgentOptions;
  readonly runner: CommandRunner;
  readonly launcher: ExecutorLauncher;
  readonly timers: AgentTimers;
  readonly book = new AgentBook();
  readonly link: MasterLink;
  /** Set right after construction (it needs the context for its port). */
  updates: StatusUpdateManager;
  /** Writes the checkpoint; undefined without a durable store (nothing is checkpointed). */
  checkpointer: Checkpointer | undefined;
  /** Dynamic reservations and persistent volumes the master asked it to keep (checkpointed-resources.ts). */
  checkpointedResources: readonly ResourceJson[] = [];
  /**
   * Whether trace records are kept (`env.tracing` is not false): hot paths test it before
   * building a record's fields, which would otherwise be built only to be discarded.
   */
  readonly tracing: boolean;
  /** Draws from the env's random stream (one function for every draw, not a closure per use). */
  readonly random: () => number;

  constructor(
    env: Env<Wire>,
    options: ResolvedAgentOptions,
    runner: CommandRunner,
    launcher: ExecutorLauncher,
    updates: (ctx: AgentContext) => StatusUpdateManager,
  ) {
    this.env = env;
    this.options = options;
    this.runner = runner;
    this.launcher = launcher;
    this.timers = agentTimers(env);
    this.tracing = env.tracing !== false;
    this.random = () => env.random();
    this.link = {
      phase: 'disconnected',
      agentId: undefined,
      pingTimeoutMs: options.masterPingTimeoutMs,
      registrationTimer: undefined,
      pingTimer: undefined,
      pingTimerAtMs: 0,
      pingDeadlineMs: 0,
    };
    this.updates = updates(this);
  }

  /**
   * A new container for executor `executorId` of framework `frameworkId`: a random ContainerID
   * (Mesos's agent draws one, `UUID::random()`, for each executor it launches) and the sandbox
   * path of that run under the work dir (`paths::getExecutorRunPath`). Both launch paths take
   * theirs here: command tasks' built-in executors and custom executors.
   */
  newContainer(
    frameworkId: string,
    executorId: string,
  ): { readonly containerId: string; readonly sandbox: string } {
    const containerId = randomUuidText(this.random);
    const agentId = this.link.agentId?.value ?? '';
    return {
      containerId,
      sandbox: sandboxPath(this.options.workDir, agentId, frameworkId, executorId, containerId),
    };
  }

  now(): number {
    return this.env.now();
  }

  /** Records an `agent.<kind>` trace line. */
  trace(kind: string, fields: Readonly<Record<string, unknown>> = {}): void {
    if (!this.tracing) return;
    this.env.trace({ kind: `agent.${kind}`, ...fields });
  }

  /** Sends a master–agent protocol message to the master. */
  sendMaster(message: AgentMessage): void {
    this.env.send(this.options.masterAddress, agentMessage(message));
  }

  /** Sends an event to a subscribed executor; false (nothing sent) if it has not subscribed. */
  sendExecutor(executor: ExecutorRecord, event: ExecutorEvent): boolean {
    if (executor.address === undefined) return false;
    this.env.send(executor.address, executorEvent(event));
    return true;
  }

  /** This agent's description (`AgentInfo`), with its id once it has one. */
  agentInfo(): AgentInfo {
    const o = this.options;
    return {
      hostname: o.hostname ?? this.env.self,
      port: o.port,
      resources: resourcesToJson(o.resources),
      ...(o.attributes.length === 0 ? {} : { attributes: o.attributes }),
      ...(this.link.agentId === undefined ? {} : { id: this.link.agentId }),
      ...(o.domain === undefined ? {} : { domain: o.domain }),
    };
  }
}
