import pLimit from "p-limit";
import { AuthenticationError, NotFoundError, PermissionDeniedError } from "../../http/errors.ts";
import type { IdentityResolver } from "../../identity/resolver.ts";
import type { ClientOptions, FetchNotes } from "../types.ts";
import { emailOf, listUsers, retrieveUser } from "./client.ts";

/** Single-user lookups at once. */
export const USER_LOOKUP_CONCURRENCY = 4;

function isAccessError(err: unknown): err is Error {
  return (
    err instanceof AuthenticationError || err instanceof PermissionDeniedError || err instanceof NotFoundError
  );
}

/**
 * OpenAI user id → email. The list is fetched alongside the usage (started here, at once); ids it
 * lacks are looked up one by one, once each. When the list is off limits for this key, ids stay ids
 * and a warning says why.
 */
export function openaiUsers(client: ClientOptions, notes: FetchNotes): IdentityResolver {
  const listed = listUsers(client).then(
    (emails) => ({ emails, lookups: true }),
    (err: unknown) => {
      if (!isAccessError(err)) throw err;
      notes.warnings.push(`openai: cannot list users (${err.message}); showing user ids`);
      return { emails: new Map<string, string | null>(), lookups: false };
    },
  );
  listed.catch(() => {}); // awaited later; the usage may fail first
  const limit = pLimit(USER_LOOKUP_CONCURRENCY);
  const looked = new Map<string, Promise<string | null>>();
  const lookUp = (id: string) =>
    limit(() => retrieveUser(client, id)).then(
      (user) => (user ? emailOf(user) : null),
      (err: unknown) => {
        if (isAccessError(err)) return null;
        throw err;
      },
    );
  return {
    async resolve(ids) {
      const { emails, lookups } = await listed;
      const unique = [...new Set(ids)];
      const missing = unique.filter((id) => !emails.has(id));
      if (lookups) for (const id of missing) if (!looked.has(id)) looked.set(id, lookUp(id));
      // Awaited together so a failing lookup is never left without a handler.
      const found = lookups ? await Promise.all(missing.map((id) => looked.get(id)!)) : [];
      const byId = new Map(missing.map((id, i) => [id, found[i] ?? null]));
      return new Map(unique.map((id) => [id, emails.get(id) ?? byId.get(id) ?? null]));
    },
  };
}
