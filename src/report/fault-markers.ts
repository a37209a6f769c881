/**
 * The moments a report marks on its time charts, read from the scenario (the faults it injects
 * and the cluster's changes), so every chart shows *when* an agent crashed or a framework failed
 * over beside what it did to utilisation, shares and queues. The times are the scenario's: the
 * run injects each fault exactly then (runtime/sim/scenario-faults.ts).
 */
import type { ClusterEventSpec, FaultSpec, Scenario } from '../scenario/schema.js';
import type { ChartMarker } from './chart.js';

/** Beyond this many cluster events (a trace's machine events) they are not marked one by one. */
export const MAX_CLUSTER_MARKERS = 20;

/** A marked moment, in seconds of simulated time. */
export interface RunMarker {
  readonly atSeconds: number;
  readonly label: string;
  readonly kind: MarkerKind;
}

/** What a marker shows; each has its colour and legend entry. */
export type MarkerKind = 'fault' | 'recovery' | 'failover' | 'cluster';

const MARKER_STYLE: Readonly<Record<MarkerKind, { readonly legend: string; readonly color: string }>> = {
  fault: { legend: 'fault (crash, partition)', color: '#c0392b' },
  recovery: { legend: 'recovery (restart, heal)', color: '#27ae60' },
  failover: { legend: 'failover', color: '#8e44ad' },
  cluster: { legend: 'agent added/removed', color: '#7f8c8d' },
};

/** The scenario's marked moments up to `untilSeconds`, by time (stable). */
export function runMarkers(scenario: Scenario, untilSeconds: number): RunMarker[] {
  const markers = scenario.faults.flatMap(faultMarkers);
  if (scenario.cluster.length <= MAX_CLUSTER_MARKERS) markers.push(...scenario.cluster.map(clusterMarker));
  return markers
    .filter((m) => m.atSeconds <= untilSeconds)
    .map((m, i) => ({ m, i }))
    .sort((a, b) => a.m.atSeconds - b.m.atSeconds || a.i - b.i)
    .map(({ m }) => m);
}

/** The chart form of `markers`, with times in `unitSeconds`. */
export function chartMarkers(markers: readonly RunMarker[], unitSeconds: number): ChartMarker[] {
  return markers.map((m) => ({
    x: m.atSeconds / unitSeconds,
    label: m.label,
    kind: MARKER_STYLE[m.kind].legend,
    color: MARKER_STYLE[m.kind].color,
  }));
}

/** A fault's moments: when it strikes, and when it ends if the scenario says. */
function faultMarkers(f: FaultSpec): RunMarker[] {
  const at = f.atMs / 1000;
  const after = (ms: number | undefined, label: string, kind: MarkerKind): RunMarker[] =>
    ms === undefined ? [] : [{ atSeconds: (f.atMs + ms) / 1000, label, kind }];
  switch (f.kind) {
    case 'agent-crash':
      return [
        { atSeconds: at, label: `crash ${f.agentId}`, kind: 'fault' },
        ...after(f.restartAfterMs, `restart ${f.agentId}`, 'recovery'),
      ];
    case 'agent-restart':
      return [{ atSeconds: at, label: `restart ${f.agentId}`, kind: 'recovery' }];
    case 'network-partition':
      return [
        { atSeconds: at, label: 'partition', kind: 'fault' },
        ...after(f.durationMs, 'partition healed', 'recovery'),
      ];
    case 'framework-crash':
      return [
        { atSeconds: at, label: `crash ${f.framework}`, kind: 'fault' },
        ...after(f.failoverAfterMs, `failover ${f.framework}`, 'failover'),
      ];
    case 'master-crash':
      return [
        { atSeconds: at, label: 'master crash', kind: 'fault' },
        ...after(f.restartAfterMs, 'master failover', 'failover'),
      ];
    case 'clock-skew':
      return [{ atSeconds: at, label: `clock skew ${f.process}`, kind: 'fault' }];
  }
}

function clusterMarker(e: ClusterEventSpec): RunMarker {
  const verb = e.kind === 'agent-add' ? 'add' : e.kind === 'agent-remove' ? 'remove' : 'resize';
  return { atSeconds: e.atMs / 1000, label: `${verb} ${e.agentId}`, kind: 'cluster' };
}

/**
 * When each agent was down (crashed and not yet restarted, not started yet, or removed), as
 * [from, to) spans in seconds, from the scenario: the heatmap greys these cells out.
 */
export function agentDownSpans(scenario: Scenario, untilSeconds: number): Map<string, [number, number][]> {
  const spans = new Map<string, [number, number][]>();
  const open = new Map<string, number>();
  const down = (id: string, at: number) => {
    if (!open.has(id)) open.set(id, at);
  };
  const up = (id: string, at: number) => {
    const from = open.get(id);
    if (from === undefined) return;
    open.delete(id);
    if (at > from) spans.set(id, [...(spans.get(id) ?? []), [from, at]]);
  };
  for (const a of scenario.agents) if (a.startMs > 0) down(a.id, 0);
  const events: { atSeconds: number; apply: () => void }[] = [];
  for (const a of scenario.agents)
    if (a.startMs > 0) events.push({ atSeconds: a.startMs / 1000, apply: () => up(a.id, a.startMs / 1000) });
  for (const f of scenario.faults) {
    const at = f.atMs / 1000;
    if (f.kind === 'agent-crash') {
      events.push({ atSeconds: at, apply: () => down(f.agentId, at) });
      const restart = f.restartAfterMs;
      if (restart !== undefined) {
        const back = (f.atMs + restart) / 1000;
        events.push({ atSeconds: back, apply: () => up(f.agentId, back) });
      }
    } else if (f.kind === 'agent-restart') events.push({ atSeconds: at, apply: () => up(f.agentId, at) });
  }
  for (const e of scenario.cluster) {
    const at = e.atMs / 1000;
    if (e.kind === 'agent-remove') events.push({ atSeconds: at, apply: () => down(e.agentId, at) });
    if (e.kind === 'agent-add') events.push({ atSeconds: at, apply: () => up(e.agentId, at) });
  }
  const ordered = events.map((e, i) => ({ e, i })).sort((a, b) => a.e.atSeconds - b.e.atSeconds || a.i - b.i);
  for (const { e } of ordered) e.apply();
  for (const id of [...open.keys()]) up(id, untilSeconds);
  return spans;
}
