/**
 * The master and the agents of a live loopback cluster, started, crashed and restarted the same
 * way whether they run in this process or each as its own OS process (`agora live
 * --processes`):
 *
 * - **In this process** ({@link IN_PROCESS_NODES}): a {@link MasterServer} and
 *   {@link AgentServer}s. A crash cuts every connection and drops the processes with no last
 *   words (no UNREGISTER, no TEARDOWN), leaving the disk as it is: the closest this process can
 *   come to a SIGKILL of a part of itself.
 * - **As processes** ({@link childProcessNodes}): `agora master` and `agora agent` children
 *   (agora-process.ts). A crash is SIGKILL. What the master counts is read from its
 *   `/metrics/snapshot` (refreshed a few times a second, and on demand).
 *
 * Either way a restart is a new start on the same work dir (a master recovers its registry, an
 * agent its checkpoint) and may listen on another port: peers reach them through the fault
 * proxies (fault-links.ts), which are retargeted, and an agent advertises its proxy's port, which
 * does not change. A machine's reboot ({@link wipeAgentDisk}) kills whatever tasks the agent
 * left and empties its work dir.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { findPolicy } from '../../allocator/policies.js';
import type { Attribute } from '../../core/messages/resources-json.js';
import { formatResources } from '../../core/resource-text.js';
import type { Resources } from '../../core/resources.js';
import { attributeText } from '../../scenario/attributes.js';
import type { MasterPlan } from '../plan/cluster-plan.js';
import type { MasterCounters } from '../plan/harness.js';
import { cleanupAgentWorkDir } from './agent-recovery.js';
import { AgentServer } from './agent-server.js';
import {
  AGENT_READY,
  type AgoraProcess,
  killHard,
  MASTER_READY,
  startAgoraProcess,
  stopGently,
} from './agora-process.js';
import type { Credential } from './credentials.js';
import { MasterServer } from './master-server.js';

const ZERO_COUNTERS: MasterCounters = {
  allocationRuns: 0,
  offersMade: 0,
  offersAccepted: 0,
  offersDeclined: 0,
  offersRescinded: 0,
};

/**
 * The master's settings: its plan with every timing in real time (already divided by the time
 * scale), and Mesos's `--agent_reregister_timeout`, which the plan leaves at its default.
 */
export interface MasterSettings extends MasterPlan {
  readonly agentReregisterTimeoutMs: number;
}

/** What every node of a cluster shares. */
export interface NodeContext {
  readonly seed: number;
  readonly log: (line: string) => void;
  /** Authentication on: the master requires it of agents and frameworks, agents present it. */
  readonly credential?: Credential;
}

/** An agent to start. */
export interface AgentSettings {
  /** The scenario's name for it (`agent-3`), for logs. */
  readonly id: string;
  /** The master as this agent reaches it (its proxy). */
  readonly masterUrl: string;
  /** The port the master reaches it at (its proxy's), part of its address. */
  readonly advertisePort: number;
  readonly resources: Resources;
  readonly attributes: readonly Attribute[];
  readonly workDir: string;
  /** Mesos `--recovery_timeout`, real ms. */
  readonly recoveryTimeoutMs: number;
  /** Divides the agent's own timings (AgentServerOptions.timeScale). */
  readonly timeScale: number;
}

/** A running master. */
export interface LiveMasterNode {
  /** Where it listens. */
  readonly port: number;
  /** Agents registered and active now. */
  activatedAgents(): Promise<number>;
  /** Its counters, as last read (see {@link refreshCounters}). */
  counters(): MasterCounters;
  /** Reads its counters now (in this process they are always current). */
  refreshCounters(): Promise<void>;
  /** Kills it: no last words, its registry stays on disk. */
  crash(): Promise<void>;
  /** Stops it in order. */
  close(): Promise<void>;
}

/** A running agent. */
export interface LiveAgentNode {
  /** Where it listens (its proxy forwards the master's connections there). */
  readonly port: number;
  /** Kills it: no last words, its tasks and checkpoint stay for a restart. */
  crash(): Promise<void>;
  /** Stops it in order: its tasks are killed, it unregisters. */
  close(): Promise<void>;
}

