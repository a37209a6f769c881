/**
 * The master's registry in ZooKeeper, so it survives the leader: the registry document is the
 * data of one znode, `<path>/registry`, next to the masters' group (Mesos keeps its registry in
 * a replicated log whose replicas sit beside the masters; Agora keeps the document itself in
 * ZooKeeper, which replicates it to a quorum of its servers before it answers).
 *
 * A new leader reads the document and its version when elected. Every save is a `setData` with
 * the version last read or written, run one after another: ZooKeeper applies it only if nobody
 * wrote since, so a deposed leader's write fails (BadVersion) once a newer leader has written,
 * and the master is told a save is durable only once ZooKeeper acknowledged it. A failed save is
 * never acknowledged, and the leader that made it abdicates.
 *
 * A write in flight when the leader dies is in one of two states: ZooKeeper committed it (then the
 * next leader reads it), or it did not (then it is lost, but the master had not acted on it: it
 * acts on a change only once the write is acknowledged).
 */
import type { DurableStore } from '../../../core/process.js';
import type { FileStoreHost } from '../file-store.js';
import { PERSISTENT, ZK_BAD_VERSION, ZK_NODE_EXISTS, type ZkSession, zkErrorCode } from './zk-session.js';

/** The znode under the masters' path that holds the registry. */
export const REGISTRY_ZNODE = 'registry';

/** What the registry znode held when a leader was elected. */
export interface RegistrySnapshot {
  /** The document, undefined if no leader has written one yet. */
  readonly text: string | undefined;
  /** The znode's version (what the next write must match). */
  readonly version: number;
}

/** Reads the registry znode under `path`, creating it empty if missing. */
export async function readRegistry(session: ZkSession, path: string): Promise<RegistrySnapshot> {
  const znode = `${path}/${REGISTRY_ZNODE}`;
  let read = await session.getData(znode);
  if (read === undefined) {
    try {
      await session.create(znode, Buffer.alloc(0), PERSISTENT);
    } catch (e) {
      if (zkErrorCode(e) !== ZK_NODE_EXISTS) throw e;
    }
    read = await session.getData(znode);
    if (read === undefined) throw new Error(`${znode} vanished as it was created`);
  }
  const text = read.data === undefined || read.data.length === 0 ? undefined : read.data.toString('utf8');
  return { text, version: read.version };
}

/**
 * The registry store of a leader elected on `session`, starting from `snapshot`. `failed` hears
 * of a write ZooKeeper refused (the leader must abdicate).
 */
export function zkRegistryStore(
  session: ZkSession,
  path: string,
  snapshot: RegistrySnapshot,
  host: FileStoreHost,
  failed: (reason: string) => void,
): DurableStore {
  const znode = `${path}/${REGISTRY_ZNODE}`;
  let version = snapshot.version;
  let queue: Promise<void> = Promise.resolve();
  let broken = false;
  return {
    load(key) {
      if (key !== REGISTRY_ZNODE) return undefined;
      return snapshot.text;
    },
    save(key, value, tag) {
      const id = host.nextId();
      if (key !== REGISTRY_ZNODE)
        throw new Error(`assertion failed: the ZooKeeper store keeps only the registry, not ${key}`);
      queue = queue.then(async () => {
        if (broken) return;
        try {
          version = await session.setData(znode, Buffer.from(value), version);
          host.acknowledge(id, tag);
        } catch (e) {
          broken = true;
          host.failed(key, e);
          const code = zkErrorCode(e);
          failed(
            code === ZK_BAD_VERSION
              ? `writing the registry to ZooKeeper failed (${String(e)}): another master wrote it since`
              : `writing the registry to ZooKeeper failed: ${String(e)}`,
          );
        }
      });
      return id;
    },
  };
}
