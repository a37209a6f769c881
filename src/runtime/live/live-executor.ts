/**
 * A custom executor in the live world: its {@link MesosExecutorDriver} configured from the
 * MESOS_* environment a live agent sets, in a {@link LiveNode} whose transport is the v1 executor
 * HTTP API. An executor program is then:
 *
 *     const live = liveExecutorDriver(new MyExecutor());
 *     await live.driver.run();
 *     live.close();
 *
 * The agent's token for this executor (`MESOS_EXECUTOR_AUTHENTICATION_TOKEN`) goes with every
 * call as a Bearer token, and is taken out of the environment, as Mesos's executor library does.
 *
 * A TLS agent says so in the environment with Mesos's variables (docs/ssl.md):
 * `LIBPROCESS_SSL_ENABLED=true` makes the executor use HTTPS, and `LIBPROCESS_SSL_CA_FILE` names
 * the CA to trust instead of the system's.
 */

import type { Executor } from '../../driver/executor.js';
import { MesosExecutorDriver } from '../../driver/executor-driver.js';
import { executorOptionsFromEnvironment } from '../../driver/executor-options.js';
import { readConfigFile } from './config-file.js';
import { ExecutorClient } from './executor-client.js';
import { EXECUTOR_TOKEN_VARIABLE } from './executor-tokens.js';
import { LiveNode } from './live-node.js';
import type { ClientTls } from './tls.js';

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
  const ssl = /^(1|true)$/iu.test(environment.LIBPROCESS_SSL_ENABLED ?? '');
  const caFile = environment.LIBPROCESS_SSL_CA_FILE;
  const tls: ClientTls | undefined =
    ssl && caFile !== undefined && caFile !== ''
      ? { ca: readConfigFile('LIBPROCESS_SSL_CA_FILE', caFile), caFile }
      : undefined;
  const url = `${ssl ? 'https' : 'http'}://${options.value.agent}`;
  const token = environment[EXECUTOR_TOKEN_VARIABLE];
  // As Mesos's executor library does: out of the environment, so children do not inherit it.
  if (environment === process.env) delete process.env[EXECUTOR_TOKEN_VARIABLE];
  const client = new ExecutorClient(node, url, AGENT, log, tls, token === '' ? undefined : token);
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
