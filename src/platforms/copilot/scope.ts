import type { Scope } from "./client.ts";

/** A wrong combination of the scope variables: the CLI reports it as a usage error (exit 2). */
export class ScopeError extends Error {}

/** The one scope of this run; both variables set is an error before anything is fetched. */
export function copilotScope(env: Readonly<Record<string, string | undefined>>): Scope | null {
  const org = env.COPILOT_ORG?.trim();
  const enterprise = env.COPILOT_ENTERPRISE?.trim();
  if (org && enterprise)
    throw new ScopeError(
      "copilot: set COPILOT_ORG or COPILOT_ENTERPRISE, not both (one report scope per run)",
    );
  if (org) return { kind: "org", name: org };
  if (enterprise) return { kind: "enterprise", name: enterprise };
  return null;
}
