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
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Master } from '../master/master.js';
import type { RunSeriesData } from '../metrics/run-series.js';
import { runMarkers } from '../report/fault-markers.js';
import { listenWithLimits, sendJson, sendText } from '../runtime/live/http-util.js';
import { quotaStatus } from '../runtime/live/master-endpoints.js';
import { masterMetrics } from '../runtime/live/master-metrics.js';
import {
  isUiAsset,
  sendUiConfig,
  serveUiAsset,
  type UiFrame,
  weightInfos,
} from '../runtime/live/ui-endpoint.js';
import type { ScenarioRun } from '../runtime/sim/scenario-run.js';
import { MASTER_ADDRESS } from '../scenario/schema.js';
import { UsageError } from './usage-error.js';

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

/** The replay's server, listening before the run so that a port in use is told at once. */
export class ReplayServer {
  readonly url: string;
  readonly #server: Server;
  #source: ServedSource | undefined;

  private constructor(server: Server, url: string) {
    this.#server = server;
    this.url = url;
    server.on('request', (req, res) => {
      const source = this.#source;
      if (source === undefined) {
        sendText(res, 503, 'The run is still being simulated; reload in a moment', { 'Retry-After': '2' });
        return;
      }
      this.#route(source, req, res);
    });
  }

  /**
   * Listens on `host:port` (0: any free port); a port in use or not allowed is a usage error
   * naming `--serve`.
   */
  static async listen(host: string, port: number): Promise<ReplayServer> {
    try {
      const { server, port: actual } = await listenWithLimits(host, port);
      return new ReplayServer(server, `http://${host.includes(':') ? `[${host}]` : host}:${actual}/`);
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EADDRINUSE')
        throw new UsageError(`--serve: port ${port} is in use (${(e as Error).message})`);
      if (code === 'EACCES') throw new UsageError(`--serve: not allowed to listen on port ${port}`);
      throw e;
    }
  }

  /** Starts serving `source` (until then, requests get 503). */
  serve(source: ReplaySource): void {
    this.#source = {
      ...source,
      config: {
        mode: 'replay',
        scenario: source.run.scenario.name,
        seed: source.run.seed,
        policy: source.run.policy,
        untilSeconds: source.run.untilMs / 1000,
        frames: source.recording.timesMs,
        markers: runMarkers(source.run.scenario, source.run.untilMs / 1000),
      },
      seriesText: JSON.stringify(source.series),
    };
  }

  #route(source: ServedSource, req: IncomingMessage, res: ServerResponse): void {
    const { config, seriesText } = source;
    const url = new URL(req.url ?? '/', 'http://replay');
    switch (url.pathname) {
      case '/ui/config.json': {
        sendUiConfig(res, config);
        return;
      }
      case '/replay/series':
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(seriesText);
        return;
      case '/replay/frame': {
        const i = Number(url.searchParams.get('i'));
        const frame = Number.isInteger(i) ? source.recording.frame(i) : undefined;
        if (frame === undefined) {
          sendText(
            res,
            404,
            `No frame ${url.searchParams.get('i')}: expected 0 to ${source.recording.timesMs.length - 1}`,
          );
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(frame);
        return;
      }
      case '/health': {
        sendJson(res, {});
        return;
      }
      default:
        if (isUiAsset(url.pathname)) {
          serveUiAsset(req, res, url.pathname);
          return;
        }
        {
          sendText(res, 404, `No such endpoint: ${url.pathname}`);
          return;
        }
    }
  }

  /** Stops serving. */
  close(): Promise<void> {
    return closeServer(this.#server);
  }
}

/** A source with what is served of it worked out once. */
interface ServedSource extends ReplaySource {
  readonly config: Readonly<Record<string, unknown>>;
  readonly seriesText: string;
}

function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  return new Promise((resolve) => server.close(() => resolve()));
}
