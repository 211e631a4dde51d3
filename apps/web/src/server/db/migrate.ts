/**
 * Applies prisma/migrations/NNNN_name/migration.sql in order, each in its own
 * transaction, and records what was applied (with a checksum) in
 * `berth_migrations`. Prisma 6's `migrate deploy` fails against PostgreSQL over
 * the driver adapter, so this small runner does it (the SQL itself still comes
 * from `prisma migrate diff`).
 *
 * Why not node-pg-migrate: it wants its own migration format (JS/TS modules or
 * SQL with up/down markers) and its own table, and it does not notice when an
 * applied file is edited afterwards. What we need is ~100 lines: plain SQL files
 * in Prisma's layout, checksums, an advisory lock.
 *
 * Rules:
 * - folders sort by their numeric prefix; names must look like 0001_some_name;
 * - an applied migration whose file changed is refused (MigrationChangedError);
 * - a pending migration that sorts before an applied one is refused (two
 *   branches numbered theirs the same way: renumber it);
 * - two processes migrating at once: the second waits on the advisory lock and
 *   then finds nothing left to do;
 * - a failing migration rolls back entirely and nothing after it runs.
 * - statements that cannot run inside a transaction (CREATE INDEX CONCURRENTLY)
 *   are not supported.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

/** The repository's prisma/migrations, found from this file (works under tsx and Vitest, not inside a Next.js bundle). */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../../../prisma/migrations/', import.meta.url));

/** Both migrators of a database agree on this key ("berth-migrate"). */
const LOCK_KEY = '7310569473826164526';
const TABLE = 'berth_migrations';
const NAME = /^(\d+)_[A-Za-z0-9_-]+$/;

export interface MigrationFile {
  /** The folder's name, e.g. "0001_init". */
  name: string;
  /** Absolute path of its migration.sql. */
  file: string;
  sql: string;
  /** sha256 of the file with line endings normalised to \n. */
  checksum: string;
}

export interface MigrateOptions {
  /** Default DEFAULT_MIGRATIONS_DIR. */
  dir?: string;
  log?: (line: string) => void;
}

export interface MigrateResult {
  /** Applied by this call, in order. */
  applied: string[];
  /** Already applied before this call. */
  skipped: string[];
  /** Recorded as applied but not in the folder (a newer release ran here?). */
  unknown: string[];
}

export class MigrationChangedError extends Error {
  constructor(
    readonly migration: string,
    readonly file: string,
  ) {
    super(
      `migration ${migration} was applied but ${file} has changed since: ` +
        'restore the original file and put the change in a new migration',
    );
    this.name = 'MigrationChangedError';
  }
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql.replace(/\r\n/g, '\n')).digest('hex');
}

/** The migrations of a folder, in the order they apply. */
export async function readMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch((err: Error) => {
    throw new Error(`cannot read the migrations folder ${dir}: ${err.message}`, { cause: err });
  });
  const found: { name: string; order: bigint }[] = [];
  for (const e of entries) {
    if (!e.isDirectory()) continue; // migration_lock.toml, READMEs
    const m = NAME.exec(e.name);
    if (!m?.[1]) throw new Error(`${path.join(dir, e.name)}: a migration folder must be named like 0001_some_name`);
    found.push({ name: e.name, order: BigInt(m[1]) });
  }
  found.sort((a, b) => (a.order === b.order ? (a.name < b.name ? -1 : 1) : a.order < b.order ? -1 : 1));
  return Promise.all(
    found.map(async ({ name }) => {
      const file = path.join(dir, name, 'migration.sql');
      const sql = await fs.readFile(file, 'utf8').catch((err: Error) => {
        throw new Error(`${file}: ${err.message}`, { cause: err });
      });
      return { name, file, sql, checksum: checksumOf(sql) };
    }),
  );
}

/** Brings the database at `databaseUrl` up to date. Safe to call on every start. */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const log = options.log ?? (() => undefined);
  const migrations = await readMigrations(options.dir);
  const client = new pg.Client({ connectionString: databaseUrl, application_name: 'berth-migrate' });
  client.on('error', () => undefined); // a lost connection surfaces as the failing query's error
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [LOCK_KEY]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${TABLE} (
         name text PRIMARY KEY,
         checksum text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now(),
         duration_ms integer NOT NULL
       )`,
    );
    const rows = (await client.query<{ name: string; checksum: string }>(`SELECT name, checksum FROM ${TABLE}`)).rows;
    const applied = new Map(rows.map((r) => [r.name, r.checksum]));
    const inFolder = new Set(migrations.map((m) => m.name));

    const result: MigrateResult = { applied: [], skipped: [], unknown: rows.map((r) => r.name).filter((n) => !inFolder.has(n)).sort() };
    if (result.unknown.length > 0) log(`migrate: applied here but not in the folder: ${result.unknown.join(', ')}`);

    let lastApplied = -1;
    migrations.forEach((m, i) => {
      const checksum = applied.get(m.name);
      if (checksum === undefined) return;
      if (checksum !== m.checksum) throw new MigrationChangedError(m.name, m.file);
      lastApplied = i;
    });
    for (const [i, m] of migrations.entries()) {
      if (applied.has(m.name)) {
        result.skipped.push(m.name);
        continue;
      }
      if (i < lastApplied) {
        throw new Error(
          `migration ${m.name} (${m.file}) is not applied but sorts before the applied ${migrations[lastApplied]?.name}: give it a higher number`,
        );
      }
      const started = Date.now();
      await client.query('BEGIN');
      try {
        await client.query(m.sql);
        await client.query(`INSERT INTO ${TABLE} (name, checksum, duration_ms) VALUES ($1, $2, $3)`, [
          m.name,
          m.checksum,
          Date.now() - started,
        ]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw new Error(`migration ${m.name} (${m.file}) failed and was rolled back: ${(err as Error).message}`, { cause: err });
      }
      log(`migrate: applied ${m.name} in ${Date.now() - started} ms`);
      result.applied.push(m.name);
    }
    return result;
  } finally {
    // Ending the session releases the advisory lock too.
    await client.end().catch(() => undefined);
  }
}
