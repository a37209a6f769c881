/**
 * A highly available cluster on this machine, for the tests and the failover bench: real
 * ZooKeeper servers (zookeeper-server.ts), `agora master --zk` processes and `agora agent
 * --master zk://…` processes, each its own OS process, so a leader can be SIGKILLed or SIGSTOPped
 * as a machine would fail. Every line each process prints is kept, with the time it came.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AGENT_READY,
  type AgoraProcess,
  killHard,
  MASTER_READY,
  startAgoraProcess,
  stopGently,
} from '../agora-process.js';
import { eventually } from '../eventually.js';
import { ZooKeeperEnsemble } from './zookeeper-server.js';

/** How to start an {@link HaCluster}. */
export interface HaClusterOptions {
  readonly masters?: number;
  readonly agents?: number;
  /** ZooKeeper servers (1: standalone; 3: an ensemble that survives one loss). */
  readonly zookeepers?: number;
  /** The masters' `--zk-session-timeout`, in seconds (default 3). */
  readonly sessionTimeoutS?: number;
  /** More flags for every master. */
  readonly masterArgs?: readonly string[];
  /** Each agent's `--resources` (default cpus:2;mem:1024). */
  readonly agentResources?: string;
  /** How long a process may take to start (default 60 s). */
  readonly startTimeoutMs?: number;
}

/** One process of the cluster and what it printed. */
export interface ClusterProcess {
  readonly name: string;
  readonly process: AgoraProcess;
  /** Every line it printed, with the wall-clock time it arrived. */
  readonly lines: { readonly atMs: number; readonly line: string }[];
}

/** A running HA cluster (see the module comment); stop it with {@link close}. */
export class HaCluster {
  readonly zk: ZooKeeperEnsemble;
  readonly zkUrl: string;
  readonly masters: (ClusterProcess & { readonly url: string })[] = [];
  readonly agents: ClusterProcess[] = [];
  readonly #dir: string;

  private constructor(zk: ZooKeeperEnsemble, dir: string) {
    this.zk = zk;
    this.zkUrl = zk.url('/agora');
    this.#dir = dir;
  }

  /** Starts ZooKeeper, the masters (one after another, so the first leads) and the agents. */
  static async start(options: HaClusterOptions = {}): Promise<HaCluster> {
    const zk = await ZooKeeperEnsemble.start(options.zookeepers ?? 1);
    const cluster = new HaCluster(zk, mkdtempSync(join(tmpdir(), 'agora-ha-')));
    const timeoutMs = options.startTimeoutMs ?? 60_000;
    try {
      for (let i = 0; i < (options.masters ?? 3); i++) {
        const args = [
          'master',
          '--port',
          '0',
          '--zk',
          cluster.zkUrl,
          '--quorum',
          '2',
          '--zk-session-timeout',
          String(options.sessionTimeoutS ?? 3),
          ...(options.masterArgs ?? []),
        ];
        const p = await cluster.#spawn(`master-${i}`, args, MASTER_READY, timeoutMs);
        cluster.masters.push({ ...p, url: p.process.match[1] as string });
      }
      await cluster.waitLeader(timeoutMs);
      for (let i = 0; i < (options.agents ?? 2); i++) {
        const args = [
          'agent',
          '--master',
          cluster.zkUrl,
          '--port',
          '0',
          '--work-dir',
          join(cluster.#dir, `agent-${i}`),
          '--resources',
          options.agentResources ?? 'cpus:2;mem:1024',
        ];
        cluster.agents.push(await cluster.#spawn(`agent-${i}`, args, AGENT_READY, timeoutMs));
      }
    } catch (e) {
      await cluster.close();
      throw e;
    }
    return cluster;
  }

  async #spawn(name: string, args: string[], ready: RegExp, timeoutMs: number): Promise<ClusterProcess> {
    const lines: { atMs: number; line: string }[] = [];
    const process = await startAgoraProcess(args, ready, {
      timeoutMs,
      onLine: (line) => lines.push({ atMs: Date.now(), line }),
    });
    return { name, process, lines };
  }

  /**
   * The index of the master that leads now, asked of the masters themselves: the leader answers
   * `/master/state` with 200 (a follower with 307, or 503 while it knows no leader).
   */
  async leader(): Promise<number | undefined> {
    for (const [i, m] of this.masters.entries()) {
      if (!running(m)) continue;
      try {
        const res = await fetch(`${m.url}/master/state`, {
          redirect: 'manual',
          signal: AbortSignal.timeout(1000),
        });
        await res.arrayBuffer();
        if (res.status === 200) return i;
      } catch {
        // Not answering (stopped, or between roles).
      }
    }
    return undefined;
  }

  /** Resolves with the leader's index once one (other than `not`) serves. */
  async waitLeader(timeoutMs: number, not?: number): Promise<number> {
    let found: number | undefined;
    await eventually(
      async () => {
        found = await this.leader();
        return found !== undefined && found !== not;
      },
      timeoutMs,
      not === undefined ? 'a leading master' : `a leading master other than master-${not}`,
      { pollMs: 50 },
    );
    return found as number;
  }

  /** The leader's `/master/state`. */
  async state(index: number): Promise<Record<string, unknown>> {
    const m = this.masters[index];
    if (m === undefined) throw new Error(`assertion failed: no master ${index}`);
    const res = await fetch(`${m.url}/master/state`, { redirect: 'manual' });
    return (await res.json()) as Record<string, unknown>;
  }

  /** SIGKILLs master `index` (a crash) and resolves once it is gone. */
  killMaster(index: number): Promise<void> {
    return killHard((this.masters[index] as ClusterProcess).process.child);
  }

  /** Stops or continues master `index` (SIGSTOP, SIGCONT): a machine that hangs, then wakes. */
  signalMaster(index: number, signal: 'SIGSTOP' | 'SIGCONT'): void {
    (this.masters[index] as ClusterProcess).process.child.kill(signal);
  }

  /** Stops every process and ZooKeeper, and removes the work dirs. */
  async close(): Promise<void> {
    for (const p of [...this.agents, ...this.masters]) {
      p.process.child.kill('SIGCONT');
      await stopGently(p.process.child);
    }
    await this.zk.close();
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

function running(p: ClusterProcess): boolean {
  return p.process.child.exitCode === null && p.process.child.signalCode === null;
}
