/**
 * A framework in the live world: its {@link MesosSchedulerDriver} in a {@link LiveNode} whose
 * transport is the v1 scheduler HTTP API ({@link SchedulerClient}). The framework code is the
 * same as in the simulator; only this composition differs.
 *
 *     const { driver, close } = liveSchedulerDriver(myScheduler, frameworkInfo, { masterUrl });
 *     driver.start();
 */
import type { FrameworkInfo } from '../../core/messages/framework-info.js';
import type { Scheduler } from '../../driver/scheduler.js';
import { MesosSchedulerDriver } from '../../driver/scheduler-driver.js';
import type { SchedulerDriverOptions } from '../../driver/scheduler-options.js';
import type { Credential } from './credentials.js';
import { LiveNode } from './live-node.js';
import { SchedulerClient } from './scheduler-client.js';
import type { ClientTls } from './tls.js';
import { followSchedulerLeader } from './zk/scheduler-leader.js';
import { isZkUrl } from './zk/zk-url.js';

const MASTER = 'master';

/** How to connect a live framework. */
export interface LiveSchedulerOptions {
  /** The master, e.g. `http://127.0.0.1:5050` (an Agora or an Apache Mesos master), or `zk://…/path`. */
  readonly masterUrl: string;
  readonly driver?: Omit<SchedulerDriverOptions, 'master'>;
  readonly seed?: number;
  readonly log?: (line: string) => void;
  /** Sent as HTTP Basic on every request (put its principal in FrameworkInfo too, as Mesos asks). */
  readonly credential?: Credential;
  /** The CAs trusted for an `https:` master, instead of the system's. */
  readonly tls?: ClientTls;
}

/** A driver for `scheduler` over HTTP, and how to close its connections. */
export function liveSchedulerDriver(
  scheduler: Scheduler,
  frameworkInfo: FrameworkInfo,
  options: LiveSchedulerOptions,
): { readonly driver: MesosSchedulerDriver; close(): Promise<void> } {
  const log = options.log ?? (() => {});
  const node = new LiveNode({ seed: options.seed ?? Date.now(), log });
  const zk = isZkUrl(options.masterUrl);
  const client = new SchedulerClient(
    node,
    zk ? undefined : options.masterUrl,
    MASTER,
    log,
    {
      ...(options.credential === undefined ? {} : { credential: options.credential }),
      ...(options.tls === undefined ? {} : { tls: options.tls }),
    },
    // Answers come back long after the driver below exists.
    (call, status, message) => driver.process.updateFrameworkRefused(`${message} (HTTP ${status})`, call),
  );
  node.useTransport(client);
  const unfollow = zk
    ? followSchedulerLeader(options.masterUrl, client, log, { https: options.tls !== undefined })
    : undefined;
  const driver = new MesosSchedulerDriver(scheduler, frameworkInfo, { ...options.driver, master: MASTER });
  node.spawn(`scheduler/${frameworkInfo.name}`, driver.process);
  return {
    driver,
    /** Lets a final call (TEARDOWN after stop()) reach the master, then stops the process. */
    close: async () => {
      unfollow?.();
      await client.close();
      node.stopAll();
    },
  };
}