/** How the nodes of a cluster are run. */
export interface NodeLauncher {
  /** `in-process` or `processes`, for the run's output. */
  readonly kind: 'in-process' | 'processes';
  /**
   * Starts a master on `workDir` (its registry; recovered if there), listening on `port` (0: any
   * free one; a restart asks for the one it had).
   */
  startMaster(
    settings: MasterSettings,
    workDir: string,
    context: NodeContext,
    port?: number,
  ): Promise<LiveMasterNode>;
  /** Starts an agent (recovering from its work dir's checkpoint if there is one). */
  startAgent(settings: AgentSettings, context: NodeContext): Promise<LiveAgentNode>;
}

/** A machine reboot, after its agent crashed: the tasks it left are killed, its disk emptied. */
export function wipeAgentDisk(workDir: string): void {
  cleanupAgentWorkDir(resolve(workDir));
  rmSync(workDir, { recursive: true, force: true });
}

/** Masters and agents in this process (see the module comment). */
export const IN_PROCESS_NODES: NodeLauncher = {
  kind: 'in-process',
  async startMaster(settings, workDir, context, port = 0) {
    const policy = findPolicy(settings.policy);
    if (typeof policy === 'string') throw new Error(policy);
    const credential = context.credential;
    const server = await MasterServer.start({
      port,
      workDir,
      seed: context.seed,
      log: context.log,
      // Every agent and framework of the cluster connects from loopback: one client address.
      limits: { maxConnectionsPerClient: 1_000_000 },
      ...(credential === undefined
        ? {}
        : {
            security: { credentials: [credential], authenticateFrameworks: true, authenticateAgents: true },
          }),
      master: {
        policy,
        allocationIntervalMs: settings.allocationIntervalMs,
        weights: settings.weights,
        quotas: settings.quotas,
        agentPingTimeoutMs: settings.agentPingTimeoutMs,
        maxAgentPingTimeouts: settings.maxAgentPingTimeouts,
        agentReregisterTimeoutMs: settings.agentReregisterTimeoutMs,
        filterGpuResources: settings.filterGpuResources,
        ...(settings.offerTimeoutMs === undefined ? {} : { offerTimeoutMs: settings.offerTimeoutMs }),
      },
    });
    return {
      port: server.port,
      activatedAgents: async () => server.master.state().activated_slaves,
      counters: () => server.master.counters(),
      refreshCounters: async () => {},
      // The master has no last words: closing is what a crash leaves (its registry is on disk,
      // written with fsync and rename).
      crash: () => server.close(),
      close: () => server.close(),
    };
  },
  async startAgent(settings, context) {
    const credential = context.credential;
    const server = await AgentServer.start({
      masterUrl: settings.masterUrl,
      advertisePort: settings.advertisePort,
      resources: settings.resources,
      workDir: settings.workDir,
      port: 0,
      seed: context.seed,
      log: (line) => context.log(`${settings.id}: ${line}`),
      recoveryTimeoutMs: settings.recoveryTimeoutMs,
      timeScale: settings.timeScale,
      ...(settings.attributes.length === 0 ? {} : { agent: { attributes: settings.attributes } }),
      ...(credential === undefined ? {} : { credential }),
    });
    return { port: server.port, crash: () => server.crash(), close: () => server.close() };
  },
};

/** Real ms between reads of a child master's counters. */
const COUNTERS_EVERY_MS = 250;

