import { UsageError } from "../../config/errors.ts";
import { StoreError } from "../types.ts";

/** What went wrong with a PostgreSQL store, in one line, and whether it is the user's setup. */
export interface Described {
  message: string;
  /** A setting to fix (address, password, database, grants): exit 2 when opening. */
  config: boolean;
}

interface PgLikeError {
  code?: string;
  message?: string;
  severity?: string;
}

const oneLine = (s: string) => s.replace(/\s+/g, " ").trim().slice(0, 300);

/** Maps a postgres.js or socket error to a sentence a user can act on. */
export function describePgError(e: unknown, location: string): Described {
  const err = (typeof e === "object" && e !== null ? e : { message: String(e) }) as PgLikeError;
  const code = err.code ?? "";
  const msg = oneLine(err.message ?? String(e));
  const at = `PostgreSQL store ${location}`;
  switch (code) {
    case "ECONNREFUSED":
      return {
        config: true,
        message: `${at}: connection refused; is the server running, and are host and port right?`,
      };
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return { config: true, message: `${at}: host not found; check the host name in the URL or PGHOST` };
    case "CONNECT_TIMEOUT":
    case "ETIMEDOUT":
      return { config: true, message: `${at}: connection timed out; check host, port and firewall` };
    case "28P01":
      return {
        config: true,
        message: `${at}: password authentication failed; check the password (URL or PGPASSWORD)`,
      };
    case "28000":
      return {
        config: true,
        message: `${at}: not allowed to connect (${msg}); check the role and pg_hba.conf`,
      };
    case "3D000":
      return {
        config: true,
        message: `${at}: ${msg}; create it (createdb) or fix the database name in the URL`,
      };
    case "42501":
      return {
        config: true,
        message: `${at}: ${msg}; the role needs CONNECT, USAGE and CREATE on the schema, and SELECT, INSERT, UPDATE, DELETE on its tables (README "Sharing history with a team")`,
      };
    case "SASL_SIGNATURE_MISMATCH":
      return {
        config: true,
        message: `${at}: the server's SCRAM signature did not match; check the address`,
      };
  }
  if (/SASL|password must be a string/i.test(msg))
    return {
      config: true,
      message: `${at}: the server asks for a password and none was given (URL or PGPASSWORD)`,
    };
  if (/does not support SSL|self[- ]signed|certificate|SSL|TLS/i.test(msg))
    return { config: true, message: `${at}: TLS failed (${msg}); check sslmode and sslrootcert` };
  return { config: false, message: `${at}: ${msg}${code && !msg.includes(code) ? ` (${code})` : ""}` };
}

/** Removes the password from any text we pass on, whatever the server or driver put in it. */
export function scrub(text: string, password: string): string {
  if (password.length < 1) return text;
  let out = text;
  for (const form of new Set([password, encodeURIComponent(password)])) out = out.split(form).join("***");
  return out;
}

/** An error while opening: configuration problems exit 2, others are run-time store failures. */
export function openError(e: unknown, location: string, password: string): Error {
  if (e instanceof UsageError || e instanceof StoreError) return e;
  const d = describePgError(e, location);
  const message = scrub(d.message, password);
  return d.config
    ? new UsageError(`${message}; or use --no-store`)
    : new StoreError(message, { cause: undefined });
}

/** An error during a store operation: always a StoreError naming the operation. */
export function runError(what: string, e: unknown, location: string, password: string): StoreError {
  if (e instanceof StoreError) return e;
  const d = describePgError(e, location);
  return new StoreError(scrub(`${d.message} (while ${what})`, password));
}
