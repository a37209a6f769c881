/**
 * A framework's queue of tasks waiting to be launched, kept as batches (one per submission of a
 * job) rather than one entry per task, so a job of 10,000 tasks costs one entry. Batches are
 * served first come, first served; the offer loop may look past the first few batches when they
 * do not fit an offer (see {@link PendingTasks.scan}), as schedulers such as Spark's and
 * Marathon's look at several waiting tasks per offer rather than only the head of their queue.
 */

/** One submission of a job: `remaining` tasks of it still wait. */
export interface PendingBatch<J> {
  readonly job: J;
  readonly submittedAtMs: number;
  remaining: number;
}

/** FIFO batches of waiting tasks. */
export class PendingTasks<J> {
  #batches: PendingBatch<J>[] = [];
  #head = 0;
  #tasks = 0;
  /** Empty batches still in the array at or after the head. */
  #emptied = 0;

  /** Tasks waiting, over all batches. */
  get size(): number {
    return this.#tasks;
  }

  /** Adds a batch of `count` tasks of `job` submitted at `atMs`. */
  push(job: J, count: number, atMs: number): void {
    if (!(Number.isInteger(count) && count > 0)) {
      throw new RangeError(`a batch needs a positive whole number of tasks, got ${count}`);
    }
    this.#batches.push({ job, submittedAtMs: atMs, remaining: count });
    this.#tasks += count;
  }

  /**
   * Calls `visit` on up to `limit` waiting batches, oldest first, until it returns false. `visit`
   * may take tasks from a batch with {@link take}; emptied batches are dropped afterwards.
   */
  scan(limit: number, visit: (batch: PendingBatch<J>) => boolean): void {
    let visited = 0;
    for (let i = this.#head; i < this.#batches.length && visited < limit; i++) {
      const batch = this.#batches[i] as PendingBatch<J>;
      if (batch.remaining === 0) continue;
      visited++;
      if (!visit(batch)) break;
    }
    this.#compact();
  }

  /** Takes one task out of `batch` (which must still have one). */
  take(batch: PendingBatch<J>): void {
    if (batch.remaining <= 0) throw new Error('assertion failed: took a task from an empty batch');
    batch.remaining--;
    this.#tasks--;
    if (batch.remaining === 0) this.#emptied++;
  }

  /**
   * Drops empty batches at the head at once, and those further in (emptied while an older batch
   * did not fit) once they are many, so a scan never walks far over empty entries.
   */
  #compact(): void {
    while (
      this.#head < this.#batches.length &&
      (this.#batches[this.#head] as PendingBatch<J>).remaining === 0
    ) {
      this.#head++;
      this.#emptied--;
    }
    if (this.#emptied > 64 || (this.#head > 1024 && this.#head * 2 > this.#batches.length)) {
      this.#batches = this.#batches.slice(this.#head).filter((b) => b.remaining > 0);
      this.#head = 0;
      this.#emptied = 0;
    }
  }
}
