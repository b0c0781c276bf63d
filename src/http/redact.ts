/**
 * Keys must never reach output. Vendors echo parts of keys in messages ("sk-admin-****1234"), so
 * besides the exact keys we also blank anything shaped like a vendor key.
 */
// Each platform declares what its keys look like (`keyShape` in its descriptor); a match never
// ends in "." or "-", so the full stop after an echoed key stays in the sentence.
const shapes: RegExp[] = [];

/** Registers a platform's key shape so echoed fragments of such keys are hidden everywhere. */
export function registerKeyShape(shape: RegExp): void {
  if (!shapes.some((s) => s.source === shape.source))
    shapes.push(new RegExp(shape.source, shape.flags.includes("g") ? shape.flags : `${shape.flags}g`));
}

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
  for (const shape of shapes) out = out.replace(shape, "[redacted]");
  return out;
}
