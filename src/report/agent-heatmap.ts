/**
 * The per-agent utilisation heatmap: one row per agent, one column per bin, each cell the
 * agent's *dominant* utilisation in the bin (the largest, over its resources, of what tasks used
 * over what the agent has). Fragmentation reads off it directly: agents half used while tasks
 * wait (pending-tasks chart) have capacity no pending task fits in, and one resource filling
 * up first shows as dark rows while the cluster-wide utilisation of the others stays low.
 *
 * Cells of a bin the agent spent down (crashed, removed, not started; from the scenario) for
 * more than half of its length are grey. Clusters of more than {@link MAX_HEATMAP_ROWS} agents
 * cannot give each a row a reader could see, so their agents are ranked by their mean
 * utilisation over the run (busiest first) and cut into that many equal groups, each row the mean
 * of its group: the map then shows how evenly the work spread over the cluster and when.
 */
import { round3 } from '../metrics/round.js';
import type { RunSeriesData } from '../metrics/run-series.js';
import type { Scenario } from '../scenario/schema.js';
import { agentDownSpans } from './fault-markers.js';

/** The most rows a heatmap draws (about 8 px each on a chart 560 px high). */
export const MAX_HEATMAP_ROWS = 64;

/** The heatmap as `series.json` holds it. */
export interface AgentHeatmap {
  /** Row labels: agent ids, or `#a–b` (ranks, busiest first) when agents are grouped. */
  readonly rows: readonly string[];
  /** Per row, per bin: dominant utilisation 0–1, or null when down. */
  readonly values: readonly (readonly (number | null)[])[];
  /** Agents per row: 1 when every agent has its own. */
  readonly agentsPerRow: number;
  readonly agents: number;
}

/** The heatmap of a run of `scenario`, from its series. */
export function agentHeatmap(series: RunSeriesData, scenario: Scenario): AgentHeatmap {
  const bins = Object.values(series.utilization)[0]?.length ?? 0;
  const down = agentDownSpans(scenario, series.untilSeconds);
  const perAgent = scenario.agents.map((agent) => {
    const used = series.agents[agent.hostname] ?? {};
    const capacity = agent.resources.scalarQuantities();
    const spans = down.get(agent.id) ?? [];
    const values: (number | null)[] = [];
    for (let k = 0; k < bins; k++) {
      const from = k * series.binSeconds;
      const to = Math.min((k + 1) * series.binSeconds, series.untilSeconds);
      let downFor = 0;
      for (const [a, b] of spans) downFor += Math.max(0, Math.min(b, to) - Math.max(a, from));
      if (downFor > (to - from) / 2) {
        values.push(null);
        continue;
      }
      let dominant = 0;
      for (const [name, milli] of capacity) {
        const u = used[name]?.[k] ?? 0;
        if (milli > 0) dominant = Math.max(dominant, (u * 1000) / milli);
      }
      values.push(round3(Math.min(1, dominant)));
    }
    return { label: agent.id, values };
  });
  if (perAgent.length <= MAX_HEATMAP_ROWS) {
    return {
      rows: perAgent.map((a) => a.label),
      values: perAgent.map((a) => a.values),
      agentsPerRow: 1,
      agents: perAgent.length,
    };
  }
  const mean = (vs: readonly (number | null)[]) => {
    const present = vs.filter((v): v is number => v !== null);
    return present.length === 0 ? 0 : present.reduce((a, b) => a + b, 0) / present.length;
  };
  const ranked = perAgent.map((a) => ({ ...a, mean: mean(a.values) })).sort((a, b) => b.mean - a.mean);
  const per = Math.ceil(ranked.length / MAX_HEATMAP_ROWS);
  const rows: string[] = [];
  const values: (number | null)[][] = [];
  for (let start = 0; start < ranked.length; start += per) {
    const group = ranked.slice(start, start + per);
    rows.push(`#${start + 1}–${start + group.length}`);
    values.push(
      Array.from({ length: bins }, (_, k) => {
        const present = group.map((a) => a.values[k] ?? null).filter((v): v is number => v !== null);
        return present.length === 0 ? null : round3(present.reduce((a, b) => a + b, 0) / present.length);
      }),
    );
  }
  return { rows, values, agentsPerRow: per, agents: ranked.length };
}
