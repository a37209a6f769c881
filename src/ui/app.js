// The Agora web UI: one page over a live master (frames pushed as server-sent events from
// GET /events) or over a recorded simulated run (frames fetched as the replay's clock moves).
// A frame is the master's own read-only JSON: /master/state, /metrics/snapshot, /quota, /weights.
import { COLORS, drawLines } from './charts.js';

/** How much history the live charts keep, in seconds. */
const LIVE_WINDOW_SECONDS = 300;
/** The tasks table shows at most this many rows (the count above it is the whole). */
const MAX_TASK_ROWS = 100;
const TERMINAL = new Set([
  'TASK_FINISHED',
  'TASK_FAILED',
  'TASK_KILLED',
  'TASK_LOST',
  'TASK_ERROR',
  'TASK_DROPPED',
  'TASK_GONE',
  'TASK_GONE_BY_OPERATOR',
]);

const $ = (id) => document.getElementById(id);

function node(tag, text, className) {
  const n = document.createElement(tag);
  if (text !== undefined) n.textContent = text;
  if (className !== undefined) n.className = className;
  return n;
}

const pct = (x) => `${(x * 100).toFixed(x > 0 && x < 0.1 ? 1 : 0)}%`;
const share = (x) => x.toFixed(3);
function amount(name, v) {
  if (typeof v !== 'number') return String(v ?? '');
  if (name === 'mem' || name === 'disk') {
    if (v >= 10 * 1024) return `${Math.round(v / 1024)} GB`;
    return v >= 1024 ? `${(v / 1024).toFixed(1)} GB` : `${Math.round(v)} MB`;
  }
  return Number.isInteger(v) ? String(v) : v.toFixed(2);
}
function resourcesText(r) {
  return (
    Object.entries(r ?? {})
      .filter(([, v]) => typeof v === 'number')
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => `${k} ${amount(k, v)}`)
      .join(', ') || '—'
  );
}

