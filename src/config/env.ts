import { readFileSync } from "node:fs";
import { parse } from "dotenv";

const warnOnStderr = (message: string) => {
  process.stderr.write(`ai-usage: warning: ${message}\n`);
};

/**
 * Reads `.env` from the working directory; variables already set in the environment win. The values
 * are dotenv's (multi-line quoted values included). A line it cannot read is skipped with a warning
 * naming the line (never its text, which may hold a key): a stray line must not block a run, and
 * saying so keeps a typo in a key name from looking like "no key configured".
 */
export function loadDotEnv(
  path: string,
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void = warnOnStderr,
): NodeJS.ProcessEnv {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return env;
    warn(`cannot read ${path} (${code ?? (err as Error).message}); it is ignored`);
    return env;
  }
  const { values, problems } = parseDotEnv(text);
  for (const p of problems) warn(`${path} line ${p.line}: ${p.problem}`);
  return { ...values, ...env };
}

export interface DotEnvProblem {
  line: number;
  problem: string;
}

/** dotenv's values, and the lines it skipped or read differently from what they look like. */
export function parseDotEnv(text: string): { values: Record<string, string>; problems: DotEnvProblem[] } {
  return { values: parse(text), problems: findProblems(text) };
}

/** `NAME=` or `NAME: ` (both dotenv forms), optionally after `export`. */
const ASSIGNMENT = /^\s*(?:export\s+)?[\w.-]+(?:\s*=|:\s)/;

function findProblems(text: string): DotEnvProblem[] {
  const lines = text.split(/\r\n?|\n/);
  const problems: DotEnvProblem[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const assignment = ASSIGNMENT.exec(line);
    if (!assignment) {
      problems.push({ line: i + 1, problem: "not a NAME=value line; skipped" });
      continue;
    }
    const value = line.slice(assignment[0].length).trimStart();
    const quote = value[0];
    if (quote !== '"' && quote !== "'" && quote !== "`") continue;
    if (closes(value.slice(1), quote)) continue;
    // A quoted value may go on over the following lines up to its closing quote.
    const end = lines.findIndex((l, j) => j > i && closes(l, quote));
    if (end < 0) {
      problems.push({
        line: i + 1,
        problem: `the ${quote} quote is never closed; the value is read to the end of the line`,
      });
    } else i = end;
  }
  return problems;
}

/** Whether `text` holds the closing `quote` (a backslash escapes it, as dotenv reads it). */
function closes(text: string, quote: string): boolean {
  for (let k = 0; k < text.length; k++) {
    if (text[k] === "\\") k++;
    else if (text[k] === quote) return true;
  }
  return false;
}
