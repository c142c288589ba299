// An async iterable opened by its first `next`, then handing every `next` straight to what was opened.

/**
 * The samples `open` gives, opened by the first `next`: its errors surface there, as an async
 * generator's would. Once open, each `next` goes straight to the opened iterator — an async generator
 * around it (`yield*`) would make a promise and a result object per sample and level (~1 KB per
 * sample of a 214,354-question split, through two such levels). `return` closes what was opened.
 */
export function openOnFirstNext<T>(open: () => Promise<AsyncIterable<T>>): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      let inner: AsyncIterator<T> | undefined;
      let opening: Promise<AsyncIterator<T>> | undefined;
      const opened = () => (opening ??= open().then((iterable) => (inner = iterable[Symbol.asyncIterator]())));
      return {
        next: () => (inner ? inner.next() : opened().then((iterator) => iterator.next())),
        return: async (value?: unknown) => {
          // Not opened yet: nothing to close (as a generator that never started).
          const iterator = inner ?? (opening ? await opening.catch(() => undefined) : undefined);
          return iterator?.return ? iterator.return(value) : { done: true as const, value: value as T };
        },
      };
    },
  };
}