/** Scalar resource names of the cluster, cpus and mem first. */
function scalarNames(state) {
  const names = new Set();
  for (const a of state.slaves)
    for (const [k, v] of Object.entries(a.resources)) if (typeof v === 'number') names.add(k);
  const rank = (n) => {
    const i = ['cpus', 'mem', 'disk', 'gpus'].indexOf(n);
    return i === -1 ? 99 : i;
  };
  return [...names].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function sumOver(items, key, names) {
  const out = Object.fromEntries(names.map((n) => [n, 0]));
  for (const item of items)
    for (const n of names) if (typeof item[key][n] === 'number') out[n] += item[key][n];
  return out;
}

/** What the tables and charts need from a frame. */
function summarise(frame) {
  const state = frame.state;
  const names = scalarNames(state);
  const total = sumOver(state.slaves, 'resources', names);
  const used = sumOver(state.slaves, 'used_resources', names);
  const offered = sumOver(state.slaves, 'offered_resources', names);
  // Mesos's `reserved_resources` is role → resources; the overview sums every role's.
  const reserved = sumOver(
    state.slaves.flatMap((a) => Object.values(a.reserved_resources ?? {})).map((r) => ({ r })),
    'r',
    names,
  );
  const weights = new Map(frame.weights.map((w) => [w.role, w.weight]));
  const dominant = (r) =>
    Math.max(0, ...names.filter((n) => total[n] > 0).map((n) => (r[n] ?? 0) / total[n]));
  const weightOf = (f) => Math.min(...f.roles.map((r) => weights.get(r) ?? 1));
  // Fair share: a framework's weight over the sum of the weights of every registered framework
  // (connected or not, busy or idle): the dominant share DRF would give it if all wanted more.
  const weightSum = state.frameworks.reduce((sum, f) => sum + weightOf(f), 0);
  const frameworks = state.frameworks.map((f) => {
    const weight = weightOf(f);
    const ds = dominant(f.used_resources);
    const fair = weight / weightSum;
    return { f, weight, share: ds, weighted: ds / weight, fair, ofFair: ds / fair };
  });
  const tasks = [];
  const frameworkName = new Map();
  for (const f of [...state.frameworks, ...state.completed_frameworks]) {
    frameworkName.set(f.id, f.name);
    for (const t of [...f.tasks, ...f.unreachable_tasks, ...f.completed_tasks]) tasks.push(t);
  }
  const byState = {};
  for (const t of tasks) byState[t.state] = (byState[t.state] ?? 0) + 1;
  return {
    state,
    names,
    total,
    used,
    offered,
    reserved,
    weights,
    frameworks,
    tasks,
    frameworkName,
    byState,
    dominant,
  };
}

// ---------------------------------------------------------------- rendering

function card(label, value, detail) {
  const c = node('div', undefined, 'card');
  c.append(node('div', label, 'label'), node('div', value, 'value'));
  if (detail) c.append(node('div', detail, 'detail'));
  return c;
}

function renderOverview(s, frame) {
  const st = s.state;
  const cards = [];
  cards.push(
    card(
      'Agents',
      String(st.activated_slaves),
      `active; ${st.deactivated_slaves} inactive, ${st.unreachable_slaves} unreachable`,
    ),
  );
  const active = st.frameworks.filter((f) => f.active).length;
  cards.push(
    card(
      'Frameworks',
      String(st.frameworks.length),
      `${active} active, ${st.completed_frameworks.length} completed`,
    ),
  );
  const states = Object.entries(s.byState)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k.replace('TASK_', '').toLowerCase()} ${n}`)
    .join(', ');
  cards.push(card('Tasks running', String(s.byState.TASK_RUNNING ?? 0), states || 'no tasks'));
  for (const n of s.names) {
    const t = s.total[n];
    cards.push(
      card(
        n,
        `${amount(n, s.used[n])} / ${amount(n, t)}`,
        t > 0
          ? `used ${pct(s.used[n] / t)}, offered ${pct(s.offered[n] / t)}, idle ${pct(Math.max(0, t - s.used[n] - s.offered[n]) / t)}; reserved ${amount(n, s.reserved[n])}`
          : 'none',
      ),
    );
  }
  const c = st.counters;
  const interval = c.lastCycle === undefined ? undefined : (c.currentCycle.atMs - c.lastCycle.atMs) / 1000;
  cards.push(
    card(
      'Allocation runs',
      String(c.allocationRuns),
      interval === undefined
        ? 'no cycle completed yet'
        : `the last two ${interval.toFixed(2)} s apart; ${c.currentCycle.offersMade} offers made by the latest`,
    ),
  );
  const m = frame.metrics;
  // Measured by the live master around each run (allocation-timing.ts); a simulation has no
  // wall-clock cost to show.
  const runMs = m['allocator/mesos/allocation_run_ms'];
  cards.push(
    card(
      'Allocation run time',
      runMs === undefined ? '—' : `${runMs.toFixed(runMs < 10 ? 2 : 0)} ms`,
      runMs === undefined
        ? 'not measured (a simulation, or no run yet)'
        : m['allocator/mesos/allocation_run_ms/count'] === undefined
          ? 'the first run (statistics from the second on, as Mesos)'
          : `the last run; mean ${m['allocator/mesos/allocation_run_ms/mean'].toFixed(2)} ms, p99 ${m['allocator/mesos/allocation_run_ms/p99'].toFixed(2)} ms, max ${m['allocator/mesos/allocation_run_ms/max'].toFixed(2)} ms over the last ${m['allocator/mesos/allocation_run_ms/count']} runs`,
    ),
  );
  cards.push(
    card(
      'Offers',
      String(m['master/offers_made'] ?? c.offersMade),
      `${m['master/offers_accepted'] ?? c.offersAccepted} accepted, ${m['master/offers_declined'] ?? c.offersDeclined} declined, ${m['master/offers_rescinded'] ?? c.offersRescinded} rescinded`,
    ),
  );
  $('overview').replaceChildren(...cards);
}

/** A right-aligned (numeric) column's header. */
const num = (text) => ({ text, num: true });
/** The share columns of the frameworks and roles tables. */
const SHARE_HEADERS = [num('dominant share'), num('share / weight')];

/** Fills `table` with a header row and `rows` ([{key, cells: [text | Node | {text, cls}]}]). */
function renderTable(table, headers, rows, empty) {
  const head = node('tr');
  for (const h of headers) head.append(node('th', h.text ?? h, h.num ? 'num' : undefined));
  const body = rows.map((r) => {
    const tr = node('tr');
    if (r.key !== undefined) tr.dataset.key = r.key;
    for (const [i, c] of r.cells.entries()) {
      const td = node('td', undefined, headers[i]?.num ? 'num' : undefined);
      if (c instanceof Node) td.append(c);
      else td.textContent = String(c ?? '');
      tr.append(td);
    }
    return tr;
  });
  if (rows.length === 0) {
    const tr = node('tr');
    const td = node('td', empty, 'empty');
    td.colSpan = headers.length;
    tr.append(td);
    body.push(tr);
  }
  const thead = node('thead');
  thead.append(head);
  const tbody = node('tbody');
  tbody.append(...body);
  table.replaceChildren(thead, tbody);
}

function pidHost(pid) {
  return pid?.includes('@') ? pid.slice(pid.indexOf('@') + 1) : undefined;
}

function renderAgents(s) {
  const rows = s.state.slaves.map((a) => ({
    key: a.id,
    cells: [
      a.hostname,
      pidHost(a.pid) ?? a.pid,
      a.active ? (a.connected ? 'active' : 'disconnected') : 'inactive',
      resourcesText(a.resources),
      resourcesText(a.used_resources),
      resourcesText(a.offered_resources),
      a.id,
    ],
  }));
  renderTable(
    $('agents'),
    ['host', 'address', 'status', 'total', 'used', 'offered', 'id'],
    rows,
    'no agents registered',
  );
  $('agents-count').textContent = String(s.state.slaves.length);
}

function renderFrameworks(s) {
  const rows = s.frameworks.map(({ f, weight, share: ds, weighted, fair, ofFair }) => ({
    key: f.id,
    cells: [
      f.name,
      f.roles.join(', '),
      weight,
      f.active ? (f.connected ? 'active' : 'disconnected') : 'inactive',
      f.tasks.filter((t) => t.state === 'TASK_RUNNING').length,
      resourcesText(f.used_resources),
      resourcesText(f.offered_resources),
      share(ds),
      share(weighted),
      share(fair),
      share(ofFair),
      f.offers_made ?? '—',
      f.offers_declined ?? '—',
      f.id,
    ],
  }));
  renderTable(
    $('frameworks'),
    [
      'name',
      'roles',
      num('weight'),
      'status',
      num('running'),
      'used',
      'offered',
      ...SHARE_HEADERS,
      num('fair share'),
      num('share / fair share'),
      num('offers made'),
      num('declined'),
      'id',
    ],
    rows,
    'no frameworks registered',
  );
  $('frameworks-count').textContent = String(s.frameworks.length);
}

function renderRoles(s, frame) {
  const roles = new Map();
  const role = (name) => {
    if (!roles.has(name)) roles.set(name, { frameworks: 0, used: {}, quota: undefined });
    return roles.get(name);
  };
  for (const f of s.state.frameworks) for (const r of f.roles) role(r).frameworks++;
  for (const t of s.tasks) {
    if (TERMINAL.has(t.state) || t.state === 'TASK_UNREACHABLE') continue;
    const used = role(t.role).used;
    for (const [k, v] of Object.entries(t.resources)) if (typeof v === 'number') used[k] = (used[k] ?? 0) + v;
  }
  for (const w of frame.weights) role(w.role);
  for (const q of frame.quota?.configs ?? []) role(q.role).quota = q.limits;
  const rows = [...roles.entries()]
    .sort((a, b) => a[0].localeCompare(b[0]))
    .map(([name, r]) => {
      const weight = s.weights.get(name) ?? 1;
      const ds = s.dominant(r.used);
      const quota =
        r.quota === undefined
          ? 'none'
          : Object.entries(r.quota)
              .map(([k, v]) => `${k} ${amount(k, v.value)}`)
              .join(', ');
      return {
        key: name,
        cells: [name, weight, r.frameworks, resourcesText(r.used), share(ds), share(ds / weight), quota],
      };
    });
  renderTable(
    $('roles'),
    ['role', num('weight'), num('frameworks'), 'used', ...SHARE_HEADERS, 'quota (limits)'],
    rows,
    'no roles yet',
  );
  $('roles-count').textContent = String(rows.length);
}

function taskTimes(t) {
  const first = t.statuses[0]?.timestamp;
  const last = t.statuses.at(-1)?.timestamp;
  return { first, last };
}

function sandboxLinks(t, agent) {
  const host = pidHost(agent?.pid);
  if (!view.live || host === undefined) return node('span', '—', 'muted');
  const executor = t.executor_id === '' ? t.id : t.executor_id;
  const span = node('span');
  for (const file of ['stdout', 'stderr']) {
    const a = node('a', file);
    const path = `/frameworks/${t.framework_id}/executors/${executor}/runs/latest/${file}`;
    a.href = `${location.protocol}//${host}/files/download?path=${encodeURIComponent(path)}`;
    a.target = '_blank';
    a.rel = 'noopener';
    a.className = `sandbox-${file}`;
    span.append(a, ' ');
  }
  return span;
}

