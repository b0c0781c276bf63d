/**
 * People are merged by email across every platform, so every vendor's address goes through here:
 * trimmed and lower-cased; an empty one is no email at all.
 */
export function normalizeEmail(email: string | null | undefined): string | null {
  const out = email?.trim().toLowerCase();
  return out ? out : null;
}

/** An identity as aliases and teams compare it: emails case-insensitively, vendor ids exactly. */
export function canonicalIdentity(identity: string): string {
  const trimmed = identity.trim();
  return trimmed.includes("@") ? trimmed.toLowerCase() : trimmed;
}
