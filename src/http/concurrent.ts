/**
 * Pulls several async iterators at once (at most `concurrency` started) and yields their items
 * in arrival order. Each running source is one item ahead at most, so nothing piles up; the
 * first error stops everything, and an early stop closes the sources.
 */
export async function* mergeConcurrent<T>(
  sources: ReadonlyArray<() => AsyncIterator<T>>,
  concurrency: number,
): AsyncGenerator<T> {
  type Step = { index: number; result: IteratorResult<T> };
  const running = new Map<number, { iterator: AsyncIterator<T>; next: Promise<Step> }>();
  const pull = (index: number, iterator: AsyncIterator<T>) => {
    const next = iterator.next().then((result) => ({ index, result }));
    // Marked handled now: a source may fail while the consumer is busy; the race rethrows it.
    next.catch(() => {});
    running.set(index, { iterator, next });
  };
  let started = 0;
  const startMore = () => {
    while (running.size < concurrency && started < sources.length) {
      const index = started++;
      pull(index, sources[index]!());
    }
  };
  try {
    startMore();
    while (running.size > 0) {
      const { index, result } = await Promise.race([...running.values()].map((r) => r.next));
      if (result.done) {
        running.delete(index);
        startMore();
        continue;
      }
      pull(index, running.get(index)!.iterator);
      yield result.value;
    }
  } finally {
    for (const { iterator, next } of running.values())
      void next.then(() => iterator.return?.()).catch(() => {});
  }
}
