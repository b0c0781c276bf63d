/**
 * Keys must never reach output. Vendors echo parts of keys in messages ("sk-admin-****1234"), so
 * besides the exact keys we also blank anything shaped like a vendor key.
 */
// A match never ends in "." or "-", so the full stop after an echoed key stays in the sentence.
const KEY_SHAPES =
  /\b(?:sk-ant-[\w*.-]*[\w*]|sk-admin-[\w*.-]*[\w*]|sk-proj-[\w*.-]*[\w*]|sk-[\w*]{3,}(?:[\w*.-]*[\w*])?|crsr_[\w*.-]*[\w*]|key_[A-Za-z0-9*]{16,})/g;

const known = new Set<string>();

/** Registers secrets (the configured API keys) so every later redact() hides them. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) known.add(secret);
}

export function redact(text: string, extra: readonly string[] = []): string {
  let out = text;
  for (const secret of [...known, ...extra]) {
    if (!secret) continue;
    out = out.split(secret).join("[redacted]");
    // The base64 form appears in Basic auth headers; hide it too.
    const b64 = Buffer.from(`${secret}:`).toString("base64");
    out = out.split(b64).join("[redacted]");
  }
  return out.replace(KEY_SHAPES, "[redacted]");
}
