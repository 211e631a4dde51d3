// Prisma CLI configuration (Prisma 6.19, offline).
//
// `engine: 'js'` with an adapter is what keeps the CLI from downloading native
// engines from binaries.prisma.sh (unreachable here): `prisma generate` then
// needs nothing else, and `prisma migrate diff` runs the WebAssembly schema
// engine over the adapter below.
//
// The adapter is only ever used by `prisma migrate diff`, which insists on a
// live PostgreSQL even for `--from-empty`. `npm run -w apps/web db:diff` starts a
// throw-away embedded PostgreSQL and passes its URL in BERTH_PRISMA_CLI_DATABASE_URL.
// It deliberately does not read DATABASE_URL, so no CLI command can touch the
// application's database.
import path from 'node:path';
import { PrismaPg } from '@prisma/adapter-pg';
import { defineConfig } from 'prisma/config';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join(import.meta.dirname, 'schema.prisma'),
  async adapter() {
    const connectionString = process.env.BERTH_PRISMA_CLI_DATABASE_URL;
    if (!connectionString) {
      throw new Error(
        'prisma migrate commands need a scratch database: run them through `npm run -w apps/web db:diff -- ...`',
      );
    }
    // allowExitOnIdle: otherwise idle pooled connections keep the CLI alive for 10 s.
    return new PrismaPg({ connectionString, allowExitOnIdle: true });
  },
});
