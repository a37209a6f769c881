/**
 * A sweep's worker thread: it validates the scenario text once, then runs the cases the main
 * thread sends, one at a time, posting progress and results back.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { parseScenarioText } from './scenario-file.js';
import { runSweepCase, type SweepCase } from './sweep-case.js';
import type { WorkerData, WorkerReply } from './sweep-pool.js';

const port = parentPort;
if (port === null) throw new Error('sweep-worker.ts runs only as a worker thread');
const data = workerData as WorkerData;
const scenario = parseScenarioText(data.scenarioText, data.scenarioPath);
const reply = (message: WorkerReply) => port.postMessage(message);

port.on('message', (sweepCase: SweepCase) => {
  try {
    const result = runSweepCase(scenario, sweepCase, data.untilMs, (nowMs, events) =>
      reply({ kind: 'progress', index: sweepCase.index, nowMs, events }),
    );
    reply({ kind: 'done', result });
  } catch (e) {
    reply({
      kind: 'failed',
      index: sweepCase.index,
      message: e instanceof Error ? (e.stack ?? e.message) : String(e),
    });
  }
});
