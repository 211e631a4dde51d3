/**
 * Database chores (run through apps/web's npm scripts; paths are relative to the
 * repository root):
 *
 *   npm run -s -w apps/web db:diff -- <prisma migrate diff arguments>
 *     `prisma migrate diff` needs a live PostgreSQL even for --from-empty (Prisma
 *     6.19 with the JS schema engine): this starts a throw-away embedded one,
 *     runs the diff against it and prints the SQL on stdout. E.g.
 *       npm run -s -w apps/web db:diff -- --from-empty \
 *         --to-schema-datamodel prisma/schema.prisma --script -o prisma/migrations/0001_init/migration.sql
 *       npm run -s -w apps/web db:diff -- --from-schema-datamodel /tmp/old.prisma \
 *         --to-schema-datamodel prisma/schema.prisma --script
 *     (/tmp/old.prisma from `git show HEAD:prisma/schema.prisma > /tmp/old.prisma`).
 *
 *   npm run -w apps/web db:migrate
 *     Applies prisma/migrations to DATABASE_URL, or, without it, to the embedded
 *     PostgreSQL (BERTH_PG_DATA_DIR, default /var/lib/berth/postgres; BERTH_PG_PORT,
 *     default 5433), which is stopped again afterwards.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres } from './embedded';
import { migrate } from './migrate';
import { freePort } from '../free-port';

const ROOT = fileURLToPath(new URL('../../../../../', import.meta.url));
const CONFIG = path.join(ROOT, 'prisma', 'prisma.config.ts');

async function diff(args: string[]): Promise<number> {
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-diff-'));
  await fs.chmod(tmp, 0o711);
  const pg = await startEmbeddedPostgres({
    dataDir: path.join(tmp, 'pg'),
    port: await freePort(),
    settings: { fsync: 'off' },
  });
  try {
    return await new Promise<number>((resolve, reject) => {
      const child = spawn('prisma', ['migrate', 'diff', '--config', CONFIG, ...args], {
        cwd: ROOT,
        stdio: 'inherit',
        env: { ...process.env, BERTH_PRISMA_CLI_DATABASE_URL: pg.url, CHECKPOINT_DISABLE: '1', PRISMA_HIDE_UPDATE_MESSAGE: '1' },
      });
      child.once('error', reject);
      child.once('exit', (code) => resolve(code ?? 1));
    });
  } finally {
    await pg.stop();
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

async function migrateCommand(): Promise<number> {
  const url = process.env.DATABASE_URL;
  const log = (line: string) => console.error(line);
  if (url) {
    const r = await migrate(url, { log });
    console.error(`applied ${r.applied.length}, already applied ${r.skipped.length}`);
    return 0;
  }
  const pg = await startEmbeddedPostgres({
    dataDir: process.env.BERTH_PG_DATA_DIR,
    port: process.env.BERTH_PG_PORT ? Number(process.env.BERTH_PG_PORT) : undefined,
    log: (line) => {
      if (line.startsWith('embedded postgres:')) log(line);
    },
  });
  try {
    const r = await migrate(pg.url, { log });
    console.error(`applied ${r.applied.length}, already applied ${r.skipped.length} (embedded, ${pg.dataDir})`);
    return 0;
  } finally {
    await pg.stop();
  }
}

const [command, ...rest] = process.argv.slice(2);
const run =
  command === 'diff'
    ? () => diff(rest[0] === '--' ? rest.slice(1) : rest)
    : command === 'migrate'
      ? migrateCommand
      : async () => {
          console.error('usage: cli.ts diff <prisma migrate diff arguments> | cli.ts migrate');
          return 2;
        };
run().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(err.message);
    process.exit(1);
  },
);
