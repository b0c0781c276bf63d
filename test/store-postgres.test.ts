import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { UsageError } from "../src/config/errors.ts";
import { openStore, type Source, type Store, StoreError } from "../src/store/index.ts";
import { openPostgresStore } from "../src/store/postgres/index.ts";
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from "../src/store/postgres/migrations.ts";
import { parsePgUrl } from "../src/store/postgres/url.ts";
import type { UsageRow } from "../src/usage/types.ts";
import { NO_PG, type PgServer, pgBinDir, SECRET_PASSWORD, SECRET_ROLE, startPg } from "./pg-server.ts";

/**
 * What only the PostgreSQL store does: URLs and PG* variables, errors a user can act on (exit 2
 * when opening), the password never shown, migrations racing, and the grants a role needs.
 * The Store contract itself is test/store-contract.test.ts.
 */

const hasPg = pgBinDir() !== null;
if (!hasPg) console.warn(NO_PG);
let pg: PgServer;
beforeAll(async () => {
  if (hasPg) pg = await startPg();
});
afterAll(async () => {
  await pg?.stop();
});

const SRC: Source = { platform: "cursor", org: "org:one" };
const row = (day: string, identity: string): UsageRow => ({
  platform: "cursor",
  day,
  identity,
  email: null,
  model: "auto",
  requests: 2,
  inputTokens: 1,
  outputTokens: 1,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  costNanos: 5,
  costEstimated: false,
});
const dbOf = (url: string) => new URL(url).pathname.slice(1);
const secretUrl = (db: string, password = SECRET_PASSWORD) =>
  `postgresql://${SECRET_ROLE}:${encodeURIComponent(password)}@127.0.0.1:${pg.port}/${db}?sslmode=disable`;
const failure = (p: Promise<unknown>) =>
  p.then(
    () => new Error("opened"),
    (e: unknown) => e as Error,
  );

describe("postgres store: reading the URL (no server needed)", () => {
  const env = {};
  it("maps libpq's sslmode to TLS options, reading sslrootcert; prefer by default", () => {
    const dir = mkdtempSync(join(tmpdir(), "ai-usage-pg-url-"));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const ca = join(dir, "root.pem");
    writeFileSync(ca, "-----BEGIN CERTIFICATE-----\nnot checked here\n-----END CERTIFICATE-----\n");
    const ssl = (q: string, e: NodeJS.ProcessEnv = env) =>
      parsePgUrl(`postgres://u@db.example/x${q}`, e).options.ssl;
    expect(ssl("")).toBe("prefer");
    expect(ssl("?sslmode=disable")).toBe(false);
    expect(ssl("?sslmode=require")).toBe("require");
    expect(ssl("", { PGSSLMODE: "require" })).toBe("require");
    expect(ssl(`?sslmode=verify-full&sslrootcert=${encodeURIComponent(ca)}`)).toMatchObject({
      rejectUnauthorized: true,
      ca: expect.stringContaining("BEGIN CERTIFICATE"),
    });
    const verifyCa = ssl(`?sslmode=verify-ca&sslrootcert=${encodeURIComponent(ca)}`) as {
      checkServerIdentity?: unknown;
    };
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true });
    expect(typeof verifyCa.checkServerIdentity).toBe("function");
    expect(() => ssl("?sslmode=verify-full&sslrootcert=/no/such.pem")).toThrow(
      /cannot read sslrootcert \/no\/such.pem/,
    );
  });

  it("shows user, host, port and database, never the password; a socket directory as host", () => {
    const t = parsePgUrl("postgresql://alice:s3cr%40t@db.example:6543/usage?application_name=cron", env);
    expect(t.location).toBe("postgres://alice@db.example:6543/usage");
    expect(t.password).toBe("s3cr@t");
    expect(t.options).toMatchObject({ host: "db.example", port: 6543, username: "alice", database: "usage" });
    const socket = parsePgUrl("postgres:///usage?host=/var/run/postgresql", { PGUSER: "bob" });
    expect(socket.options).toMatchObject({ path: "/var/run/postgresql/.s.PGSQL.5432", username: "bob" });
    expect(socket.location).toBe("postgres://bob@[/var/run/postgresql]:5432/usage");
  });
});

