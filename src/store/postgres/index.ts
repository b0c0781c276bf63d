import postgres from "postgres";
import { registerSecret } from "../../http/redact.ts";
import type { Store } from "../types.ts";
import { openError } from "./errors.ts";
import { migratePg } from "./migrations.ts";
import { PostgresStore } from "./store.ts";
import { parsePgUrl } from "./url.ts";

/**
 * Opens the PostgreSQL store at `url` (creating and migrating its tables as needed). A problem of
 * setup (address, password, database, grants, TLS) is a UsageError; the password is never shown.
 */
export async function openPostgresStore(url: string, env: NodeJS.ProcessEnv = process.env): Promise<Store> {
  const target = parsePgUrl(url, env);
  // Whatever prints later (errors, --verbose) blanks the password, in both its plain and URL forms.
  registerSecret(target.password);
  registerSecret(encodeURIComponent(target.password));
  const sql = postgres({ ...target.options, max: 4 });
  try {
    await migratePg(sql, target.location);
  } catch (e) {
    await sql.end({ timeout: 1 }).catch(() => {});
    throw openError(e, target.location, target.password);
  }
  return new PostgresStore(sql, target.location, target.password);
}
