/**
 * An agent's watchdog: a small `/bin/sh` process that outlives the agent to do what Mesos's
 * executors do on their own when their agent goes away (mesos.md §3, "Disconnect handling"):
 *
 * - the tasks of frameworks that do not checkpoint are stopped at once (SIGTERM to each task's
 *   process group, SIGKILL after the shutdown grace period): nobody will recover them;
 * - the tasks of checkpointing frameworks are left to run for `--recovery_timeout` (15 min,
 *   in whole seconds), for a restarted agent to reattach to; if none has by then, they are
 *   killed too (Mesos's executors self-terminate after `MESOS_RECOVERY_TIMEOUT`). The watchdog
 *   looks every second and exits as soon as no task of its agent is left.
 *
 * It learns of the agent's death from a pipe: its stdin is the agent's end of it, which the
 * kernel closes when the agent dies however it dies (SIGKILL included). A restarted agent
 * retires the watchdog of its predecessor before anything else (it finds it by its
 * {@link WATCHDOG_MARKER}) and starts its own, so one watchdog at most acts for a work dir. Tasks
 * are found by the work-dir marker in their environment (task-processes.ts), with `grep` over
 * `/proc/<pid>/environ`; the watchdog writes what it did to `<work dir>/meta/watchdog.log`.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { RECOVERABLE_MARKER, WATCHDOG_MARKER, WORK_DIR_MARKER } from './task-processes.js';

/** `sh -c WATCHDOG_SCRIPT agora-watchdog <work dir> <grace s> <recovery timeout s>`. */
export const WATCHDOG_SCRIPT = `
d=$1 grace=$2 timeout=$3
say() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $*"; }
# The process groups of the tasks of work dir $d: all of them, or only those not recoverable.
groups() {
  which=$1
  for f in $(grep -lsxzF "${WORK_DIR_MARKER}=$d" /proc/[0-9]*/environ); do
    if [ "$which" = transient ] && grep -qsxzF "${RECOVERABLE_MARKER}=1" "$f"; then continue; fi
    p=\${f#/proc/}
    p=\${p%/environ}
    { read -r st < "/proc/$p/stat"; } 2>/dev/null || continue
    st=\${st##*) }
    set -- $st
    echo "$3"
  done | sort -u
}
while read -r _; do :; done
say "the agent of $d is gone: stopping the tasks nobody will recover"
transient=$(groups transient)
if [ -n "$transient" ]; then
  for g in $transient; do kill -TERM "-$g" 2>/dev/null; done
  sleep "$grace"
  for g in $(groups transient); do kill -KILL "-$g" 2>/dev/null; done
fi
waited=0
while [ -n "$(groups all)" ]; do
  if [ "$waited" -ge "$timeout" ]; then
    n=0
    for g in $(groups all); do kill -KILL "-$g" 2>/dev/null && n=$((n + 1)); done
    say "no agent recovered them within $timeout s: killed $n task process groups"
    exit 0
  fi
  [ "$waited" -eq 0 ] && say "waiting up to $timeout s for a restarted agent to recover the others"
  sleep 1
  waited=$((waited + 1))
done
say "no task of $d is left"
`;

/** How the watchdog acts once its agent is gone. */
export interface WatchdogOptions {
  /** Between SIGTERM and SIGKILL for the tasks nobody will recover. */
  readonly gracePeriodMs: number;
  /** How long recoverable tasks wait for a restarted agent (Mesos `--recovery_timeout`). */
  readonly recoveryTimeoutMs: number;
}

/** A running watchdog (see the module comment). */
export class AgentWatchdog {
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess) {
    this.#child = child;
  }

  /** Starts the watchdog of the agent whose absolute work dir is `workDir`. */
  static start(workDir: string, options: WatchdogOptions): AgentWatchdog {
    const meta = join(workDir, 'meta');
    mkdirSync(meta, { recursive: true });
    const log = openSync(join(meta, 'watchdog.log'), 'a');
    try {
      const child = spawn(
        '/bin/sh',
        [
          '-c',
          WATCHDOG_SCRIPT,
          'agora-watchdog',
          workDir,
          String(Math.max(0, options.gracePeriodMs) / 1000),
          String(Math.ceil(Math.max(0, options.recoveryTimeoutMs) / 1000)),
        ],
        {
          detached: true,
          stdio: ['pipe', log, log],
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [WATCHDOG_MARKER]: workDir },
        },
      );
      // Neither the watchdog nor its pipe keeps this process alive.
      child.unref();
      (child.stdin as Socket | null)?.unref();
      child.stdin?.on('error', () => {});
      return new AgentWatchdog(child);
    } finally {
      closeSync(log);
    }
  }

  /** The agent is gone (a simulated crash): the watchdog acts as if it had died. */
  agentGone(): void {
    this.#child.stdin?.destroy();
  }

  /** The agent stopped in order and killed its tasks itself: the watchdog has nothing to do. */
  retire(): void {
    if (this.#child.pid === undefined) return;
    try {
      process.kill(-this.#child.pid, 'SIGKILL');
    } catch {
      // Gone already.
    }
  }
}
