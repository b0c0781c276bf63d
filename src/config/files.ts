import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./errors.ts";

/** A user config file, and whether the user named it (then it must exist). */
export interface ConfigFile {
  path: string;
  explicit: boolean;
}

/** `$VAR` if set, else `$XDG_CONFIG_HOME/ai-usage/NAME` (`~/.config/…` when unset). */
export function configFile(env: NodeJS.ProcessEnv, variable: string, name: string): ConfigFile {
  const named = env[variable];
  if (named) return { path: named, explicit: true };
  const config = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return { path: join(config, "ai-usage", name), explicit: false };
}

/**
 * Parsed JSON of a config file, or undefined when a default file is absent. Any other problem is
 * one UsageError line naming the file (`what` says which kind of file it is).
 */
export function readJsonFile(file: ConfigFile, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file.path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" && !file.explicit) return undefined;
    throw new UsageError(
      `${what} ${file.path}: ${code === "ENOENT" ? "not found" : `cannot read it (${code ?? (err as Error).message})`}`,
    );
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    // V8 quotes the offending text, newlines included; the message must stay one line.
    const detail = (err as Error).message.replace(/\s+/g, " ");
    throw new UsageError(`${what} ${file.path}: invalid JSON (${detail})`);
  }
}
