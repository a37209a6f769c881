/**
 * `agora sim --serve`'s recording and server (sim-serve.ts), without a browser: a frame while the
 * master is down says so (state null) instead of showing stale numbers; the server answers the
 * page's config with the scenario's faults, each frame, and a clear 404 for a frame that is not.
 */
import test from 'ava';
import { ReplayRecording, ReplayServer } from '../../src/cli/sim-serve.js';
import { ScenarioRun } from '../../src/runtime/sim/scenario-run.js';
import { validateScenario } from '../../src/scenario/validate.js';
import { MASTER_DOWN } from '../ui/master-down.js';

function masterCrashRun(): ScenarioRun {
  const v = validateScenario(MASTER_DOWN);
  if (!v.ok) throw new Error(JSON.stringify(v.error));
  return new ScenarioRun(v.value, { series: true });
}

type Frame = { at_ms: number; state: { frameworks: unknown[] } | null; metrics: Record<string, number> };

test('frames show the master down while it is, and the server serves them to the page', async (t) => {
  const run = masterCrashRun();
  const recording = new ReplayRecording();
  for (const atMs of [100_000, 130_000, 130_000, 250_000]) {
    run.advance(atMs);
    recording.take(run);
  }
  t.deepEqual(recording.timesMs, [100_000, 130_000, 250_000], 'the same time twice is one frame');
  const frames = [0, 1, 2].map((i) => JSON.parse(recording.frame(i) ?? 'null') as Frame);
  t.is(frames[0]?.state?.frameworks.length, 1);
  t.true((frames[0]?.metrics['master/tasks_running'] ?? 0) > 0, 'tasks running before the crash');
  t.is(frames[1]?.state, null, 'the master is down at 130 s');
  t.deepEqual(frames[1]?.metrics, {});
  t.is(frames[2]?.state?.frameworks.length, 1, 'back after the restart');

  const series = run.seriesData();
  if (series === undefined) throw new Error('series were asked for');
  const server = await ReplayServer.listen('127.0.0.1', 0);
  try {
    t.is((await fetch(`${server.url}ui/config.json`)).status, 503, 'not served until the run is recorded');
    server.serve({ run, recording, series });
    const config = (await (await fetch(`${server.url}ui/config.json`)).json()) as Record<string, unknown>;
    t.is(config.mode, 'replay');
    t.deepEqual(config.frames, [100_000, 130_000, 250_000]);
    t.deepEqual(
      (config.markers as { atSeconds: number; kind: string }[]).map((m) => [m.atSeconds, m.kind]),
      [
        [120, 'fault'],
        [150, 'failover'],
      ],
    );
    const frame = (await (await fetch(`${server.url}replay/frame?i=1`)).json()) as Frame;
    t.is(frame.at_ms, 130_000);
    const missing = await fetch(`${server.url}replay/frame?i=3`);
    t.is(missing.status, 404);
    t.is(await missing.text(), 'No frame 3: expected 0 to 2');
    const page = await fetch(server.url);
    t.regex(page.headers.get('content-type') ?? '', /^text\/html/u);
  } finally {
    await server.close();
  }
});
