import pLimit from "p-limit";
import {
  AbortedError,
  ApiError,
  ConnectionError,
  NotFoundError,
  RateLimitError,
  TimeoutError,
} from "../../http/errors.ts";
import { normalizeEmail } from "../../identity/email.ts";
import { chainResolvers, type IdentityResolver } from "../../identity/resolver.ts";
import type { ClientOptions } from "../types.ts";
import type { Scope } from "./client.ts";
import { githubRequest, type RateGate } from "./github.ts";
import { externalIdentityPages, memberOrgs, verifiedEmails } from "./identity-queries.ts";

/**
 * GitHub login → email (copilot.md §6). Aliases are applied at report time by the tool; here the
 * chain is: SAML/SCIM external identities, then verified-domain emails, then the public profile
 * email, each only for logins still unresolved. Results (misses too, for a week) go to the
 * source's cache, so a warm run asks nothing. A step that cannot run (no SAML, no scope) is one
 * --verbose line and the next step goes on; it is never an error.
 */

export const CACHE_NAMESPACE = "github-login-email";
/** A login nobody could resolve is asked again after this long (it may have set an email since). */
export const MISS_TTL_MS = 7 * 86_400_000;
const MISS = "none:";
const PUBLIC_LOOKUPS_AT_ONCE = 4;

export function asEmail(value: unknown): string | null {
  const email = typeof value === "string" ? normalizeEmail(value) : null;
  return email && /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email) ? email : null;
}

type Step = "saml" | "verified" | "public";

/** Network trouble, a server error or a rate limit: the step may work next time. */
function isTransient(err: unknown): boolean {
  return (
    err instanceof ConnectionError ||
    err instanceof TimeoutError ||
    err instanceof RateLimitError ||
    (err instanceof ApiError && err.status >= 500)
  );
}

export class LoginResolver {
  private readonly known = new Map<string, string | null>();
  private identities?: Promise<Map<string, string>>;
  private orgs?: Promise<string[]>;
  private readonly off = new Set<Step>();
  /** A step failed this run for a reason that may pass: misses are not cached. */
  private passing = false;
  private readonly chain: IdentityResolver;

  constructor(
    private readonly client: ClientOptions,
    private readonly gate: RateGate,
    private readonly scope: Scope,
    private readonly now: () => number = Date.now,
  ) {
    this.chain = chainResolvers([
      this.step("saml", (l) => this.fromIdentities(l)),
      this.step("verified", (l) => this.fromVerifiedDomains(l)),
      this.step("public", (l) => this.fromProfiles(l)),
    ]);
  }

  /** One link of the chain: a failure turns the step off for the run with one --verbose line. */
  private step(step: Step, run: (logins: string[]) => Promise<Map<string, string>>): IdentityResolver {
    return {
      resolve: async (logins) => {
        if (this.off.has(step)) return new Map();
        try {
          return await run([...logins]);
        } catch (err) {
          if (err instanceof AbortedError) throw err;
          // A passing fault must not be remembered as "nobody knows this login" for a week.
          if (isTransient(err)) this.passing = true;
          this.off.add(step);
          this.client.log?.debug(
            `copilot: identity step "${step}" unavailable (${(err as Error).message}); trying the next`,
          );
          return new Map();
        }
      },
    };
  }

  /** Resolves every login (lower-cased) so `emailOf` can answer synchronously. */
  async resolve(rawLogins: Iterable<string>): Promise<(login: string) => string | null> {
    const logins = [...new Set([...rawLogins].map((l) => l.trim().toLowerCase()))];
    let todo = logins.filter((l) => !this.known.has(l));
    if (todo.length > 0 && this.client.cache) {
      const cached = await this.client.cache.get(CACHE_NAMESPACE, todo);
      for (const [login, value] of cached) {
        if (!value.startsWith(MISS)) this.known.set(login, value);
        else if (this.now() - Number(value.slice(MISS.length)) < MISS_TTL_MS) this.known.set(login, null);
      }
      todo = todo.filter((l) => !this.known.has(l));
    }
    if (todo.length > 0) {
      const found = await this.chain.resolve(todo);
      const stamp = `${MISS}${this.now()}`;
      const entries = new Map<string, string>();
      for (const login of todo) {
        const email = found.get(login) ?? null;
        this.known.set(login, email);
        if (email || !this.passing) entries.set(login, email ?? stamp);
      }
      await this.client.cache?.set(CACHE_NAMESPACE, entries);
    }
    return (login) => this.known.get(login.trim().toLowerCase()) ?? null;
  }

  /** SAML (nameId, emails) or SCIM (username) identities, listed once per run. */
  private async fromIdentities(logins: string[]): Promise<Map<string, string>> {
    this.identities ??= (async () => {
      const map = new Map<string, string>();
      for await (const nodes of externalIdentityPages(this.client, this.gate, this.scope))
        for (const n of nodes) {
          const login = n.user?.login?.toLowerCase();
          const email =
            (n.samlIdentity?.emails ?? []).map((e) => asEmail(e?.value)).find(Boolean) ??
            asEmail(n.samlIdentity?.nameId) ??
            asEmail(n.scimIdentity?.username);
          if (login && email && !map.has(login)) map.set(login, email);
        }
      return map;
    })();
    const map = await this.identities;
    return new Map(logins.flatMap((l) => (map.has(l) ? [[l, map.get(l)!] as const] : [])));
  }

  /** `organizationVerifiedDomainEmails` in the org (or each org of the enterprise). */
  private async fromVerifiedDomains(logins: string[]): Promise<Map<string, string>> {
    this.orgs ??=
      this.scope.kind === "org"
        ? Promise.resolve([this.scope.name])
        : (async () => {
            const all: string[] = [];
            for await (const page of memberOrgs(this.client, this.gate, this.scope.name)) all.push(...page);
            return all;
          })();
    const found = new Map<string, string>();
    for (const org of await this.orgs) {
      const left = logins.filter((l) => !found.has(l));
      for (let i = 0; i < left.length; i += 50)
        for (const [login, email] of await verifiedEmails(this.client, this.gate, org, left.slice(i, i + 50)))
          found.set(login, email);
    }
    return found;
  }

  /** The public profile email, one request per login. */
  private async fromProfiles(logins: string[]): Promise<Map<string, string>> {
    const limit = pLimit(PUBLIC_LOOKUPS_AT_ONCE);
    const emails = await Promise.all(
      logins.map((login) =>
        limit(async () => {
          try {
            const res = await githubRequest(this.client, this.gate, {
              path: `/users/${encodeURIComponent(login)}`,
            });
            return asEmail((res.body as { email?: unknown } | undefined)?.email);
          } catch (err) {
            if (err instanceof NotFoundError) return null;
            throw err;
          }
        }),
      ),
    );
    return new Map(logins.flatMap((l, i) => (emails[i] ? [[l, emails[i]!] as const] : [])));
  }
}
