import type { CopilotState } from "./state.ts";

/**
 * The few GraphQL queries the identity chain sends (copilot.md §6.1, §6.2), recognised by the
 * fields they ask for. Like GitHub: errors are HTTP 200 with `errors[]`; a missing scope is
 * FORBIDDEN; `first` above 100 is an error; an unknown login is null plus a NOT_FOUND error.
 */

export const ENTERPRISE_ORGS = ["acme-corp", "acme-labs"];

interface Query {
  query?: unknown;
  variables?: Record<string, unknown>;
}

const forbidden = (what: string) => ({
  data: null,
  errors: [{ type: "FORBIDDEN", message: `Resource not accessible: ${what}`, path: [what] }],
});

function cursorPage<T>(items: readonly T[], after: unknown, size: number) {
  const start = typeof after === "string" ? Number(Buffer.from(after, "base64").toString("utf8")) : 0;
  const offset = Number.isInteger(start) && start >= 0 ? start : 0;
  const nodes = items.slice(offset, offset + size);
  const end = offset + nodes.length;
  return {
    totalCount: items.length,
    pageInfo: {
      hasNextPage: end < items.length,
      endCursor: nodes.length > 0 ? Buffer.from(String(end)).toString("base64") : null,
    },
    nodes,
  };
}

export function graphqlAnswer(state: CopilotState, scopes: string[], body: unknown): unknown {
  const { query, variables = {} } = (body ?? {}) as Query;
  if (typeof query !== "string")
    return { errors: [{ message: "A query attribute must be specified and must be a string." }] };
  const first = /\(first:\s*(\d+)/.exec(query);
  if (first && Number(first[1]) > 100)
    return {
      errors: [
        {
          type: "EXCESSIVE_PAGINATION",
          message: "Requesting 101 records on the connection exceeds the `first` limit of 100 records.",
        },
      ],
    };
  const name = String(variables.name ?? "");

  if (query.includes("externalIdentities")) {
    const enterprise = query.includes("enterprise(slug");
    if (!scopes.includes(enterprise ? "read:enterprise" : "read:org"))
      return forbidden("samlIdentityProvider");
    const known = enterprise ? name === state.data.enterprise : name.toLowerCase() === state.data.org;
    if (!known)
      return {
        data: { [enterprise ? "enterprise" : "organization"]: null },
        errors: [{ type: "NOT_FOUND", message: `Could not resolve ${name}` }],
      };
    const size = Math.min(Number(first?.[1] ?? 100), state.identityPageSize);
    const provider = state.samlConfigured
      ? { externalIdentities: cursorPage(state.data.identities, variables.after, size) }
      : null;
    return enterprise
      ? { data: { enterprise: { ownerInfo: { samlIdentityProvider: provider } } } }
      : { data: { organization: { samlIdentityProvider: provider } } };
  }

  if (query.includes("organizations(")) {
    if (!scopes.includes("read:enterprise")) return forbidden("organizations");
    if (name !== state.data.enterprise)
      return {
        data: { enterprise: null },
        errors: [{ type: "NOT_FOUND", message: `Could not resolve ${name}` }],
      };
    const orgs = ENTERPRISE_ORGS.map((login) => ({ login }));
    return {
      data: { enterprise: { organizations: cursorPage(orgs, variables.after, state.identityPageSize) } },
    };
  }

  if (query.includes("organizationVerifiedDomainEmails")) {
    if (state.verifiedForbidden || !scopes.includes("read:org"))
      return forbidden("organizationVerifiedDomainEmails");
    const org = String(variables.org ?? "").toLowerCase();
    const data: Record<string, unknown> = {};
    const errors: unknown[] = [];
    for (const m of query.matchAll(/(\w+):\s*user\(login:\s*\$(\w+)\)/g)) {
      const login = String(variables[m[2]!] ?? "");
      const user = state.data.users.find((u) => u.login.toLowerCase() === login.toLowerCase());
      if (!user) {
        data[m[1]!] = null;
        errors.push({
          type: "NOT_FOUND",
          message: `Could not resolve to a User with the login of '${login}'.`,
          path: [m[1]],
        });
        continue;
      }
      const emails = org === state.data.org ? (state.data.verified.get(user.login) ?? []) : [];
      data[m[1]!] = { login: user.login, organizationVerifiedDomainEmails: emails };
    }
    return errors.length > 0 ? { data, errors } : { data };
  }
  return { errors: [{ type: "INVALID", message: "Query not supported by this emulator" }] };
}
