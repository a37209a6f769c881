/**
 * Progress of a long simulated run on stderr: simulated time done out of total, events per
 * second, the wall time left at the current pace and, when the caller gives them, tasks done and
 * the process's resident memory. It appears only on a terminal, only once
 * a run has taken about a second, and redraws one line at most four times a second; a pipe or a
 * log file never sees it.
 */
import type { Output } from './main.js';

const FIRST_AFTER_MS = 1000;
const EVERY_MS = 250;

/** Redraws a one-line progress report; silent unless `output.errIsTerminal` and not `quiet`. */
export class Progress {
  readonly #output: Output;
  readonly #enabled: boolean;
  readonly #label: string;
  readonly #now: () => number;
  readonly #startedAt: number;
  #lastAt: number;
  #drawn = false;

  /** @param now the wall clock in ms (tests pass their own) */
  constructor(output: Output, label: string, quiet: boolean, now: () => number = () => performance.now()) {
    this.#output = output;
    this.#label = label;
    this.#enabled = !quiet && output.errIsTerminal === true;
    this.#now = now;
    this.#startedAt = now();
    this.#lastAt = this.#startedAt;
  }

  /**
   * Reports that `doneMs` of `totalMs` simulated ms are done, after `events` events (a run with
   * no event queue, such as a live one, gives none and shows no rate).
   */
  update(doneMs: number, totalMs: number, events?: number, extra?: () => string): void {
    this.#draw(`${simulatedText(doneMs, totalMs)} simulated`, doneMs, totalMs, events, extra);
  }

  /** Reports that `done` of `total` items (`noun`: seeds, say) are done, after `events` events. */
  updateItems(done: number, total: number, noun: string, events?: number): void {
    this.#draw(`${done}/${total} ${noun}`, done, total, events);
  }

  #draw(
    progressText: string,
    done: number,
    total: number,
    events: number | undefined,
    extra?: () => string,
  ): void {
    if (!this.#enabled) return;
    const now = this.#now();
    const elapsedMs = now - this.#startedAt;
    if (elapsedMs < FIRST_AFTER_MS || now - this.#lastAt < EVERY_MS) return;
    this.#lastAt = now;
    const fraction = total > 0 ? done / total : 1;
    const leftS = fraction > 0 ? ((elapsedMs / fraction) * (1 - fraction)) / 1000 : Number.NaN;
    const rate = events === undefined ? '' : `, ${formatCount(events / (elapsedMs / 1000))} events/s`;
    const text =
      `${this.#label}: ${progressText} (${(fraction * 100).toFixed(1)}%)${rate}, ` +
      `~${Number.isFinite(leftS) ? leftS.toFixed(0) : '?'} s left${extra === undefined ? '' : `, ${extra()}`}`;
    this.#output.err(`\r\u001b[2K${text}`);
    this.#drawn = true;
  }

  /** Clears the line, if one was drawn. */
  done(): void {
    if (this.#drawn) this.#output.err('\r\u001b[2K');
    this.#drawn = false;
  }
}

/** `300/3600 s`, `5.0/48.0 h` or `12.3/149.3 d`, in the unit that suits the total. */
function simulatedText(doneMs: number, totalMs: number): string {
  const [unitMs, unit, digits] =
    totalMs >= 2 * 86_400_000
      ? [86_400_000, 'd', 1]
      : totalMs >= 2 * 3_600_000
        ? [3_600_000, 'h', 1]
        : [1000, 's', 0];
  return `${(doneMs / unitMs).toFixed(digits)}/${(totalMs / unitMs).toFixed(digits)} ${unit}`;
}

/** 1234567 → "1.23M". */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return n.toFixed(0);
}
