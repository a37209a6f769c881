/**
 * `agora sim --serve [port]`: the live master's web UI (src/ui, runtime/live/ui-endpoint.ts) over
 * a simulated run. The run is recorded as frames — the master's `/master/state`,
 * `/metrics/snapshot`, `/quota` and `/weights` JSON at the end of each of the run's slices — and
 * the page plays them back: play, pause, speed, a time slider, and the scenario's faults marked so
 * a person can jump to one. Charts draw the run's series (the report's, run-series.ts).
 *
 * | path                 | what                                                       |
 * |----------------------|------------------------------------------------------------|
 * | `/`, `/ui/…`         | the page                                                   |
 * | `/ui/config.json`    | the replay: scenario, seed, policy, frame times, markers   |
 * | `/replay/frame?i=N`  | frame N (a {@link UiFrame})                                |
 * | `/replay/series`     | the run's series (utilisation, dominant shares, …)         |
 */
import type { Server } from 'node:http';
import type { Master } from '../master/master.js';
import type { RunSeriesData } from '../metrics/run-series.js';
import { runMarkers } from '../report/fault-markers.js';
import { listenWithLimits, sendJson, sendText } from '../runtime/live/http-util.js';
import { masterMetrics } from '../runtime/live/master-metrics.js';
import { quotaStatus } from '../runtime/live/master-server.js';
import {
  isUiAsset,
  sendUiConfig,
  serveUiAsset,
  type UiFrame,
  weightInfos,
} from '../runtime/live/ui-endpoint.js';
import type { ScenarioRun } from '../runtime/sim/scenario-run.js';
import { MASTER_ADDRESS } from '../scenario/schema.js';

/** A simulated run's frames, as JSON text (taken once; served many times). */
export class ReplayRecording {
  readonly #frames: string[] = [];
  readonly #timesMs: number[] = [];
  #bytes = 0;

  /** Takes a frame of `run` now (after each slice, and once at the start). */
  take(run: ScenarioRun): void {
    const atMs = run.world.now;
    // Down while a master crash lasts: the frame says so rather than showing stale numbers.
    const master =
      run.world.status(MASTER_ADDRESS) === 'running'
        ? (run.world.instance(MASTER_ADDRESS) as Master)
        : undefined;
    const state = master?.state();
    const frame: UiFrame = {
      at_ms: atMs,
      state: state ?? null,
      metrics: state === undefined ? {} : masterMetrics(state, (atMs - state.start_time * 1000) / 1000),
      quota: quotaStatus(master?.quotas() ?? {}),
      weights: weightInfos(master?.weights() ?? {}),
    };
    const text = JSON.stringify(frame);
    // Same time twice (a run that ended early): the later frame replaces the earlier.
    if (this.#timesMs.at(-1) === atMs) {
      this.#bytes -= this.#frames.pop()?.length ?? 0;
      this.#timesMs.pop();
    }
    this.#frames.push(text);
    this.#timesMs.push(atMs);
    this.#bytes += text.length;
  }

  /** Each frame's simulated time, ms. */
  get timesMs(): readonly number[] {
    return this.#timesMs;
  }

  /** Frame `i`'s JSON, if there is one. */
  frame(i: number): string | undefined {
    return this.#frames[i];
  }

  /** What the frames hold, in characters of JSON (for the log line). */
  get bytes(): number {
    return this.#bytes;
  }
}

/** What the replay server shows. */
export interface ReplaySource {
  readonly run: ScenarioRun;
  readonly recording: ReplayRecording;
  readonly series: RunSeriesData;
}

/** Serves the replay on `host:port` (0: any free port); resolves with its URL and the server. */
export async function serveReplay(
  source: ReplaySource,
  host: string,
  port: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const { run, recording, series } = source;
  const config = {
    mode: 'replay',
    scenario: run.scenario.name,
    seed: run.seed,
    policy: run.policy,
    untilSeconds: run.untilMs / 1000,
    frames: recording.timesMs,
    markers: runMarkers(run.scenario, run.untilMs / 1000),
  };
  const seriesText = JSON.stringify(series);
  const { server } = await listenWithLimits(host, port);
  server.on('request', (req, res) => {
    const url = new URL(req.url ?? '/', 'http://replay');
    switch (url.pathname) {
      case '/ui/config.json':
        return sendUiConfig(res, config);
      case '/replay/series':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(seriesText);
        return;
      case '/replay/frame': {
        const i = Number(url.searchParams.get('i'));
        const frame = Number.isInteger(i) ? recording.frame(i) : undefined;
        if (frame === undefined) {
          sendText(
            res,
            404,
            `No frame ${url.searchParams.get('i')}: expected 0 to ${recording.timesMs.length - 1}`,
          );
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(frame);
        return;
      }
      case '/health':
        return sendJson(res, {});
      default:
        if (isUiAsset(url.pathname)) return serveUiAsset(req, res, url.pathname);
        return sendText(res, 404, `No such endpoint: ${url.pathname}`);
    }
  });
  const address = server.address();
  const actual = typeof address === 'object' && address !== null ? address.port : port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`,
    close: () => closeServer(server),
  };
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
