import type { ClientOptions } from "../types.ts";
import { githubRequest, type RateGate } from "./github.ts";

/**
 * GitHub GraphQL: errors come back as HTTP 200 with `errors[]`. `NOT_FOUND` on one aliased field
 * (a renamed login) is part of a normal answer; anything else (FORBIDDEN without the scope or role)
 * makes the query fail, and the identity chain moves on to its next step.
 */
export class GraphqlError extends Error {}

export async function graphql<T>(
  client: ClientOptions,
  gate: RateGate,
  query: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const res = await githubRequest(client, gate, {
    path: "/graphql",
    method: "POST",
    body: { query, variables },
  });
  const body = res.body as { data?: unknown; errors?: { type?: unknown; message?: unknown }[] } | undefined;
  const errors = Array.isArray(body?.errors) ? body.errors : [];
  const fatal = errors.find((e) => e?.type !== "NOT_FOUND");
  if (fatal || !body?.data || typeof body.data !== "object") {
    const e = fatal ?? errors[0];
    const what = e ? `${String(e.type ?? "error")}: ${String(e.message ?? "")}`.slice(0, 200) : "no data";
    throw new GraphqlError(what);
  }
  return body.data as T;
}

/** Follows `pageInfo` cursors; a repeated cursor or a runaway count ends the walk with an error. */
export async function* cursorPages<N>(
  fetchPage: (
    after: string | null,
  ) => Promise<{ nodes: N[]; hasNextPage: boolean; endCursor: string | null }>,
  maxPages = 1000,
): AsyncGenerator<N[]> {
  const seen = new Set<string>();
  let after: string | null = null;
  for (let page = 0; page < maxPages; page++) {
    const { nodes, hasNextPage, endCursor } = await fetchPage(after);
    yield nodes;
    if (!hasNextPage) return;
    if (!endCursor || seen.has(endCursor)) throw new GraphqlError("paging cursor missing or repeated");
    seen.add(endCursor);
    after = endCursor;
  }
  throw new GraphqlError(`more than ${maxPages} pages`);
}
