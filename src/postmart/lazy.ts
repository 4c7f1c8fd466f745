import type { Postmart } from './index.ts';

export type LazyPostmart = {
  /** The client, created on first use; throws `missing()` while no partner credentials exist. */
  get: () => Promise<Postmart>;
  /** Closes the client if one was created. Safe to call twice. */
  close: () => Promise<void>;
};

/**
 * The Postmart client made on first use and shared after, for the API and the worker alike. While
 * no partner credentials exist (the start-up seed has not finished, the environment is unset) each
 * call tries again and throws the caller's error: the API answers 503, a job retries.
 */
export function lazyPostmart(create: () => Promise<Postmart | null>, missing: () => Error): LazyPostmart {
  let current: Promise<Postmart | null> | null = null;
  return {
    get: async () => {
      current ??= create();
      const pm = await current;
      if (!pm) {
        current = null;
        throw missing();
      }
      return pm;
    },
    close: async () => {
      const pm = await current?.catch(() => null);
      current = null;
      await pm?.close();
    },
  };
}
