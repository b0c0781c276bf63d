import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { loadDotEnv } from "../config/env.ts";
import { UsageError } from "../config/errors.ts";
import { copyStore } from "../store/copy.ts";
import { isPostgresUrl, openStore, type Store } from "../store/index.ts";
import { plural } from "../usage/plural.ts";
import type { Io } from "./io.ts";

/** Where a store argument points, for comparing FROM with TO (files by absolute path). */
function where(pathOrUrl: string, io: Io): string {
  return isPostgresUrl(pathOrUrl) ? pathOrUrl.trim() : resolve(io.cwd, pathOrUrl);
}

/**
 * `ai-usage store copy FROM TO`: moves a history (an SQLite file, or a PostgreSQL URL) into
 * another store, e.g. a laptop's file into the team's PostgreSQL. One line per source on stdout.
 */
export async function runStoreCopy(from: string, to: string, io: Io): Promise<number> {
  const source = where(from, io);
  const target = where(to, io);
  if (source === target) throw new UsageError("store copy: FROM and TO are the same store");
  // Opening a file that is not there would create an empty store and copy nothing, silently.
  if (!isPostgresUrl(from) && !existsSync(source))
    throw new UsageError(`store copy: no history store at ${source}`);
  const env = loadDotEnv(resolve(io.cwd, ".env"), io.env);
  const stores: Store[] = [];
  try {
    const a = await openStore(source, env);
    stores.push(a);
    const b = await openStore(target, env);
    stores.push(b);
    const copied = await copyStore(a, b, (c) => {
      const kept =
        c.kept > 0 ? `; ${plural(c.kept, "day")} kept, fetched as late or later in the target` : "";
      io.stdout(
        `${c.source.platform} ${c.source.org}: copied ${plural(c.days, "day")}, ${plural(c.rows, "row")}${kept}\n`,
      );
    });
    io.stderr(`store copy: ${plural(copied.length, "source")} from ${a.location} to ${b.location}\n`);
    return 0;
  } finally {
    for (const s of stores.reverse()) await s.close();
  }
}
