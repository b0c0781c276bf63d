import { execFileSync, spawnSync } from "node:child_process";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";

/**
 * A real PostgreSQL server for tests, from Debian's `postgresql` package: `initdb` into a temporary
 * directory and `pg_ctl start` on a free loopback port; stopped and removed by `stop()`. Loopback
 * connections are trusted, except for the role `SECRET_ROLE`, which must give `SECRET_PASSWORD`.
 * initdb and the server refuse to run as root, so as root they run as the `postgres` user.
 */

export const SECRET_ROLE = "ai_usage_secret";
/** Characters a URL must escape, so the tests also check the decoding and the scrubbing of escaped forms. */
export const SECRET_PASSWORD = "pg-S3cret:p@ss/wörd%20#-0123456789";

/** The directory holding initdb and pg_ctl, or null when none is installed. */
export function pgBinDir(): string | null {
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0]) return join(root, versions[0], "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return which.status === 0 && found ? found.replace(/\/initdb$/, "") : null;
}

/** Said once by a suite that skips its PostgreSQL half. */
export const NO_PG =
  "PostgreSQL tests skipped: no initdb under /usr/lib/postgresql/*/bin or on PATH (apt-get install postgresql)";

export interface PgServer {
  port: number;
  /** The server's self-signed certificate (CN and SAN `localhost`), or null when openssl is missing. */
  tlsCert: string | null;
  /** A trusted superuser URL for `database` (default `postgres`). */
  url(database?: string): string;
  /** A new empty database; returns its URL. */
  createDatabase(): Promise<string>;
  /** Runs SQL as the superuser on `database`. */
  admin(database?: string): postgres.Sql;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => resolve(typeof addr === "object" && addr ? addr.port : 0));
    });
  });
}

const isRoot = process.getuid?.() === 0;

function asPostgres(cmd: string, args: string[]): void {
  const [file, argv] = isRoot ? ["runuser", ["-u", "postgres", "--", cmd, ...args]] : [cmd, args];
  execFileSync(file, argv, { stdio: "pipe", timeout: 60_000 });
}

let databases = 0;

export async function startPg(): Promise<PgServer> {
  const bin = pgBinDir();
  if (!bin) throw new Error(NO_PG);
  const dir = mkdtempSync(join(tmpdir(), "ai-usage-pg-"));
  const data = join(dir, "data");
  if (isRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" }).trim());
    const gid = Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" }).trim());
    chownSync(dir, uid, gid);
  }
  asPostgres(join(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
  // The first matching line wins: the secret role needs its password, everyone else is trusted.
  const hba = readFileSync(join(data, "pg_hba.conf"), "utf8");
  const lines = [
    `host all ${SECRET_ROLE} 127.0.0.1/32 scram-sha-256`,
    "host all all 127.0.0.1/32 trust",
    "local all all trust",
  ];
  writeFileSync(
    join(data, "pg_hba.conf"),
    `${lines.join("\n")}\n# initdb's defaults, unused:\n${hba.replace(/^/gm, "# ")}`,
  );

  // TLS with a self-signed certificate for `localhost`, so sslmode can be tested for real. The
  // server still accepts connections without TLS (sslmode=disable, as most tests use).
  let tlsCert: string | null = null;
  let tlsOptions = "";
  const openssl = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost",
      "-keyout",
      join(data, "server.key"),
      "-out",
      join(data, "server.crt"),
    ],
    { stdio: "ignore" },
  );
  if (openssl.status === 0) {
    tlsCert = join(dir, "root.crt");
    writeFileSync(tlsCert, readFileSync(join(data, "server.crt")));
    if (isRoot) {
      const owner = statSync(data);
      for (const f of ["server.key", "server.crt"]) chownSync(join(data, f), owner.uid, owner.gid);
    }
    chmodSync(join(data, "server.key"), 0o600);
    tlsOptions = " -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key";
  }

  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    try {
      asPostgres(join(bin, "pg_ctl"), [
        "-D",
        data,
        "-l",
        join(dir, "log"),
        "-w",
        "-o",
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off${tlsOptions}`,
        "start",
      ]);
      break;
    } catch (e) {
      // Another process may have taken the port between our probe and the server's bind.
      if (attempt >= 3) throw new Error(`pg_ctl start failed: ${readLog(dir)}`, { cause: e });
    }
  }

  const url = (database = "postgres") => `postgres://postgres@127.0.0.1:${port}/${database}?sslmode=disable`;
  const clients: postgres.Sql[] = [];
  const admin = (database = "postgres") => {
    const sql = postgres(url(database), { onnotice: () => {}, max: 2 });
    clients.push(sql);
    return sql;
  };
  const root = admin();
  await root.unsafe(`CREATE ROLE ${SECRET_ROLE} LOGIN SUPERUSER PASSWORD '${SECRET_PASSWORD}'`);
  return {
    port,
    tlsCert,
    url,
    admin,
    async createDatabase() {
      const name = `t${process.pid}_${++databases}`;
      await root.unsafe(`CREATE DATABASE ${name}`);
      return url(name);
    },
    async stop() {
      await Promise.all(clients.map((c) => c.end({ timeout: 1 })));
      try {
        asPostgres(join(bin, "pg_ctl"), ["-D", data, "-m", "immediate", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

function readLog(dir: string): string {
  try {
    return readFileSync(join(dir, "log"), "utf8").trim().split("\n").slice(-5).join(" | ");
  } catch {
    return "(no log)";
  }
}
