import type { ClientOptions } from "../types.ts";
import type { Scope } from "./client.ts";
import type { RateGate } from "./github.ts";
import { cursorPages, graphql } from "./graphql.ts";

/** The GraphQL queries of the identity chain (copilot.md §6.1, §6.2). */

export interface ExternalIdentity {
  samlIdentity?: { nameId?: string | null; emails?: { value?: string | null }[] | null } | null;
  scimIdentity?: { username?: string | null } | null;
  user?: { login?: string | null } | null;
}

interface Connection<N> {
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  nodes: N[];
}

const IDENTITIES = `externalIdentities(first: 100, after: $after) {
  pageInfo { hasNextPage endCursor }
  nodes { samlIdentity { nameId emails { value } } scimIdentity { username } user { login } }
}`;

const ORG_IDENTITIES = `query($name: String!, $after: String) {
  organization(login: $name) { samlIdentityProvider { ${IDENTITIES} } }
}`;

const ENTERPRISE_IDENTITIES = `query($name: String!, $after: String) {
  enterprise(slug: $name) { ownerInfo { samlIdentityProvider { ${IDENTITIES} } } }
}`;

type ProviderData = {
  organization?: { samlIdentityProvider: { externalIdentities: Connection<ExternalIdentity> } | null } | null;
  enterprise?: {
    ownerInfo: { samlIdentityProvider: { externalIdentities: Connection<ExternalIdentity> } | null } | null;
  } | null;
};

/** Every external identity of the org's or enterprise's SAML/SCIM provider, page by page. */
export function externalIdentityPages(client: ClientOptions, gate: RateGate, scope: Scope) {
  const query = scope.kind === "org" ? ORG_IDENTITIES : ENTERPRISE_IDENTITIES;
  return cursorPages<ExternalIdentity>(async (after) => {
    const data = await graphql<ProviderData>(client, gate, query, { name: scope.name, after });
    const provider =
      scope.kind === "org"
        ? data.organization?.samlIdentityProvider
        : data.enterprise?.ownerInfo?.samlIdentityProvider;
    if (!provider) throw new Error(`no SAML/SCIM identity provider on the ${scope.kind} ${scope.name}`);
    const c = provider.externalIdentities;
    return { nodes: c.nodes ?? [], hasNextPage: c.pageInfo.hasNextPage, endCursor: c.pageInfo.endCursor };
  });
}

const ENTERPRISE_ORGS = `query($name: String!, $after: String) {
  enterprise(slug: $name) {
    organizations(first: 100, after: $after) { pageInfo { hasNextPage endCursor } nodes { login } }
  }
}`;

/** The organizations of an enterprise (verified domains belong to organizations). */
export function memberOrgs(client: ClientOptions, gate: RateGate, enterprise: string) {
  return cursorPages<string>(async (after) => {
    const data = await graphql<{ enterprise?: { organizations: Connection<{ login: string }> } | null }>(
      client,
      gate,
      ENTERPRISE_ORGS,
      { name: enterprise, after },
    );
    const c = data.enterprise?.organizations;
    if (!c) throw new Error(`enterprise ${enterprise} not visible`);
    return {
      nodes: c.nodes.map((n) => n.login),
      hasNextPage: c.pageInfo.hasNextPage,
      endCursor: c.pageInfo.endCursor,
    };
  });
}

/**
 * Verified-domain emails of up to 50 logins in one query (logins passed as variables, never
 * spliced into the query). Several addresses → the first in sorted order.
 */
export async function verifiedEmails(
  client: ClientOptions,
  gate: RateGate,
  org: string,
  logins: readonly string[],
): Promise<Map<string, string>> {
  const params = logins.map((_, i) => `$l${i}: String!`).join(", ");
  const fields = logins
    .map((_, i) => `u${i}: user(login: $l${i}) { login organizationVerifiedDomainEmails(login: $org) }`)
    .join("\n");
  const query = `query($org: String!, ${params}) {\n${fields}\n}`;
  const variables: Record<string, unknown> = { org };
  logins.forEach((l, i) => {
    variables[`l${i}`] = l;
  });
  const data = await graphql<Record<string, { organizationVerifiedDomainEmails?: unknown } | null>>(
    client,
    gate,
    query,
    variables,
  );
  const out = new Map<string, string>();
  logins.forEach((login, i) => {
    const list = data[`u${i}`]?.organizationVerifiedDomainEmails;
    if (!Array.isArray(list)) return;
    const emails = list
      .filter((e): e is string => typeof e === "string")
      .map((e) => e.trim().toLowerCase())
      .filter((e) => /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e))
      .sort();
    if (emails[0]) out.set(login, emails[0]);
  });
  return out;
}