function renderTasks(s) {
  const agents = new Map(s.state.slaves.map((a) => [a.id, a]));
  const sorted = [...s.tasks].sort((a, b) => {
    const live = Number(TERMINAL.has(a.state)) - Number(TERMINAL.has(b.state));
    return live || (taskTimes(b).last ?? 0) - (taskTimes(a).last ?? 0) || a.id.localeCompare(b.id);
  });
  const rows = sorted.slice(0, MAX_TASK_ROWS).map((t) => {
    const agent = agents.get(t.slave_id);
    const { first, last } = taskTimes(t);
    return {
      key: `${t.framework_id}/${t.id}`,
      cells: [
        t.id,
        s.frameworkName.get(t.framework_id) ?? t.framework_id,
        node('span', t.state.replace('TASK_', ''), `state ${t.state}`),
        agent?.hostname ?? t.slave_id,
        resourcesText(t.resources),
        first === undefined ? '' : view.formatTime(first),
        last === undefined ? '' : view.formatTime(last),
        sandboxLinks(t, agent),
      ],
    };
  });
  renderTable(
    $('tasks'),
    ['task', 'framework', 'state', 'agent', 'resources', 'first update', 'last update', 'sandbox'],
    rows,
    'no tasks',
  );
  for (const [i, tr] of [...$('tasks').querySelectorAll('tbody tr')].entries()) {
    const t = sorted[i];
    if (t !== undefined) {
      tr.dataset.taskId = t.id;
      tr.dataset.state = t.state;
    }
  }
  $('tasks-count').textContent = String(s.tasks.length);
  $('tasks-note').textContent =
    s.tasks.length > MAX_TASK_ROWS
      ? `Showing the ${MAX_TASK_ROWS} most recent of ${s.tasks.length} (live tasks first; the master keeps a bounded number of completed ones).`
      : view.live
        ? 'Sandbox links open the task’s stdout and stderr from its agent (/files/download).'
        : 'A replay has no sandboxes: its tasks ran in the simulator.';
}

