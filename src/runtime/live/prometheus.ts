/**
 * `/metrics` on the live master and agent: the `/metrics/snapshot` figures in Prometheus's text
 * exposition format (version 0.0.4), so a Prometheus server scrapes Agora without an exporter
 * beside it. Names are mapped as mesos_exporter and Prometheus's own conventions map Mesos's:
 * prefixed `mesos_`, every character a metric name may not hold (`/`, `-`, `.`) turned into `_`
 * — `master/cpus_total` is `mesos_master_cpus_total`, `allocator/mesos/allocation_run_ms/p99`
 * is `mesos_allocator_mesos_allocation_run_ms_p99`. A role is a label, not part of a name (role
 * names hold characters names may not, and two roles must not map to one series):
 * `allocator/mesos/roles/web/shares/dominant` is
 * `mesos_allocator_mesos_roles_shares_dominant{role="web"}`. Every series is a gauge: a
 * snapshot states values now, and Mesos's counters are not marked apart from its gauges.
 */

/** The content type of the text exposition format. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** One sample: a metric name, its labels, its value. */
export interface PrometheusSample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const ROLE_METRIC = /^allocator\/mesos\/roles\/(.+)\/(shares\/dominant)$/u;

/** A Mesos metric name as a Prometheus sample's name and labels (see the module comment). */
export function prometheusName(mesosName: string): { name: string; labels: Record<string, string> } {
  const role = ROLE_METRIC.exec(mesosName);
  if (role !== null) {
    return { name: legalName(`allocator/mesos/roles/${role[2]}`), labels: { role: role[1] as string } };
  }
  return { name: legalName(mesosName), labels: {} };
}

/** `mesos_` and the name with every character outside `[a-zA-Z0-9_:]` replaced by `_`. */
function legalName(mesosName: string): string {
  return `mesos_${mesosName.replace(/[^a-zA-Z0-9_:]/gu, '_')}`;
}

/** A label value escaped as the format asks: backslash, double quote and newline. */
function labelValue(value: string): string {
  return value.replace(/\\/gu, '\\\\').replace(/"/gu, '\\"').replace(/\n/gu, '\\n');
}

/** A sample value as the format writes it (Go's ParseFloat reads JavaScript's numbers). */
function sampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

/** `snapshot` in the text exposition format (see the module comment). */
export function prometheusText(snapshot: Readonly<Record<string, number>>): string {
  const byName = new Map<string, { mesos: string; samples: PrometheusSample[] }>();
  for (const [mesosName, value] of Object.entries(snapshot)) {
    const { name, labels } = prometheusName(mesosName);
    const family = byName.get(name);
    const mesos =
      Object.keys(labels).length === 0 ? mesosName : 'allocator/mesos/roles/<role>/shares/dominant';
    if (family === undefined) byName.set(name, { mesos, samples: [{ name, labels, value }] });
    else if (Object.keys(labels).length > 0) family.samples.push({ name, labels, value });
    // Two Mesos names that map to one unlabelled series (say `a/b` and `a_b`) cannot both be
    // exposed; the first is kept, as a scrape may hold a series only once.
  }
  const lines: string[] = [];
  for (const [name, { mesos, samples }] of byName) {
    lines.push(`# HELP ${name} Mesos metric ${mesos}`);
    lines.push(`# TYPE ${name} gauge`);
    for (const s of samples) {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}="${labelValue(v)}"`)
        .join(',');
      lines.push(`${name}${labels === '' ? '' : `{${labels}}`} ${sampleValue(s.value)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
