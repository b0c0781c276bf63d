import { readFileSync } from "node:fs";
import { UsageError } from "./errors.ts";

/**
 * Reads `.env` from the working directory. Variables already set in the environment win.
 * Malformed lines are an error naming the line, not silently skipped: a typo in a key name
 * would otherwise look like "no key configured".
 */
export function loadDotEnv(path: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return env;
    throw new UsageError(
      `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
    );
  }
  const parsed = parseDotEnv(text, path);
  return { ...parsed, ...env };
}

export function parseDotEnv(text: string, name = ".env"): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (!line || line.startsWith("#")) return;
    const match = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new UsageError(`${name} line ${index + 1}: expected NAME=value`);
    const [, key, rest] = match as unknown as [string, string, string];
    out[key] = unquote(rest, `${name} line ${index + 1}`);
  });
  return out;
}

function unquote(value: string, where: string): string {
  const quote = value[0];
  if (quote === '"' || quote === "'") {
    const end = value.indexOf(quote, 1);
    if (end < 0) throw new UsageError(`${where}: unterminated ${quote} quote`);
    const inner = value.slice(1, end);
    return quote === '"' ? inner.replace(/\\n/g, "\n") : inner;
  }
  // Unquoted: an inline comment starts at " #".
  return value.replace(/\s+#.*$/, "").trim();
}
