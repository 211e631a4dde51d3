/**
 * The Prisma client over a pg Pool (@prisma/adapter-pg, query compiler: no
 * engine binary). The caller reads the configuration once and passes the URL in.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client';

export type { PrismaClient };

export interface DbClientOptions {
  /** Pool size. Default 10. */
  max?: number;
  /** Shows in pg_stat_activity. Default "berth-web". */
  applicationName?: string;
  /**
   * An idle pooled connection failed (e.g. the server restarted). pg would throw
   * it as an uncaught 'error' event; the pool replaces the connection by itself.
   */
  onPoolError?: (err: Error) => void;
}

export interface DbClient {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Disconnects Prisma and ends the pool. */
  close(): Promise<void>;
}

export function createDbClient(databaseUrl: string, options: DbClientOptions = {}): DbClient {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'berth-web',
  });
  pool.on('error', (err) => options.onPoolError?.(err));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  let closed: Promise<void> | undefined;
  return {
    prisma,
    pool,
    close: () =>
      (closed ??= (async () => {
        await prisma.$disconnect();
        await pool.end();
      })()),
  };
}