function renderFrame(frame) {
  document.body.dataset.frameAt = String(frame.at_ms);
  // While the master is down, what the page showed before stays, greyed, under the badge.
  $('down').hidden = frame.state !== null;
  document.querySelector('main').classList.toggle('stale', frame.state === null);
  if (frame.state === null) return;
  const s = summarise(frame);
  renderOverview(s, frame);
  renderAgents(s);
  renderFrameworks(s);
  renderRoles(s, frame);
  renderTasks(s);
  return s;
}

/** Draws the utilisation and share charts, each from `[[name, points]]`, over `common` axes. */
function drawBothCharts(common, utilisation, shares) {
  const lines = (named) =>
    named.map(([name, points], i) => ({ name, color: COLORS[i % COLORS.length], points }));
  drawLines($('chart-utilisation'), { ...common, lines: lines(utilisation) });
  drawLines($('chart-shares'), { ...common, lines: lines(shares) });
}

// ---------------------------------------------------------------- live

const view = { live: true, formatTime: (seconds) => new Date(seconds * 1000).toLocaleTimeString() };

function startLive() {
  $('mode').textContent = 'live master';
  const history = [];
  let last;
  let receivedAt = 0;
  const drawCharts = () => {
    if (last === undefined) return;
    const now = last.at_ms / 1000 + (Date.now() - receivedAt) / 1000;
    while (history.length > 1 && history[1].t < now - LIVE_WINDOW_SECONDS) history.shift();
    const xMin = Math.max(history[0]?.t ?? now, now - LIVE_WINDOW_SECONDS);
    // At least a minute wide, so the first seconds do not stretch across the chart.
    const xMax = Math.max(now, xMin + 60);
    const names = [...new Set(history.flatMap((p) => Object.keys(p.util)))];
    const frameworks = [...new Set(history.flatMap((p) => Object.keys(p.shares)))];
    const extend = (points) => (points.length === 0 ? points : [...points, [now, points.at(-1)[1]]]);
    const common = {
      xMin,
      xMax,
      now,
      yMax: 1,
      formatX: (t) => view.formatTime(t),
      formatY: pct,
    };
    drawBothCharts(
      common,
      names.map((n) => [n, extend(history.filter((p) => n in p.util).map((p) => [p.t, p.util[n]]))]),
      frameworks.map((n) => [n, extend(history.filter((p) => n in p.shares).map((p) => [p.t, p.shares[n]]))]),
    );
  };
  const source = new EventSource('/events');
  source.addEventListener('open', () => {
    $('status').textContent = 'connected: updates are pushed as they happen';
  });
  source.addEventListener('error', () => {
    $('status').textContent = 'connection lost: reconnecting…';
  });
  source.addEventListener('frame', (e) => {
    const frame = JSON.parse(e.data);
    last = frame;
    receivedAt = Date.now();
    $('clock').textContent = view.formatTime(frame.at_ms / 1000);
    const s = renderFrame(frame);
    if (s === undefined) return;
    const util = {};
    for (const n of s.names) if (s.total[n] > 0) util[n] = s.used[n] / s.total[n];
    const shares = {};
    for (const f of s.frameworks) shares[f.f.name] = f.share;
    history.push({ t: frame.at_ms / 1000, util, shares });
    drawCharts();
  });
  // Redrawn locally so the time axis moves on between pushes (no request is made).
  setInterval(drawCharts, 1000);
}

