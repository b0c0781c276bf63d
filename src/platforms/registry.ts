import { registerKeyShape } from "../http/redact.ts";
import { claude } from "./claude/index.ts";
import { claudeEnterprise } from "./claude-enterprise/index.ts";
import { codex } from "./codex/index.ts";
import { copilot } from "./copilot/index.ts";
import { cursor } from "./cursor/index.ts";
import { openai } from "./openai/index.ts";
import type { Platform } from "./types.ts";

/**
 * Every vendor we read, in the order of the JSON `platforms` list, help and `--platform`. Adding a
 * vendor means a folder with the same file names (src/platforms/<id>/), its emulator, and a line here.
 */
export const PLATFORMS: readonly Platform[] = [claude, claudeEnterprise, openai, codex, cursor, copilot];

export const PLATFORM_IDS: readonly string[] = PLATFORMS.map((p) => p.id);

// Whatever knows the platforms also hides their keys' shapes in every message.
for (const p of PLATFORMS) if (p.keyShape) registerKeyShape(p.keyShape);

export function platformById(id: string): Platform | undefined {
  return PLATFORMS.find((p) => p.id === id);
}

/** The display label of a platform id (the id itself for one we do not know). */
export function platformLabel(id: string): string {
  return platformById(id)?.label ?? id;
}
