import type { Logger } from "../log.ts";
import type { ClientOptions, Platform } from "../platforms/types.ts";
import type { Source, Store } from "../store/types.ts";
import type { PlatformId } from "../usage/types.ts";
import { platformBaseUrl } from "./source.ts";

/** What a platform's client is built from: the run's environment, fetch, clock, store and hooks. */
export interface ClientInput {
  env: Readonly<Record<string, string | undefined>>;
  fetch: typeof globalThis.fetch;
  log: Logger;
  signal?: AbortSignal;
  now: Date;
  store: Store | null;
  client?: Partial<ClientOptions>;
  onProgress?: (platform: PlatformId, done: number, total: number) => void;
  onWait?: (platform: PlatformId, ms: number, why: string) => void;
}

/** The options a platform's calls run with; the store, when there is one, backs its cache. */
export function clientFor(
  platform: Platform,
  input: ClientInput,
  apiKey: string,
  source: Source,
): ClientOptions {
  const { store } = input;
  return {
    baseUrl: platformBaseUrl(platform, input.env),
    apiKey,
    fetch: input.fetch,
    env: input.env,
    signal: input.signal,
    log: input.log,
    now: () => input.now,
    onProgress: input.onProgress && ((done, total) => input.onProgress?.(platform.id, done, total)),
    onWait: input.onWait && ((ms, why) => input.onWait?.(platform.id, ms, why)),
    cache: store
      ? {
          get: (namespace, keys) => store.cacheGet(source, namespace, keys),
          set: (namespace, entries) => store.cacheSet(source, namespace, entries),
        }
      : undefined,
    ...input.client,
  };
}