// ---------------------------------------------------------------- replay

async function getJson(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.json();
}

function startReplay(config) {
  view.live = false;
  view.formatTime = (seconds) => `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
  $('mode').textContent = `replay of ${config.scenario} (seed ${config.seed}, ${config.policy})`;
  $('replay').hidden = false;
  const slider = $('slider');
  const times = config.frames;
  slider.max = String(times.length - 1);
  const untilSeconds = config.untilSeconds;
  const kindColor = { fault: '#c0392b', recovery: '#27ae60', failover: '#8e44ad', cluster: '#7f8c8d' };
  const markers = config.markers.map((m) => ({
    x: m.atSeconds,
    color: kindColor[m.kind] ?? '#7f8c8d',
    label: m.label,
  }));
  $('markers').replaceChildren(
    ...config.markers.map((m) => {
      const tick = node('span');
      tick.style.left = `${(m.atSeconds / untilSeconds) * 100}%`;
      tick.style.background = kindColor[m.kind] ?? '#7f8c8d';
      tick.title = `${m.atSeconds} s: ${m.label}`;
      return tick;
    }),
  );
  const indexAt = (ms) => {
    let i = 0;
    while (i + 1 < times.length && times[i + 1] <= ms) i++;
    return i;
  };
  $('faults').replaceChildren(
    ...(config.markers.length === 0
      ? [node('span', 'No faults in this scenario.', 'muted')]
      : [node('span', 'Jump to:', 'muted')]),
    ...config.markers.map((m) => {
      const b = node('button', `${m.atSeconds} s ${m.label}`);
      b.type = 'button';
      b.style.borderColor = kindColor[m.kind] ?? '#7f8c8d';
      // The first frame at or after the fault, so its effect shows.
      b.addEventListener('click', () =>
        show(Math.min(times.length - 1, indexAt(m.atSeconds * 1000 - 1) + 1)),
      );
      return b;
    }),
  );
  let series;
  let current = -1;
  let wanted = 0;
  const drawCharts = (nowS) => {
    if (series === undefined) return;
    const bin = series.binSeconds;
    const upTo = (values) => values.map((v, k) => [k * bin, v]).filter(([t]) => t <= nowS);
    const common = {
      xMin: 0,
      xMax: untilSeconds,
      yMax: 1,
      markers,
      now: nowS,
      formatX: (t) => `${Math.round(t)} s`,
      formatY: pct,
    };
    drawBothCharts(
      common,
      Object.entries(series.utilization).map(([n, v]) => [n, upTo(v)]),
      Object.entries(series.frameworks).map(([n, f]) => [n, upTo(f.dominantShare)]),
    );
  };
  async function show(i) {
    wanted = i;
    slider.value = String(i);
    $('replay-time').textContent = `${view.formatTime(times[i] / 1000)} of ${untilSeconds} s`;
    const frame = await getJson(`/replay/frame?i=${i}`);
    if (wanted !== i) return; // a later move won
    current = i;
    $('clock').textContent = `t = ${view.formatTime(frame.at_ms / 1000)}`;
    renderFrame(frame);
    drawCharts(frame.at_ms / 1000);
  }
  slider.addEventListener('input', () => {
    pause();
    show(Number(slider.value));
  });
  let timer;
  let simMs = 0;
  const play = () => {
    if (current >= times.length - 1) show(0);
    simMs = times[Math.max(current, 0)];
    $('play').textContent = '❚❚ Pause';
    let lastTick = performance.now();
    timer = setInterval(() => {
      const tick = performance.now();
      simMs += (tick - lastTick) * Number($('speed').value);
      lastTick = tick;
      const i = indexAt(simMs);
      if (i !== wanted) show(i);
      if (i >= times.length - 1) pause();
    }, 100);
  };
  const pause = () => {
    clearInterval(timer);
    timer = undefined;
    $('play').textContent = '▶ Play';
  };
  $('play').addEventListener('click', () => (timer === undefined ? play() : pause()));
  getJson('/replay/series').then((s) => {
    series = s;
    drawCharts(times[Math.max(current, 0)] / 1000);
  });
  show(0);
}

const config = await getJson('/ui/config.json');
if (config.mode === 'replay') startReplay(config);
else startLive();
