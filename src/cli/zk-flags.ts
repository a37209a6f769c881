/**
 * The ZooKeeper flags of `agora master` (Mesos's `--zk`, `--quorum`, `--zk_session_timeout`)
 * and the `zk://` form of `--master` that `agora agent` and `agora execute` take.
 */
import type { Command } from '@commander-js/extra-typings';
import { DEFAULT_ZK_SESSION_TIMEOUT_MS } from '../runtime/live/zk/zk-defaults.js';
import { isZkUrl, parseZkUrl, type ZkUrl } from '../runtime/live/zk/zk-url.js';
import { parseCountFlag, parseMasterUrl, parseSecondsFlag } from './live-flags.js';
import { UsageError } from './usage-error.js';

/** Adds `--zk`, `--quorum` and `--zk-session-timeout` to `agora master`. */
export function withZkMasterOptions<C extends Command<never[], Record<string, unknown>>>(command: C): C {
  command
    .option(
      '--zk <url>',
      'contend for leadership in ZooKeeper with the other masters of this URL, e.g. zk://host1:2181,host2:2181/mesos: the leader serves, the others redirect to it (307), and the registry is kept in ZooKeeper (Mesos --zk); without it the master runs alone',
    )
    .option(
      '--quorum <n>',
      'Mesos’s replicated log needs this many masters to write its registry; Agora keeps the registry in ZooKeeper, whose own quorum makes each write durable, so it is only checked (≥ 1) (Mesos --quorum)',
    )
    .option(
      '--zk-session-timeout <seconds>',
      `the ZooKeeper session timeout: a leader that loses its session stops leading, and another is elected, within it (Mesos --zk_session_timeout; default ${DEFAULT_ZK_SESSION_TIMEOUT_MS / 1000})`,
    );
  return command;
}

/** What `--zk` and its companions say. */
export interface ZkMasterFlags {
  readonly zk: ZkUrl;
  readonly sessionTimeoutMs: number;
}

/** Checks `--zk`, `--quorum` and `--zk-session-timeout`; undefined without `--zk`. */
export function readZkMasterFlags(flags: {
  readonly zk?: string;
  readonly quorum?: string;
  readonly zkSessionTimeout?: string;
}): ZkMasterFlags | undefined {
  if (flags.zk === undefined) {
    if (flags.quorum !== undefined)
      throw new UsageError('--quorum: applies only with --zk (several masters)');
    if (flags.zkSessionTimeout !== undefined)
      throw new UsageError('--zk-session-timeout: applies only with --zk');
    return undefined;
  }
  const zk = parseZkUrl(flags.zk);
  if (typeof zk === 'string') throw new UsageError(`--zk: ${zk}`);
  if (flags.quorum !== undefined) parseCountFlag('--quorum', flags.quorum, 1000);
  return {
    zk,
    sessionTimeoutMs:
      flags.zkSessionTimeout === undefined
        ? DEFAULT_ZK_SESSION_TIMEOUT_MS
        : parseSecondsFlag('--zk-session-timeout', flags.zkSessionTimeout, 3600) * 1000,
  };
}

/** `--master`: a master's `host:port` or URL, or a `zk://` URL where the leader is found. */
export function parseMasterFlag(text: string): { readonly url: string; readonly zk?: ZkUrl } {
  if (!isZkUrl(text)) return { url: parseMasterUrl(text) };
  const zk = parseZkUrl(text);
  if (typeof zk === 'string') throw new UsageError(`--master: ${zk}`);
  return { url: text, zk };
}
