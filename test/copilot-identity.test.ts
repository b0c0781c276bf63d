import { afterEach, describe, expect, it } from "vitest";
import type { CopilotEmulator } from "../src/emulators/copilot/index.ts";
import { CACHE_NAMESPACE, LoginResolver, MISS_TTL_MS } from "../src/platforms/copilot/identity.ts";
import { clientFor, emulator, identityRequests, memoryCache, orgData } from "./copilot-helpers.ts";

let emu: CopilotEmulator | undefined;
afterEach(async () => {
  await emu?.close();
  emu = undefined;
});

const scope = { kind: "org", name: "acme-corp" } as const;

function debugLog() {
  const lines: string[] = [];
  return { lines, log: { warn: (m: string) => lines.push(m), debug: (m: string) => lines.push(m) } };
}

describe("copilot identity chain", () => {
  it("resolves each login by the first step that knows it, and only unresolved logins go further", async () => {
    const data = orgData();
    emu = await emulator({ data, identityPageSize: 2 });
    const resolver = new LoginResolver(clientFor(emu), { resumeAt: 0 }, scope);
    const emailOf = await resolver.resolve(data.users.map((u) => u.login.toUpperCase()));
    for (const u of data.users) expect(emailOf(u.login)).toBe(u.via === "none" ? null : u.email);
    const graphql = emu.requests.filter((r) => r.path === "/graphql");
    const linked = data.identities.length;
    // Identity pages of 2, then one verified-domain query for what SAML/SCIM left.
    expect(graphql).toHaveLength(Math.ceil(linked / 2) + 1);
    const verifiedQuery = graphql.at(-1)!.body as { variables: Record<string, string> };
    const afterSaml = data.users.filter((u) => !u.via.startsWith("saml") && u.via !== "scim");
    expect(Object.keys(verifiedQuery.variables).filter((k) => k !== "org")).toHaveLength(afterSaml.length);
    // Public profiles only for logins neither SAML/SCIM nor a verified domain resolved.
    const profiles = emu.requests.filter((r) => r.path.startsWith("/users/")).map((r) => r.path.slice(7));
    expect(profiles.sort()).toEqual(
      data.users
        .filter((u) => u.via === "public" || u.via === "none")
        .map((u) => u.login.toLowerCase())
        .sort(),
    );
  });

  it("enterprise scope: enterprise identities, verified domains of each organization", async () => {
    const data = orgData();
    emu = await emulator({ data });
    const resolver = new LoginResolver(clientFor(emu), { resumeAt: 0 }, { kind: "enterprise", name: "acme" });
    const emailOf = await resolver.resolve(data.users.map((u) => u.login));
    for (const u of data.users) expect(emailOf(u.login)).toBe(u.via === "none" ? null : u.email);
  });

  it("a step that cannot run degrades to the next with one --verbose line, never an error", async () => {
    const data = orgData();
    emu = await emulator({ data, samlConfigured: false, verifiedForbidden: true });
    const { lines, log } = debugLog();
    const resolver = new LoginResolver(clientFor(emu, { log }), { resumeAt: 0 }, scope);
    const emailOf = await resolver.resolve(data.users.map((u) => u.login));
    for (const u of data.users) {
      // Without SAML and verified domains only public emails are left, personal ones included.
      const want = u.via === "public" ? u.email : u.via === "verified" ? `${u.login}@personal.example` : null;
      expect(emailOf(u.login)).toBe(want);
    }
    expect(lines.filter((l) => l.includes('identity step "saml" unavailable'))).toHaveLength(1);
    expect(lines.filter((l) => l.includes('identity step "verified" unavailable'))).toHaveLength(1);
    // A disabled step is not tried again in the same run.
    const before = identityRequests(emu).length;
    await resolver.resolve(["someone-new"]);
    expect(identityRequests(emu).length - before).toBe(1);
  });

  it("a token without read:org still gets public emails", async () => {
    const data = orgData();
    const token = "ghp_NoScopes000000000000000000000000000";
    emu = await emulator({ data, tokens: { [token]: [] } });
    const resolver = new LoginResolver(clientFor(emu, { apiKey: token }), { resumeAt: 0 }, scope);
    const emailOf = await resolver.resolve(data.users.map((u) => u.login));
    const pub = data.users.find((u) => u.via === "public")!;
    expect(emailOf(pub.login)).toBe(pub.email);
  });

  it("caches hits and misses; a miss is asked again after its TTL", async () => {
    const data = orgData();
    emu = await emulator({ data });
    const cache = memoryCache();
    let now = Date.parse("2026-06-30T12:00:00Z");
    const logins = data.users.map((u) => u.login);
    await new LoginResolver(clientFor(emu, { cache }), { resumeAt: 0 }, scope, () => now).resolve(logins);
    expect(cache.map.size).toBe(logins.length);
    const none = data.users.find((u) => u.via === "none")!;
    expect(cache.map.get(`${CACHE_NAMESPACE}/${none.login}`)).toMatch(/^none:/);
    emu.requests.length = 0;
    const warm = await new LoginResolver(
      clientFor(emu, { cache }),
      { resumeAt: 0 },
      scope,
      () => now,
    ).resolve(logins);
    expect(identityRequests(emu)).toHaveLength(0);
    expect(warm(data.users[0]!.login)).toBe(data.users[0]!.via === "none" ? null : data.users[0]!.email);
    now += MISS_TTL_MS + 1;
    await new LoginResolver(clientFor(emu, { cache }), { resumeAt: 0 }, scope, () => now).resolve(logins);
    // Only the misses are asked again, and they reach the last step.
    const profiles = emu.requests.filter((r) => r.path.startsWith("/users/")).map((r) => r.path.slice(7));
    expect(profiles.sort()).toEqual(
      data.users
        .filter((u) => u.via === "none")
        .map((u) => u.login)
        .sort(),
    );
  });
});

describe("copilot identity under faults", () => {
  it("a step that fails for a passing reason degrades, and its misses are not cached", async () => {
    const data = orgData();
    emu = await emulator({ data });
    emu.inject({ fault: { kind: "status", status: 502 }, path: "/graphql" });
    const cache = memoryCache();
    const resolver = new LoginResolver(clientFor(emu, { cache, maxAttempts: 2 }), { resumeAt: 0 }, scope);
    const emailOf = await resolver.resolve(data.users.map((u) => u.login));
    const pub = data.users.find((u) => u.via === "public")!;
    expect(emailOf(pub.login)).toBe(pub.email);
    // Found emails are kept; logins left unresolved are asked again next run.
    expect(cache.map.get(`${CACHE_NAMESPACE}/${pub.login}`)).toBe(pub.email);
    const saml = data.users.find((u) => u.via === "saml-nameid")!;
    expect(cache.map.has(`${CACHE_NAMESPACE}/${saml.login}`)).toBe(false);
  });
});
