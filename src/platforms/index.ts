import type { PlatformId } from "../usage/types.ts";
import { claude } from "./claude/index.ts";
import { cursor } from "./cursor/index.ts";
import { openai } from "./openai/index.ts";
import type { Platform } from "./types.ts";

/** Every vendor we read, by id. Adding one means a folder with the same file names and a line here. */
export const platforms = { claude, openai, cursor } satisfies Record<PlatformId, Platform>;
