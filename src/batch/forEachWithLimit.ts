/**
 * Runs `task` over `items` with at most `limit` in flight, in order of starting.
 * @example await forEachWithLimit(objects, 4, processOne)
 */
export const forEachWithLimit = async <T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> => {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++] as T;
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
};

export interface Limits<T> {
  /** Items in flight at most. */
  readonly count: number;
  /** Summed weight in flight at most; an item heavier than this still runs, alone. */
  readonly weight: number;
  readonly weightOf: (item: T) => number;
}

/**
 * Runs `task` over `items` in order, starting the next one as soon as both limits leave room for
 * it. Rejects with the first error (what is in flight keeps running).
 * @example await forEachWithinLimits(objects, { count: 32, weight: 32 * MiB, weightOf: (o) => o.size }, processOne)
 */
export const forEachWithinLimits = <T>(items: readonly T[], limits: Limits<T>, task: (item: T) => Promise<void>): Promise<void> =>
  new Promise((resolve, reject) => {
    let next = 0;
    let running = 0;
    let weight = 0;
    const startWhatFits = (): void => {
      while (next < items.length && running < limits.count) {
        const item = items[next] as T;
        const itemWeight = limits.weightOf(item);
        if (running > 0 && weight + itemWeight > limits.weight) break;
        next++;
        running++;
        weight += itemWeight;
        task(item).then(() => {
          running--;
          weight -= itemWeight;
          startWhatFits();
        }, reject);
      }
      if (running === 0 && next === items.length) resolve();
    };
    startWhatFits();
  });
