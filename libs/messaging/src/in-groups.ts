/**
 * Runs `work` for each item, items with the same key one after another in their order, items of
 * different keys side by side (at most `concurrency` keys at once). For a batch handler whose
 * events only need order within a ticket (or a department): one slow command no longer holds up
 * the unrelated ones behind it. Rejects with the first failure, once every started key is done.
 */
export async function inGroups<T>(items: readonly T[], keyOf: (item: T) => string, concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  const queue = [...groups.values()];
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let group = queue.shift(); group && !failure; group = queue.shift()) {
      try {
        for (const item of group) await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, worker));
  if (failure) throw failure.error;
}
