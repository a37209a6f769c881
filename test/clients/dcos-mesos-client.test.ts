/**
 * A third-party operator client against Agora: @dcos/mesos-client, the DC/OS UI's client for
 * Mesos's operator API (`request(call)` answers one call; `stream({type: 'SUBSCRIBE'})` reads
 * the RecordIO event stream record by record). It is built for the browser (its transport is
 * XMLHttpRequest, which Node lacks: `request()` fails there with "XMLHttpRequest is not
 * defined"), so it runs where the DC/OS UI runs it: in real headless Chromium, bundled with its
 * dependencies from node_modules by esbuild, on a page served from the master's own origin, as
 * the UI is. Nothing of the client is replaced.
 *
 * One Node builtin is supplied, as the UI's bundler (webpack) supplies it: @dcos/connections
 * imports `EventEmitter` from `events`, for which webpack substitutes the `events` npm package.
 * That package is not installed here, so {@link EVENTS_FOR_THE_BROWSER} gives the part of Node's
 * EventEmitter the client uses (addListener/on, once, removeListener/off, removeAllListeners,
 * emit); with `events` as a devDependency the plugin below can be dropped.
 */
import { build } from 'esbuild';
import { liveSchedulerDriver } from '../../src/runtime/live/live-scheduler.js';
import { launchChromium, withChromium } from '../needs.js';
import { eventually, liveCluster } from '../runtime/live/harness.js';
import { Prober } from '../runtime/live/prober.js';

const chromiumTest = withChromium();

/** Node's EventEmitter, as much of it as @dcos/connections and @dcos/connection-manager use. */
const EVENTS_FOR_THE_BROWSER = `
export class EventEmitter {
  constructor() { this._listeners = new Map(); }
  addListener(name, fn) { this._listeners.set(name, [...(this._listeners.get(name) || []), fn]); return this; }
  on(name, fn) { return this.addListener(name, fn); }
  once(name, fn) { const once = (...a) => { this.removeListener(name, once); fn.apply(this, a); }; return this.addListener(name, once); }
  removeListener(name, fn) { this._listeners.set(name, (this._listeners.get(name) || []).filter((l) => l !== fn)); return this; }
  off(name, fn) { return this.removeListener(name, fn); }
  removeAllListeners(name) { if (name === undefined) this._listeners.clear(); else this._listeners.delete(name); return this; }
  listeners(name) { return [...(this._listeners.get(name) || [])]; }
  emit(name, ...args) { const ls = this.listeners(name); for (const l of ls) l.apply(this, args); return ls.length > 0; }
}
export default EventEmitter;
`;

// esbuild's filters are Go regular expressions, which have no `u` flag.
// biome-ignore lint/complexity/useRegexLiterals: a literal would need the u flag Go rejects
const ESBUILD_EVENTS_FILTER = new RegExp('^events$');
// biome-ignore lint/complexity/useRegexLiterals: as above
const ESBUILD_ANY_FILTER = new RegExp('.*');

/** @dcos/mesos-client and everything it imports, as one script that sets `window.mesosClient`. */
async function clientBundle(): Promise<string> {
  const out = await build({
    stdin: {
      contents:
        "import { request, stream } from '@dcos/mesos-client'; window.mesosClient = { request, stream };",
      resolveDir: process.cwd(),
      loader: 'js',
    },
    bundle: true,
    format: 'iife',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    plugins: [
      {
        name: 'events-for-the-browser',
        setup(b) {
          b.onResolve({ filter: ESBUILD_EVENTS_FILTER }, () => ({
            path: 'events',
            namespace: 'browser-builtins',
          }));
          b.onLoad({ filter: ESBUILD_ANY_FILTER, namespace: 'browser-builtins' }, () => ({
            contents: EVENTS_FOR_THE_BROWSER,
            loader: 'js',
          }));
        },
      },
    ],
  });
  const text = out.outputFiles[0]?.text;
  if (text === undefined) throw new Error('esbuild wrote no bundle');
  return text;
}