/** Masters and agents as `agora master` / `agora agent` processes (see the module comment). */
export function childProcessNodes(options: { readonly startTimeoutMs?: number } = {}): NodeLauncher {
  const start = (args: readonly string[], ready: RegExp, name: string, log: (line: string) => void) =>
    startAgoraProcess(args, ready, {
      ...(options.startTimeoutMs === undefined ? {} : { timeoutMs: options.startTimeoutMs }),
      onLine: (line) => {
        if (line.trim() !== '') log(`${name}: ${line}`);
      },
    });
  return {
    kind: 'processes',
    async startMaster(settings, workDir, context, port = 0) {
      mkdirSync(workDir, { recursive: true });
      const args = ['master', '--host', '127.0.0.1', '--port', String(port), '--work-dir', workDir];
      args.push('--policy', settings.policy, '--seed', String(context.seed));
      args.push('--allocation-interval', seconds(settings.allocationIntervalMs));
      args.push('--agent-ping-timeout', seconds(settings.agentPingTimeoutMs));
      args.push('--max-agent-ping-timeouts', String(settings.maxAgentPingTimeouts));
      args.push('--agent-reregister-timeout', seconds(settings.agentReregisterTimeoutMs));
      args.push('--max-connections-per-client', '1000000');
      // A replay's thousands of launches and ends are its report's business, not its log's.
      args.push('--log-level', 'warning');
      if (!settings.filterGpuResources) args.push('--no-filter-gpu-resources');
      if (settings.offerTimeoutMs !== undefined)
        args.push('--offer-timeout', seconds(settings.offerTimeoutMs));
      const weights = Object.entries(settings.weights);
      if (weights.length > 0) args.push('--weights', weights.map(([r, w]) => `${r}=${w}`).join(','));
      for (const [role, limits] of Object.entries(settings.quotas)) {
        const text = Object.entries(limits).map(([name, amount]) => `${name}:${amount}`);
        args.push('--quota', `${role}=${text.join(';')}`);
      }
      const credential = context.credential;
      if (credential !== undefined) {
        const file = secretFile(workDir, 'credentials.json', { credentials: [credential] });
        args.push('--credentials', file, '--authenticate-frameworks', '--authenticate-agents');
      }
      const started = await start(args, MASTER_READY, 'master', context.log);
      const url = started.match[1] as string;
      return childMaster(started, url, Number(new URL(url).port));
    },
    async startAgent(settings, context) {
      mkdirSync(settings.workDir, { recursive: true });
      const args = ['agent', '--master', settings.masterUrl, '--host', '127.0.0.1', '--port', '0'];
      args.push('--advertise-port', String(settings.advertisePort));
      args.push('--resources', formatResources(settings.resources), '--work-dir', settings.workDir);
      args.push('--recovery-timeout', seconds(settings.recoveryTimeoutMs));
      args.push('--time-scale', String(settings.timeScale), '--log-level', 'warning');
      if (settings.attributes.length > 0)
        args.push('--attributes', settings.attributes.map(attributeText).join(';'));
      if (context.credential !== undefined) {
        // Beside the work dir, not in it: a reboot empties the work dir.
        const file = secretFile(`${settings.workDir}.secrets`, 'credential.json', context.credential);
        args.push('--credential', file);
      }
      const started = await start(args, AGENT_READY, settings.id, context.log);
      return {
        port: Number(started.match[2]),
        crash: () => killHard(started.child),
        close: () => stopGently(started.child),
      };
    },
  };
}

/** A master child process as a {@link LiveMasterNode}. */
function childMaster(started: AgoraProcess, url: string, port: number): LiveMasterNode {
  let counters = ZERO_COUNTERS;
  let alive = true;
  const read = async (): Promise<void> => {
    const metrics = await getJson<Record<string, number>>(`${url}/metrics/snapshot`);
    if (metrics === undefined) return;
    counters = {
      allocationRuns: metrics['allocator/mesos/allocation_runs'] ?? 0,
      offersMade: metrics['master/offers_made'] ?? 0,
      offersAccepted: metrics['master/offers_accepted'] ?? 0,
      offersDeclined: metrics['master/offers_declined'] ?? 0,
      offersRescinded: metrics['master/offers_rescinded'] ?? 0,
    };
  };
  const poll = setInterval(() => {
    if (alive) void read();
  }, COUNTERS_EVERY_MS);
  poll.unref();
  const end = (how: (child: AgoraProcess['child']) => Promise<void>) => async () => {
    alive = false;
    clearInterval(poll);
    await how(started.child);
  };
  return {
    port,
    activatedAgents: async () =>
      (await getJson<{ activated_slaves?: number }>(`${url}/master/state`))?.activated_slaves ?? 0,
    counters: () => counters,
    refreshCounters: read,
    crash: end(killHard),
    close: end(stopGently),
  };
}

/** GETs JSON from `url`; undefined when it cannot be had (the process is down, say). */
async function getJson<T>(url: string): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    if (!res.ok) return undefined;
    return (await res.json()) as T;
  } catch {
    return undefined;
  }
}

/** Real ms as a seconds flag. */
function seconds(ms: number): string {
  return String(ms / 1000);
}

/** Writes `value` as JSON to `dir/name`, readable by its owner only; returns the path. */
function secretFile(dir: string, name: string, value: unknown): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(value), { mode: 0o600 });
  return path;
}
