/**
 * Time-averaged cluster utilisation per scalar resource: what tasks use, over what the active
 * agents offer, each integrated over time. Both are tracked as step functions, so the result is
 * Σ(used · dt) / Σ(total · dt), not an average of instantaneous ratios (which would weigh a
 * moment with few agents as much as a moment with many).
 */
import type { Quantities } from '../allocator/sorter.js';
import { TimeWeightedMean } from './time-weighted.js';

/** Utilisation per resource name, 0–1. */
export type UtilizationByResource = Readonly<Record<string, number>>;

/** Accumulates used and total quantities (milli-units) over time. */
export class UtilizationTracker {
  private readonly used = new Map<string, TimeWeightedMean>();
  private readonly total = new Map<string, TimeWeightedMean>();
  private readonly usedNow = new Map<string, number>();
  private readonly totalNow = new Map<string, number>();

  /** Resources came into use (a task started) or left it (negative sign). */
  changeUsed(atMs: number, quantities: Quantities, sign: 1 | -1): void {
    this.apply(atMs, quantities, sign, this.usedNow, this.used);
  }

  /** Capacity joined (an agent registered) or left (negative sign). */
  changeTotal(atMs: number, quantities: Quantities, sign: 1 | -1): void {
    this.apply(atMs, quantities, sign, this.totalNow, this.total);
  }

  /** Utilisation per resource over [`fromMs`, `untilMs`], for every resource that had capacity. */
  result(fromMs: number, untilMs: number): UtilizationByResource {
    const out: Record<string, number> = {};
    for (const name of [...this.total.keys()].sort()) {
      const total = (this.total.get(name) as TimeWeightedMean).mean(untilMs, fromMs);
      const used = this.used.get(name)?.mean(untilMs, fromMs) ?? 0;
      out[name] = total > 0 ? Math.min(1, used / total) : 0;
    }
    return out;
  }

  private apply(
    atMs: number,
    quantities: Quantities,
    sign: 1 | -1,
    now: Map<string, number>,
    series: Map<string, TimeWeightedMean>,
  ): void {
    for (const [name, milli] of quantities) {
      const next = (now.get(name) ?? 0) + sign * milli;
      if (next < 0) throw new RangeError(`${name} would go below zero (${next} milli-units)`);
      now.set(name, next);
      let s = series.get(name);
      if (s === undefined) {
        s = new TimeWeightedMean();
        series.set(name, s);
      }
      s.set(atMs, next);
    }
  }
}
