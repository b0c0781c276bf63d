import { type EmulatorServer, type Fault, startServer } from "../server.ts";
import type { DayResult, OpenAIUser } from "./data.ts";
import { errorBody, requestId } from "./errors.ts";
import { openaiHandler } from "./routes.ts";

export type { CompletionsResult, DayResult, OpenAIData, OpenAIUser, ResultInput } from "./data.ts";
export { completionsResult, OPENAI_MODELS, openaiData } from "./data.ts";
export { errorBody } from "./errors.ts";

export const DEFAULT_OPENAI_KEY = "sk-admin-test";

export interface OpenAIEmulatorOptions {
  users: OpenAIUser[];
  results: DayResult[];
  /** Users that `GET /users/{id}` finds but the list does not show. */
  unlistedUsers?: OpenAIUser[];
  /** Accepted admin keys; default ["sk-admin-test"]. */
  apiKeys?: string[];
  latencyMs?: number;
  /** The emulator's clock: the default end_time, and days after its UTC date are served empty. */
  now?: () => Date;
  /** Cap on result rows per usage page, so one bucket can be split across pages. */
  resultsPerPage?: number;
}

/** The OpenAI Admin API (completions usage + users) on 127.0.0.1 with a random port. */
export function startOpenAIEmulator(options: OpenAIEmulatorOptions): Promise<EmulatorServer> {
  return startServer({
    handler: openaiHandler({
      users: options.users,
      unlistedUsers: options.unlistedUsers ?? [],
      results: options.results,
      apiKeys: options.apiKeys ?? [DEFAULT_OPENAI_KEY],
      now: options.now ?? (() => new Date()),
      resultsPerPage: options.resultsPerPage,
    }),
    errorBody: (status, message) => errorBody(status, message),
    commonHeaders: () => ({ "x-request-id": requestId(), "openai-processing-ms": "42" }),
    latencyMs: options.latencyMs,
  });
}

/** A 429 as the vendor sends it, with `Retry-After` in whole seconds; for `server.inject`. */
export function rateLimitFault(retryAfterSeconds = 1): Fault {
  return {
    kind: "status",
    status: 429,
    message: "Rate limit reached for requests. Please try again later.",
    headers: { "retry-after": String(retryAfterSeconds) },
  };
}
