/**
 * The web UI's side of a server (issue 17): the page and its assets from src/ui (plain HTML, JS
 * and CSS, nothing fetched from elsewhere), and a stream of UI frames as server-sent events
 * (`GET /events`, `text/event-stream`), pushed when the master's state changes, at most every
 * {@link PUSH_INTERVAL_MS}. A frame carries the very JSON a third-party UI reads from the master's
 * endpoints: `/master/state`, `/metrics/snapshot`, `/quota` and `/weights`, with the time it was
 * taken. `agora master` serves it on its port (master-server.ts); `agora sim --serve` serves the
 * same page over recorded frames of a simulated run (cli/sim-serve.ts).
 */
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Process } from '../../core/process.js';
import { sendText } from './http-util.js';

/** Pushes are throttled to one per this many ms, however often the state changes. */
export const PUSH_INTERVAL_MS = 250;

/** An idle stream gets a comment this often, so proxies and browsers keep it open. */
const KEEP_ALIVE_MS = 15_000;

/** How many pages may watch at once; more get 503 (each costs a state snapshot per push). */
export const MAX_UI_STREAMS = 64;

/** What the page shows at one moment: the master's endpoints' JSON, and when. */
export interface UiFrame {
  /** The master's clock (ms since the epoch live; simulated ms on a replay). */
  readonly at_ms: number;
  /** `/master/state`, or null while the master is down (a replay of a master crash). */
  readonly state: unknown;
  /** `/metrics/snapshot`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** `/quota` (Mesos `QuotaStatus`). */
  readonly quota: unknown;
  /** `/weights` (Mesos: `[{role, weight}]`). */
  readonly weights: readonly { readonly role: string; readonly weight: number }[];
}

/** The files of the page, by the path they are served at. */
const ASSETS: ReadonlyMap<string, { readonly file: string; readonly type: string }> = new Map([
  ['/', { file: 'index.html', type: 'text/html; charset=utf-8' }],
  ['/ui/app.js', { file: 'app.js', type: 'text/javascript; charset=utf-8' }],
  ['/ui/charts.js', { file: 'charts.js', type: 'text/javascript; charset=utf-8' }],
  ['/ui/app.css', { file: 'app.css', type: 'text/css; charset=utf-8' }],
]);

const UI_DIR = new URL('../../ui/', import.meta.url);

/** Whether `path` is one of the page's files. */
export function isUiAsset(path: string): boolean {
  return ASSETS.has(path);
}

/**
 * Answers a GET of one of the page's files (read at each request, so an edited page shows on
 * reload); 405 for another method.
 */
export function serveUiAsset(req: IncomingMessage, res: ServerResponse, path: string): void {
  const asset = ASSETS.get(path);
  if (asset === undefined) {
    sendText(res, 404, `No such endpoint: ${path}`);
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    sendText(res, 405, `Expecting 'GET', received '${req.method ?? ''}'`, { Allow: 'GET' });
    return;
  }
  const body = readFileSync(new URL(asset.file, UI_DIR));
  res.writeHead(200, { 'Content-Type': asset.type, 'Cache-Control': 'no-cache' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** Answers `GET /ui/config.json`: what the page is looking at (a live master, or a replay). */
export function sendUiConfig(res: ServerResponse, config: Readonly<Record<string, unknown>>): void {
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
  res.end(JSON.stringify(config));
}

interface Watcher {
  readonly res: ServerResponse;
  /** The socket's buffer is full: skip frames until it drains, then send the latest. */
  blocked: boolean;
}

/**
 * The pushed frames of a live master. Nothing is built while no page watches; with watchers, a
 * change schedules one push no sooner than {@link PUSH_INTERVAL_MS} after the last, so a burst of
 * changes costs one snapshot. A page that reads slowly is sent only the latest frame when it
 * catches up, never a backlog.
 */
export class UiEventStream {
  readonly #frame: () => UiFrame;
  readonly #watchers = new Set<Watcher>();
  #lastPushMs = 0;
  #pending: NodeJS.Timeout | undefined;
  #keepAlive: NodeJS.Timeout | undefined;

  constructor(frame: () => UiFrame) {
    this.#frame = frame;
  }

  /** The state may have changed: push a frame soon, if anyone watches. */
  changed(): void {
    if (this.#watchers.size === 0 || this.#pending !== undefined) return;
    const waitMs = Math.max(0, this.#lastPushMs + PUSH_INTERVAL_MS - Date.now());
    this.#pending = setTimeout(() => {
      this.#pending = undefined;
      this.#push();
    }, waitMs);
  }

  /** Answers `GET /events`: opens a stream and sends the current frame at once. */
  handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') {
      sendText(res, 405, `Expecting 'GET', received '${req.method ?? ''}'`, { Allow: 'GET' });
      return;
    }
    if (this.#watchers.size >= MAX_UI_STREAMS) {
      sendText(res, 503, `Too many UI streams open (at most ${MAX_UI_STREAMS})`, {
        'Retry-After': '5',
      });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    const watcher: Watcher = { res, blocked: false };
    this.#watchers.add(watcher);
    res.on('close', () => {
      this.#watchers.delete(watcher);
      if (this.#watchers.size === 0) this.#stopTimers();
    });
    res.on('drain', () => {
      if (!watcher.blocked) return;
      watcher.blocked = false;
      this.#write(watcher, this.#event());
    });
    // Tells EventSource to come back after 1 s if the master goes away and returns.
    res.write('retry: 1000\n\n');
    this.#write(watcher, this.#event());
    this.#keepAlive ??= setInterval(() => {
      for (const w of this.#watchers) if (!w.blocked) w.res.write(': keep-alive\n\n');
    }, KEEP_ALIVE_MS);
    this.#keepAlive.unref();
  }

  /** How many pages watch now. */
  get watchers(): number {
    return this.#watchers.size;
  }

  /** Ends every stream (the server is stopping). */
  closeAll(): void {
    this.#stopTimers();
    for (const w of this.#watchers) w.res.end();
    this.#watchers.clear();
  }

  #push(): void {
    this.#lastPushMs = Date.now();
    const event = this.#event();
    for (const w of this.#watchers) if (!w.blocked) this.#write(w, event);
  }

  #event(): string {
    return `event: frame\ndata: ${JSON.stringify(this.#frame())}\n\n`;
  }

  #write(watcher: Watcher, event: string): void {
    if (!watcher.res.write(event)) watcher.blocked = true;
  }

  #stopTimers(): void {
    if (this.#pending !== undefined) clearTimeout(this.#pending);
    this.#pending = undefined;
    if (this.#keepAlive !== undefined) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
  }
}

/**
 * `process`, with `changed` called after each thing that can change its state (start, message,
 * timer, stop): how the UI stream hears of the master's changes without the master knowing.
 */
export function observed<M>(process: Process<M>, changed: () => void): Process<M> {
  return {
    onStart(env) {
      process.onStart(env);
      changed();
    },
    onMessage(env, from, msg) {
      process.onMessage(env, from, msg);
      changed();
    },
    onTimer(env, tag, id) {
      process.onTimer(env, tag, id);
      changed();
    },
    onStop(env) {
      process.onStop?.(env);
      changed();
    },
  };
}

/** Mesos's `GET /weights`: `[{role, weight}]` for the roles with a configured weight. */
export function weightInfos(weights: Readonly<Record<string, number>>): { role: string; weight: number }[] {
  return Object.entries(weights).map(([role, weight]) => ({ role, weight }));
}