describe.skipIf(!hasPg)("postgres store: connecting", () => {
  it("opens with the password from the URL, and never shows it", async () => {
    const db = dbOf(await pg.createDatabase());
    const store = await openStore(secretUrl(db));
    try {
      expect(store.location).toBe(`postgres://${SECRET_ROLE}@127.0.0.1:${pg.port}/${db}`);
      await store.replaceDays(SRC, ["2026-01-01"], [row("2026-01-01", "a")], 1);
      // A failure at run time names the store without the password either.
      const err = await failure(
        store.replaceDays(SRC, ["2026-01-01"], [{ ...row("2026-01-01", "a"), model: null as never }], 2),
      );
      expect(err).toBeInstanceOf(StoreError);
      expect(err.message).toContain(store.location);
      for (const form of [SECRET_PASSWORD, encodeURIComponent(SECRET_PASSWORD)])
        expect(err.message).not.toContain(form);
    } finally {
      await store.close();
    }
  });

  it("says in one line, as a usage error, what is wrong: password, database, refused, TLS, URL", async () => {
    const db = dbOf(await pg.createDatabase());
    const wrong = "Wr0ng-pa55word-abcdef";
    const cases: [string, RegExp][] = [
      [secretUrl(db, wrong), /password authentication failed/],
      [
        `postgres://postgres@127.0.0.1:${pg.port}/no_such_db?sslmode=disable`,
        /database "no_such_db" does not exist/,
      ],
      [`postgres://u:${wrong}@127.0.0.1:1/x`, /connection refused/],
      // A self-signed certificate, and no root certificate to check it against.
      [`postgres://postgres@localhost:${pg.port}/${db}?sslmode=verify-full`, /TLS failed/],
      [
        `postgres://postgres@127.0.0.1:${pg.port}/${db}?sslmode=sometimes`,
        /sslmode "sometimes" is not one of/,
      ],
      [`postgres://u:${wrong}@127.0.0.1:${pg.port}/${db}?password=${wrong}`, /unknown parameter "password"/],
      [`postgres://u:${wrong}@127.0.0.1/x?port=70000`, /port must be/],
      [`postgres://u:${wrong}@[bad/x`, /not a valid postgres:\/\/ URL/],
    ];
    for (const [url, want] of cases) {
      const err = await failure(openStore(url));
      expect(err, url).toBeInstanceOf(UsageError);
      expect(err.message, url).toMatch(want);
      expect(err.message).not.toContain("\n");
      expect(err.message).not.toContain(wrong);
    }
  });

  it("connects over TLS as sslmode says: require, verify-ca, verify-full with sslrootcert", async ({
    skip,
  }) => {
    if (!pg.tlsCert) skip("no openssl to make a certificate");
    const db = dbOf(await pg.createDatabase());
    const root = encodeURIComponent(pg.tlsCert!);
    const at = (host: string, q: string) => `postgres://postgres@${host}:${pg.port}/${db}?${q}`;
    for (const url of [
      at("127.0.0.1", "sslmode=require"),
      at("127.0.0.1", `sslmode=verify-ca&sslrootcert=${root}`),
      at("localhost", `sslmode=verify-full&sslrootcert=${root}`),
    ]) {
      const store = await openStore(url);
      const sql = pg.admin(db);
      // The server's view of this session: encrypted.
      const ssl =
        await sql`SELECT bool_and(s.ssl) AS on FROM pg_stat_ssl s JOIN pg_stat_activity a USING (pid)
        WHERE a.application_name = 'ai-usage'`;
      expect(ssl[0]!.on, url).toBe(true);
      await store.close();
    }
    // The certificate names localhost, not 127.0.0.1: verify-full refuses, verify-ca (above) did not.
    const mismatch = await failure(openStore(at("127.0.0.1", `sslmode=verify-full&sslrootcert=${root}`)));
    expect(mismatch).toBeInstanceOf(UsageError);
    expect(mismatch.message).toMatch(/TLS failed/);
  });

  it("takes what the URL lacks from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE, PGSSLMODE", async () => {
    const db = dbOf(await pg.createDatabase());
    const env = {
      PGHOST: "127.0.0.1",
      PGPORT: String(pg.port),
      PGUSER: SECRET_ROLE,
      PGPASSWORD: SECRET_PASSWORD,
      PGDATABASE: db,
      PGSSLMODE: "disable",
    };
    expect(parsePgUrl("postgres://", env).location).toBe(
      `postgres://${SECRET_ROLE}@127.0.0.1:${pg.port}/${db}`,
    );
    const store = await openPostgresStore("postgres://", env);
    await store.replaceDays(SRC, ["2026-01-01"], [row("2026-01-01", "a")], 1);
    await store.close();
    const wrong = await failure(openPostgresStore("postgres://", { ...env, PGPASSWORD: "nope-nope" }));
    expect(wrong.message).toMatch(/password authentication failed/);
    // The URL wins over the environment.
    const viaUrl = await openPostgresStore(secretUrl(db), {
      ...env,
      PGPASSWORD: "nope-nope",
      PGDATABASE: "x",
    });
    expect((await viaUrl.fetchedDays(SRC, "2026-01-01", "2026-01-01")).size).toBe(1);
    await viaUrl.close();
  });
});

