import { homedir } from "node:os";
import { isAbsolute, join } from "node:path";

/** `$AI_USAGE_STORE`, else `$XDG_DATA_HOME/ai-usage/history.db`, else `~/.local/share/ai-usage/history.db`. */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.AI_USAGE_STORE?.trim();
  if (explicit) return explicit;
  // The XDG spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME?.trim();
  const dataHome = xdg && isAbsolute(xdg) ? xdg : join(homedir(), ".local", "share");
  return join(dataHome, "ai-usage", "history.db");
}
