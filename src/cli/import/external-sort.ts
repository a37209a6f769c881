/**
 * Sorting more lines than memory should hold: lines are kept in memory up to a bound, then
 * sorted and written to a temporary file (a run); at the end the runs are merged, reading one
 * line of each at a time. Ties keep the order lines were added (stable), so an import's output is
 * a function of its input alone.
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

/** A line and its sort key (a number or a string; one sorter uses one kind). */
interface Item {
  readonly key: number | string;
  readonly seq: number;
  readonly line: string;
}

function compare(a: Item, b: Item): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : a.seq - b.seq;
}

/** Sorts lines by key with at most `maxInMemory` lines held at once. */
export class ExternalSorter {
  readonly #max: number;
  #buffer: Item[] = [];
  #seq = 0;
  #dir: string | undefined;
  readonly #runs: string[] = [];

  constructor(maxInMemory = 200_000) {
    this.#max = maxInMemory;
  }

  /** Runs written to disk so far. */
  get runs(): number {
    return this.#runs.length;
  }

  /** Adds a line (no newline in it). Await the result now and then: it spills when full. */
  async add(key: number | string, line: string): Promise<void> {
    this.#buffer.push({ key, seq: this.#seq++, line });
    if (this.#buffer.length >= this.#max) await this.#spill();
  }

  async #spill(): Promise<void> {
    const items = this.#buffer.sort(compare);
    this.#buffer = [];
    this.#dir ??= mkdtempSync(join(tmpdir(), 'agora-sort-'));
    const path = join(this.#dir, `run-${this.#runs.length}.txt`);
    this.#runs.push(path);
    const out = createWriteStream(path);
    for (const it of items)
      await write(out, `${typeof it.key === 'number' ? 'n' : 's'}${it.key}\t${it.seq}\t${it.line}\n`);
    out.end();
    await once(out, 'close');
  }

  /** Every line, sorted; the temporary files are removed when it ends. */
  async *sorted(): AsyncGenerator<string> {
    try {
      if (this.#runs.length === 0) {
        for (const it of this.#buffer.sort(compare)) yield it.line;
        this.#buffer = [];
        return;
      }
      if (this.#buffer.length > 0) await this.#spill();
      yield* merge(this.#runs.map(readRun));
    } finally {
      if (this.#dir !== undefined) rmSync(this.#dir, { recursive: true, force: true });
    }
  }
}

async function write(out: WriteStream, text: string): Promise<void> {
  if (!out.write(text)) await once(out, 'drain');
}

async function* readRun(path: string): AsyncGenerator<Item> {
  for await (const text of createInterface({
    input: createReadStream(path),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    const t1 = text.indexOf('\t');
    const t2 = text.indexOf('\t', t1 + 1);
    const rawKey = text.slice(1, t1);
    yield {
      key: text[0] === 'n' ? Number(rawKey) : rawKey,
      seq: Number(text.slice(t1 + 1, t2)),
      line: text.slice(t2 + 1),
    };
  }
}

/** K-way merge of sorted runs with a binary heap. */
async function* merge(runs: AsyncGenerator<Item>[]): AsyncGenerator<string> {
  const heap: { item: Item; run: number }[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (compare((heap[i] as { item: Item }).item, (heap[p] as { item: Item }).item) >= 0) return;
      [heap[i], heap[p]] = [heap[p] as { item: Item; run: number }, heap[i] as { item: Item; run: number }];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && compare((heap[l] as { item: Item }).item, (heap[m] as { item: Item }).item) < 0)
        m = l;
      if (r < heap.length && compare((heap[r] as { item: Item }).item, (heap[m] as { item: Item }).item) < 0)
        m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m] as { item: Item; run: number }, heap[i] as { item: Item; run: number }];
      i = m;
    }
  };
  for (let k = 0; k < runs.length; k++) {
    const first = await (runs[k] as AsyncGenerator<Item>).next();
    if (first.done !== true) {
      heap.push({ item: first.value, run: k });
      up(heap.length - 1);
    }
  }
  while (heap.length > 0) {
    const top = heap[0] as { item: Item; run: number };
    yield top.item.line;
    const next = await (runs[top.run] as AsyncGenerator<Item>).next();
    if (next.done === true) {
      const last = heap.pop() as { item: Item; run: number };
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    } else {
      heap[0] = { item: next.value, run: top.run };
      down(0);
    }
  }
}
