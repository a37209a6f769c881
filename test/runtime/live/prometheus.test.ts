/**
 * `/metrics` in Prometheus's text format (prometheus.ts), read back with a third-party parser
 * (parse-prometheus-text-format): every sample parses, every name and label is legal in
 * Prometheus, and every value is the one `/metrics/snapshot` gives under the Mesos name.
 */
import test from 'ava';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { prometheusName, prometheusText } from '../../../src/runtime/live/prometheus.js';
import { liveCluster } from './harness.js';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/u;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/u;

/** Series key → value of an exposition, read by the parser; throws on anything illegal. */
function readExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const families = parsePrometheusTextFormat(text);
  for (const family of families) {
    if (!METRIC_NAME.test(family.name)) throw new Error(`illegal metric name ${family.name}`);
    for (const sample of family.metrics) {
      const labels = Object.entries(sample.labels ?? {});
      for (const [name] of labels) if (!LABEL_NAME.test(name)) throw new Error(`illegal label ${name}`);
      const key = `${family.name}${labels.map(([k, v]) => `{${k}=${v}}`).join('')}`;
      if (samples.has(key)) throw new Error(`series ${key} twice`);
      const value =
        sample.value === '+Inf'
          ? Number.POSITIVE_INFINITY
          : sample.value === '-Inf'
            ? Number.NEGATIVE_INFINITY
            : Number(sample.value);
      if (Number.isNaN(value) && sample.value !== 'NaN') throw new Error(`unreadable value ${sample.value}`);
      samples.set(key, value);
    }
  }
  if (samples.size !== lines.length) throw new Error(`${lines.length} sample lines, ${samples.size} parsed`);
  return samples;
}

/** The series key a Mesos metric name becomes. */
function keyOf(mesosName: string): string {
  const { name, labels } = prometheusName(mesosName);
  return `${name}${Object.entries(labels)
    .map(([k, v]) => `{${k}=${v}}`)
    .join('')}`;
}

/** What differs between the exposition and the snapshot (values of `moving` names only present). */
function sameValues(
  snapshot: Record<string, number>,
  exposed: Map<string, number>,
  moving: (name: string) => boolean,
): string[] {
  const problems: string[] = [];
  for (const [name, value] of Object.entries(snapshot)) {
    const got = exposed.get(keyOf(name));
    if (got === undefined) problems.push(`${name} missing`);
    else if (!moving(name) && got !== value) problems.push(`${name}: ${got} ≠ ${value}`);
  }
  if (exposed.size !== Object.keys(snapshot).length)
    problems.push(`${exposed.size} series, ${Object.keys(snapshot).length} metrics`);
  return problems;
}

test('names map as mesos_exporter does; roles become a label; values survive the round trip', (t) => {
  t.deepEqual(prometheusName('master/cpus_total'), { name: 'mesos_master_cpus_total', labels: {} });
  t.deepEqual(prometheusName('allocator/mesos/allocation_run_ms/p99'), {
    name: 'mesos_allocator_mesos_allocation_run_ms_p99',
    labels: {},
  });
  t.deepEqual(prometheusName('allocator/mesos/roles/eng/web-1.x/shares/dominant'), {
    name: 'mesos_allocator_mesos_roles_shares_dominant',
    labels: { role: 'eng/web-1.x' },
  });
  const snapshot = {
    'master/cpus_total': 4,
    'master/cpus_percent': 0.025,
    'allocator/mesos/roles/eng/web-1.x/shares/dominant': 1e-7,
    'allocator/mesos/roles/a"b\\c/shares/dominant': 0.5,
    'allocator/mesos/roles/*/shares/dominant': 0,
    'system/mem_total_bytes': 25_276_194_816,
    'master/weird.name-x': Number.POSITIVE_INFINITY,
  };
  const exposed = readExposition(prometheusText(snapshot));
  t.deepEqual(
    sameValues(snapshot, exposed, () => false),
    [],
  );
  t.is(exposed.get('mesos_allocator_mesos_roles_shares_dominant{role=a"b\\c}'), 0.5, 'a label value escaped');
});

test('the checks catch an illegal exposition (a planted name with a slash, a duplicate series)', (t) => {
  t.throws(() => readExposition('# TYPE mesos_master/cpus gauge\nmesos_master/cpus 1\n'));
  t.throws(() => readExposition('a 1\na 2\n'), { message: /twice|2 sample lines, 1 parsed/u });
});

test('the live master and agent expose /metrics that parse and equal /metrics/snapshot', async (t) => {
  const cluster = await liveCluster(1);
  try {
    const agentUrl = `http://127.0.0.1:${cluster.agents[0]?.port}`;
    for (const base of [cluster.master.url, agentUrl]) {
      const snapshot = async () =>
        (await (await fetch(`${base}/metrics/snapshot`)).json()) as Record<string, number>;
      // Read between two snapshots: a figure that is the same in both cannot have changed
      // meanwhile, so /metrics must show exactly it; one that moved (time, load, a message in
      // flight) is only checked to be there.
      const before = await snapshot();
      const res = await fetch(`${base}/metrics`);
      const text = await res.text();
      const after = await snapshot();
      t.is(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
      const exposed = readExposition(text);
      const moved = new Set(Object.keys(after).filter((name) => after[name] !== before[name]));
      t.deepEqual(
        sameValues(before, exposed, (name) => moved.has(name)),
        [],
        base,
      );
      t.true(moved.size < 20, `${base}: ${[...moved].join(', ')} moved`);
      t.true(exposed.size > 40, `${base}: ${exposed.size} series`);
    }
  } finally {
    await cluster.close();
  }
});
