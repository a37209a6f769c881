/**
 * Runs a sweep's cases in parallel on worker threads (each run is single-threaded and CPU-bound,
 * so one worker per core is the most that helps), or on the main thread when one job is asked for
 * (a worker costs about half a second to start). Results come back in case order whatever order
 * the runs finish in, so the comparison report does not depend on scheduling.
 */
import { Worker } from 'node:worker_threads';
import type { Scenario } from '../scenario/schema.js';
import { runSweepCase, type SweepCase, type SweepCaseResult } from './sweep-case.js';

/** What every worker is started with. */
export interface WorkerData {
  readonly scenarioText: string;
  readonly scenarioPath: string;
  readonly untilMs: number | undefined;
}

/** What a worker posts back. */
export type WorkerReply =
  | { readonly kind: 'progress'; readonly index: number; readonly nowMs: number; readonly events: number }
  | { readonly kind: 'done'; readonly result: SweepCaseResult }
  | { readonly kind: 'failed'; readonly index: number; readonly message: string };

/** A sweep to run. */
export interface SweepJob extends WorkerData {
  /** The scenario, already validated from `scenarioText`. */
  readonly scenario: Scenario;
  readonly cases: readonly SweepCase[];
  /** Runs at once (≥ 1). */
  readonly jobs: number;
}

/** Progress of one case: simulated ms done and events so far. */
export type CaseProgress = (index: number, nowMs: number, events: number) => void;

/** Runs every case; rejects with the first failure. */
export async function runSweepCases(job: SweepJob, onProgress: CaseProgress): Promise<SweepCaseResult[]> {
  const jobs = Math.max(1, Math.min(job.jobs, job.cases.length));
  if (jobs === 1) {
    return job.cases.map((c) =>
      runSweepCase(job.scenario, c, job.untilMs, (nowMs, events) => onProgress(c.index, nowMs, events)),
    );
  }
  const results: (SweepCaseResult | undefined)[] = new Array(job.cases.length);
  const queue = [...job.cases];
  const workerData: WorkerData = {
    scenarioText: job.scenarioText,
    scenarioPath: job.scenarioPath,
    untilMs: job.untilMs,
  };
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: jobs }, () => {
        const worker = startWorker(workerData);
        workers.push(worker);
        return drain(worker, queue, results, onProgress);
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.map((r, i) => {
    if (r === undefined) throw new Error(`assertion failed: sweep case ${i} has no result`);
    return r;
  });
}

/** Feeds `worker` cases from `queue` until it is empty. */
function drain(
  worker: Worker,
  queue: SweepCase[],
  results: (SweepCaseResult | undefined)[],
  onProgress: CaseProgress,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const next = () => {
      const c = queue.shift();
      if (c === undefined) resolve();
      else worker.postMessage(c);
    };
    worker.on('message', (reply: WorkerReply) => {
      if (reply.kind === 'progress') onProgress(reply.index, reply.nowMs, reply.events);
      else if (reply.kind === 'done') {
        results[reply.result.index] = reply.result;
        next();
      } else reject(new Error(`sweep run ${reply.index} failed: ${reply.message}`));
    });
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (code !== 0) reject(new Error(`a sweep worker exited with code ${code}`));
    });
    next();
  });
}

/**
 * Starts a worker on `sweep-worker.ts`. The sources are TypeScript run through tsx, and a worker
 * thread starts without the main thread's loader hooks, so a tiny ESM bootstrap (a data: URL)
 * registers tsx in the worker before importing the worker module.
 */
function startWorker(data: WorkerData): Worker {
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./sweep-worker.ts', import.meta.url).href;
  const bootstrap =
    `import { register } from ${JSON.stringify(tsx)};\n` +
    `register();\n` +
    `await import(${JSON.stringify(entry)});\n`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(bootstrap)}`), {
    workerData: data,
    execArgv: [],
  });
}
