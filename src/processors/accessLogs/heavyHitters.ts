/**
 * Space-Saving (Metwally, Agrawal, El Abbadi, 2005): the most frequent keys of a stream in
 * `capacity` counters. Any key seen more than n / capacity times is in the table; a count
 * overestimates the truth by at most its `error` (and never underestimates it). The counters sit
 * in a min-heap, so replacing the smallest is O(log capacity) and a stream is O(n log capacity),
 * whatever the number of distinct keys. Keys are cut at `maxKeyLength`, bounding memory too.
 */
export interface HeavyHitter {
  readonly key: string;
  /** Upper bound of the true count; `count - error` is a lower bound. */
  readonly count: number;
  readonly error: number;
}

interface Counter {
  key: string;
  count: number;
  error: number;
  position: number;
}

export class SpaceSaving {
  private readonly heap: Counter[] = [];
  private readonly counters = new Map<string, Counter>();

  constructor(
    readonly capacity: number,
    private readonly maxKeyLength = 512,
  ) {}

  /** @example const paths = new SpaceSaving(1000); paths.add('/index.html'); paths.top(20) */
  add(fullKey: string): void {
    const key = fullKey.length > this.maxKeyLength ? fullKey.slice(0, this.maxKeyLength) : fullKey;
    const counter = this.counters.get(key);
    if (counter !== undefined) {
      counter.count++;
      this.siftDown(counter.position);
    } else if (this.heap.length < this.capacity) {
      const added = { key, count: 1, error: 0, position: this.heap.length };
      this.heap.push(added);
      this.counters.set(key, added);
      this.siftUp(added.position);
    } else {
      // The new key takes over the smallest counter: it may have been seen that often already.
      const smallest = this.at(0);
      this.counters.delete(smallest.key);
      smallest.key = key;
      smallest.error = smallest.count;
      smallest.count++;
      this.counters.set(key, smallest);
      this.siftDown(0);
    }
  }

  /** The `n` largest counts, ties by key, so the result is deterministic. */
  top(n: number): HeavyHitter[] {
    return [...this.heap]
      .sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .slice(0, n)
      .map(({ key, count, error }) => ({ key, count, error }));
  }

  get size(): number {
    return this.heap.length;
  }

  /** Callers pass positions inside the heap; anything else is a bug here, not bad input. */
  private at(position: number): Counter {
    const counter = this.heap[position];
    if (counter === undefined) throw new Error(`space-saving: position must be below ${this.heap.length}, ${position} given`);
    return counter;
  }

  private swap(i: number, j: number): void {
    const a = this.at(i);
    const b = this.at(j);
    this.heap[i] = b;
    this.heap[j] = a;
    a.position = j;
    b.position = i;
  }

  private siftUp(start: number): void {
    for (let i = start; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (this.at(parent).count <= this.at(i).count) return;
      this.swap(i, parent);
      i = parent;
    }
  }

  /** The hot path (every line): positions are in range by construction, so no `at()` checks. */
  private siftDown(start: number): void {
    const { heap } = this;
    const { length } = heap;
    const moving = heap[start] as Counter;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let least = moving;
      let leastAt = i;
      if (left < length && (heap[left] as Counter).count < least.count) {
        least = heap[left] as Counter;
        leastAt = left;
      }
      if (right < length && (heap[right] as Counter).count < least.count) {
        least = heap[right] as Counter;
        leastAt = right;
      }
      if (leastAt === i) return;
      heap[i] = least;
      least.position = i;
      heap[leastAt] = moving;
      moving.position = leastAt;
      i = leastAt;
    }
  }
}
