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