describe.skipIf(!hasPg)("postgres store: schema and grants", () => {
  it("migrates once when several machines open a new database at the same moment", async () => {
    const url = await pg.createDatabase();
    const stores = await Promise.all(Array.from({ length: 6 }, () => openStore(url)));
    await Promise.all(stores.map((s) => s.close()));
    const sql = pg.admin(dbOf(url));
    expect(await sql`SELECT version FROM ai_usage_schema`).toEqual([{ version: PG_SCHEMA_VERSION }]);
    const tables = await sql`SELECT table_name AS t, column_name AS c FROM information_schema.columns
      WHERE table_name LIKE 'ai_usage_%'`;
    expect(tables.length).toBeGreaterThan(20);
    // No column could hold a key.
    for (const r of tables) expect(String(r.c)).not.toMatch(/secret|auth|password|credential|api_?key/i);
  });

  it("upgrades a v1 store in place: rows kept, the planner's statistics for summed reads added", async () => {
    const url = await pg.createDatabase();
    const sql = pg.admin(dbOf(url));
    await sql.unsafe(
      "CREATE TABLE ai_usage_schema (id integer PRIMARY KEY CHECK (id = 1), version integer NOT NULL)",
    );
    for (const statement of PG_MIGRATIONS[0]!.statements) await sql.unsafe(statement);
    await sql`INSERT INTO ai_usage_schema VALUES (1, 1)`;
    await sql`INSERT INTO ai_usage_rows (platform, org, day, identity, model, requests, input_tokens,
      output_tokens, cache_read_tokens, cache_write_tokens, cost_nanos, cost_estimated)
      VALUES ('cursor', 'org:one', '2026-01-01', 'a@x.io', 'auto', 2, 1, 1, 0, 0, 5, false)`;
    const store = await openStore(url);
    const [totals] = await store.readTotals([SRC], "2026-01-01", "2026-01-31");
    await store.close();
    expect(totals).toMatchObject({ identity: "a@x.io", day: "2026-01-01", requests: 2, costNanos: 5 });
    expect(await sql`SELECT version FROM ai_usage_schema`).toEqual([{ version: PG_SCHEMA_VERSION }]);
    expect(await sql`SELECT stxname AS name FROM pg_statistic_ext`).toEqual([
      { name: "ai_usage_rows_groups" },
    ]);
  });

  it("refuses a schema written by a newer ai-usage", async () => {
    const url = await pg.createDatabase();
    await (await openStore(url)).close();
    await pg.admin(dbOf(url))`UPDATE ai_usage_schema SET version = 99`;
    const err = await failure(openStore(url));
    expect(err).toBeInstanceOf(UsageError);
    expect(err.message).toMatch(/written by a newer ai-usage \(schema v99\); upgrade or use --no-store/);
  });

  it("names the missing grant: a usage error when opening, a store error when writing", async () => {
    const url = await pg.createDatabase();
    const db = dbOf(url);
    const sql = pg.admin(db);
    const reader = `reader_${db}`;
    await sql.unsafe(`CREATE ROLE ${reader} LOGIN`);
    const as = (role: string) => `postgres://${role}@127.0.0.1:${pg.port}/${db}?sslmode=disable`;

    // A new database the role may not create tables in (PostgreSQL 15 default for `public`).
    const create = await failure(openStore(as(reader)));
    expect(create).toBeInstanceOf(UsageError);
    expect(create.message).toMatch(/permission denied for schema public; the role needs/);

    const owner: Store = await openStore(url);
    await owner.replaceDays(SRC, ["2026-01-01"], [row("2026-01-01", "a")], 1);
    await owner.close();
    const read = await failure(openStore(as(reader)));
    expect(read.message).toMatch(/permission denied for table ai_usage_schema/);

    // Read-only grants: reports work, a sync fails at run time naming the table.
    await sql.unsafe(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader}`);
    const store = await openStore(as(reader));
    try {
      expect(await store.fetchedDays(SRC, "2026-01-01", "2026-01-02")).toEqual(new Map([["2026-01-01", 1]]));
      const write = await failure(store.replaceDays(SRC, ["2026-01-02"], [], 2));
      expect(write).toBeInstanceOf(StoreError);
      expect(write.message).toMatch(/permission denied for table ai_usage_\w+; the role needs/);
    } finally {
      await store.close();
    }
  });
});
