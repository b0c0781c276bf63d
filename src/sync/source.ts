import { createHash } from "node:crypto";
import type { Platform } from "../platforms/types.ts";
import type { Source } from "../store/types.ts";

type Env = Readonly<Record<string, string | undefined>>;

/** The key of a platform from the environment (first variable set wins), or undefined. */
export function platformKey(platform: Platform, env: Env): string | undefined {
  for (const name of platform.keyEnv) {
    const value = env[name]?.trim();
    if (value) return value;
  }
  return undefined;
}

/** The base URL the platform's client calls: its variable, else the vendor's default. */
export function platformBaseUrl(platform: Platform, env: Env): string {
  return env[platform.baseUrlEnv]?.trim() || platform.defaultBaseUrl;
}

/**
 * Whose history this key reads. The vendor's organisation id when the platform knows it without a
 * request (a Codex workspace, a GitHub org), so a rotated key keeps its history; else a one-way
 * fingerprint of base URL + key: two accounts, or a proxy and a direct URL, never share rows, and the
 * store holds nothing from which the key could be recovered.
 */
export function sourceOf(platform: Platform, env: Env, apiKey: string): Source {
  const org = platform.organization?.(env);
  if (org) return { platform: platform.id, org: `org:${org}` };
  const base = platformBaseUrl(platform, env).replace(/\/+$/, "");
  const digest = createHash("sha256").update(`${platform.id}\n${base}\n${apiKey}`).digest("hex");
  return { platform: platform.id, org: `fp:${digest.slice(0, 24)}` };
}