/** The page: the client, and small helpers the test calls through `page.evaluate`. */
function page(bundle: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><script>${bundle}</script><script>
window.call = (body) => new Promise((resolve, reject) =>
  window.mesosClient.request(body, '/api/v1').subscribe({
    next: (text) => resolve(text),
    error: (e) => reject(new Error(JSON.stringify({ code: e.code, response: e.response }))),
  }));
window.events = [];
window.streamError = null;
window.subscribeOperator = () => {
  window.mesosClient.stream({ type: 'SUBSCRIBE' }, '/api/v1').subscribe({
    next: (record) => window.events.push(JSON.parse(record)),
    error: (e) => { window.streamError = JSON.stringify(e); },
  });
};
</script></head><body>operator client test</body></html>`;
}

interface ClientWindow {
  call(body: unknown): Promise<string>;
  subscribeOperator(): void;
  events: { type: string; [k: string]: unknown }[];
  streamError: string | null;
}

chromiumTest(
  '@dcos/mesos-client in Chromium: request() answers GET_FLAGS and GET_STATE, stream() follows a task',
  async (t) => {
    const bundle = await clientBundle();
    const cluster = await liveCluster(1);
    const browser = await launchChromium();
    const prober = new Prober([{ id: 'watched', command: 'true' }]);
    const { driver, close } = liveSchedulerDriver(
      prober,
      { user: 'tester', name: 'dcos-watched' },
      { masterUrl: cluster.master.url },
    );
    try {
      const tab = await browser.newPage();
      const pageUrl = `${cluster.master.url}/dcos-client-test.html`;
      await tab.route(pageUrl, (route) => route.fulfill({ contentType: 'text/html', body: page(bundle) }));
      await tab.goto(pageUrl);

      const flags = JSON.parse(
        await tab.evaluate(() => (window as unknown as ClientWindow).call({ type: 'GET_FLAGS' })),
      );
      t.is(flags.type, 'GET_FLAGS');
      const allocation = flags.get_flags.flags.find(
        (f: { name: string }) => f.name === 'allocation_interval',
      );
      t.deepEqual(allocation, { name: 'allocation_interval', value: '100ms' });

      const state = JSON.parse(
        await tab.evaluate(() => (window as unknown as ClientWindow).call({ type: 'GET_STATE' })),
      );
      t.is(state.get_state.get_agents.agents.length, 1);

      // A bad call reaches the client as its error, with Mesos's status and message.
      const refused = await tab.evaluate(() =>
        (window as unknown as ClientWindow).call({ type: 'NO_SUCH_CALL' }).then(
          () => 'answered',
          (e: Error) => e.message,
        ),
      );
      t.is(JSON.parse(refused).code, 400);

      await tab.evaluate(() => (window as unknown as ClientWindow).subscribeOperator());
      const events = () => tab.evaluate(() => (window as unknown as ClientWindow).events);
      await eventually(async () => (await events()).length >= 1, 10_000, 'SUBSCRIBED in the browser');
      const [subscribed] = await events();
      t.is(subscribed?.type, 'SUBSCRIBED');

      driver.start();
      await eventually(() => prober.state('watched') === 'TASK_FINISHED', 15_000, 'the task to finish');
      await eventually(
        async () =>
          (await events()).some(
            (e) =>
              e.type === 'TASK_UPDATED' && (e.task_updated as { state: string }).state === 'TASK_FINISHED',
          ),
        10_000,
        'TASK_UPDATED (TASK_FINISHED) in the browser',
      );
      const seen = (await events()).map((e) => e.type);
      t.true(seen.includes('FRAMEWORK_ADDED'), seen.join(' '));
      t.true(seen.includes('TASK_ADDED'), seen.join(' '));
      const added = (await events()).find((e) => e.type === 'TASK_ADDED')?.task_added as
        | { task: { name: string } }
        | undefined;
      t.is(added?.task.name, 'watched');
      t.is(await tab.evaluate(() => (window as unknown as ClientWindow).streamError), null);
    } finally {
      await browser.close();
      driver.stop();
      await close();
      await cluster.close();
    }
  },
);
