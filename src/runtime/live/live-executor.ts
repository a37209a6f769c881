/**
 * A custom executor in the live world: its {@link MesosExecutorDriver} configured from the
 * MESOS_* environment a live agent sets, in a {@link LiveNode} whose transport is the v1 executor
 * HTTP API. An executor program is then:
 *
 *     const live = liveExecutorDriver(new MyExecutor());
 *     await live.driver.run();
 *     live.close();
 */

import type { Executor } from '../../driver/executor.js';
import { MesosExecutorDriver } from '../../driver/executor-driver.js';
import { executorOptionsFromEnvironment } from '../../driver/executor-options.js';
import { ExecutorClient } from './executor-client.js';
import { LiveNode } from './live-node.js';

const AGENT = 'agent';

/** A driver for `executor`, configured from `environment` (default: this process's). */
export function liveExecutorDriver(
  executor: Executor,
  environment: Readonly<Record<string, string | undefined>> = process.env,
  log: (line: string) => void = (line) => process.stderr.write(`executor: ${line}\n`),
): { readonly driver: MesosExecutorDriver; close(): void } {
  const options = executorOptionsFromEnvironment(environment);
  if (!options.ok) throw new Error(`not started by an agent: ${options.error}`);
  const node = new LiveNode({ seed: Date.now(), log });
  const client = new ExecutorClient(node, `http://${options.value.agent}`, AGENT, log);
  node.useTransport(client);
  const driver = new MesosExecutorDriver(executor, { ...options.value, agent: AGENT });
  node.spawn(`executor/${options.value.executorId.value}`, driver.process);
  return {
    driver,
    close: () => {
      client.close();
      node.stopAll();
    },
  };
}
