import { readFileSync } from "node:fs";
import { type ConnectionOptions, checkServerIdentity, type PeerCertificate } from "node:tls";
import type postgres from "postgres";
import { UsageError } from "../../config/errors.ts";

/** Query parameters we understand, as libpq spells them; any other is a usage error. */
const KNOWN = new Set([
  "sslmode",
  "sslrootcert",
  "sslcert",
  "sslkey",
  "host",
  "port",
  "user",
  "dbname",
  "connect_timeout",
  "application_name",
]);

export interface PgTarget {
  options: postgres.Options<Record<string, never>>;
  /** The URL to show: user, host, port, database; never the password. */
  location: string;
  /** The password in use (URL or PGPASSWORD), so messages can be scrubbed of it. */
  password: string;
}

function readFile(what: string, path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    throw new UsageError(`history store URL: cannot read ${what} ${path}: ${(e as Error).message}`);
  }
}

/** libpq's sslmode values → postgres.js's `ssl` option. */
function sslOption(
  mode: string,
  host: string,
  q: URLSearchParams,
  env: NodeJS.ProcessEnv,
): postgres.Options<never>["ssl"] {
  const rootcert = q.get("sslrootcert") ?? env.PGSSLROOTCERT;
  const cert = q.get("sslcert") ?? env.PGSSLCERT;
  const key = q.get("sslkey") ?? env.PGSSLKEY;
  const tls: ConnectionOptions = {};
  if (rootcert && rootcert !== "system") tls.ca = readFile("sslrootcert", rootcert);
  if (cert) tls.cert = readFile("sslcert", cert);
  if (key) tls.key = readFile("sslkey", key);
  switch (mode) {
    case "disable":
      return false;
    case "allow":
    case "prefer":
      return "prefer";
    case "require":
      // As libpq: encrypted, not verified — unless a root certificate is given.
      return tls.ca ? { ...tls, rejectUnauthorized: true, checkServerIdentity: () => undefined } : "require";
    case "verify-ca":
      return { ...tls, rejectUnauthorized: true, checkServerIdentity: () => undefined };
    case "verify-full":
      // Checked against the host we dialled: the driver gives TLS no name for an IP address,
      // and Node would then check the certificate against "localhost".
      return {
        ...tls,
        rejectUnauthorized: true,
        checkServerIdentity: (_name: string, cert: PeerCertificate) => checkServerIdentity(host, cert),
      };
    default:
      throw new UsageError(
        `history store URL: sslmode ${JSON.stringify(mode)} is not one of disable, allow, prefer, require, verify-ca, verify-full`,
      );
  }
}

/**
 * Reads a `postgres://` / `postgresql://` URL as libpq does: parts missing from the URL come from
 * PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE (default `prefer`).
 */
export function parsePgUrl(raw: string, env: NodeJS.ProcessEnv = process.env): PgTarget {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    // The URL itself may hold a password: never echo it.
    throw new UsageError("history store URL is not a valid postgres:// URL (check its quoting)");
  }
  const q = url.searchParams;
  for (const name of q.keys())
    if (!KNOWN.has(name))
      throw new UsageError(`history store URL: unknown parameter ${JSON.stringify(name.slice(0, 40))}`);
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s);
    } catch {
      throw new UsageError("history store URL has a malformed %-escape");
    }
  };
  const host = q.get("host") ?? (decode(url.hostname) || env.PGHOST || "localhost");
  const port = Number(q.get("port") ?? (url.port || env.PGPORT || 5432));
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new UsageError("history store URL: port must be a number from 1 to 65535");
  const user = q.get("user") ?? (decode(url.username) || env.PGUSER || env.USER || "postgres");
  const password = decode(url.password) || env.PGPASSWORD || "";
  const database = q.get("dbname") ?? (decode(url.pathname.slice(1)) || env.PGDATABASE || user);
  const timeout = Number(q.get("connect_timeout") ?? env.PGCONNECT_TIMEOUT ?? 10);
  const ssl = sslOption(q.get("sslmode") ?? env.PGSSLMODE ?? "prefer", host, q, env);
  const socket = host.startsWith("/");
  const options: PgTarget["options"] = {
    ...(socket ? { path: `${host}/.s.PGSQL.${port}` } : { host, port }),
    username: user,
    password,
    database,
    ssl,
    connect_timeout: Number.isFinite(timeout) && timeout > 0 ? timeout : 10,
    connection: { application_name: q.get("application_name") ?? env.PGAPPNAME ?? "ai-usage" },
    onnotice: () => {},
    // Counts, costs and days come back as text and are parsed by the store, never as floats.
    types: {},
    fetch_types: false,
  };
  const shownHost = socket ? `[${host}]` : host.includes(":") ? `[${host}]` : host;
  const location = `postgres://${encodeURIComponent(user)}@${shownHost}:${port}/${encodeURIComponent(database)}`;
  return { options, location, password };
}
