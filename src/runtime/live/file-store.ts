/**
 * The live world's {@link DurableStore}: one file per key in a directory (Mesos's master keeps
 * its registry under `--work_dir`). A save writes a temporary file, fsyncs it, renames it over
 * the old file and fsyncs the directory, so a crash at any point leaves the old value or the new
 * one, never a torn mix; only then is the save acknowledged. Saves of one store run one after
 * another, so a later value can never be overwritten by an earlier one that finished late.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { DurableStore, TimerId } from '../../core/process.js';

/** Keys are plain names: no path separators, no dots in front. */
const KEY = /^[A-Za-z0-9_-]{1,100}$/u;

/** What a {@link FileStore} needs from its host. */
export interface FileStoreHost {
  /** A fresh id, shared with the host's timers so acknowledgements and timers never collide. */
  nextId(): TimerId;
  /** Delivers the acknowledgement of save `id` (the host calls the process's onTimer). */
  acknowledge(id: TimerId, tag: string): void;
  /** Reports a save that failed: the process is never told it is durable. */
  failed(key: string, error: unknown): void;
}

/** A durable store in directory `dir` (created if missing). */
export function fileStore(dir: string, host: FileStoreHost): DurableStore {
  mkdirSync(dir, { recursive: true });
  let queue: Promise<void> = Promise.resolve();
  return {
    load(key) {
      try {
        return readFileSync(storeFile(dir, key), 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
    },
    save(key, value, tag) {
      checkKey(key);
      const id = host.nextId();
      queue = queue
        .then(() => writeAtomically(dir, key, value))
        .then(
          () => host.acknowledge(id, tag),
          (e: unknown) => host.failed(key, e),
        );
      return id;
    },
  };
}

/** The file that holds `key` in a store in `dir`. */
export function storeFile(dir: string, key: string): string {
  checkKey(key);
  return join(dir, `${key}.json`);
}

function checkKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`assertion failed: bad store key ${JSON.stringify(key)}`);
}

async function writeAtomically(dir: string, key: string, value: string): Promise<void> {
  const target = storeFile(dir, key);
  const temporary = join(dir, `.${key}.json.tmp`);
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(value, 'utf8');
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, target);
  // The rename is durable only once the directory entry is.
  const directory = openSync(dir, 'r');
  try {
    fsyncSync(directory);
  } finally {
    closeSync(directory);
  }
}
