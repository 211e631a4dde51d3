/**
 * The data layer's front door for the web process: read the config once, call
 * openDatabase, pass `sessions` down, call `close` on shutdown.
 */
import { createDbClient, type DbClient, type DbClientOptions } from './client';
import { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from './embedded';
import { migrate, type MigrateResult } from './migrate';
import { sessionRepository, type SessionRepository } from './sessions';

export * from './client';
export * from './embedded';
export * from './migrate';
export * from './sessions';

/** `{ url }` (production: DATABASE_URL) or `{ embedded }` (one machine, dev). Default: embedded with its defaults. */
export type DatabaseConfig = { url: string } | { embedded: EmbeddedPostgresOptions };

export interface OpenDatabaseOptions {
  /** prisma/migrations; default DEFAULT_MIGRATIONS_DIR. */
  migrationsDir?: string;
  log?: (line: string) => void;
  client?: DbClientOptions;
}

export interface Database {
  url: string;
  /** Set when this process started an embedded server. */
  embedded: EmbeddedPostgres | null;
  migrations: MigrateResult;
  client: DbClient;
  sessions: SessionRepository;
  /** Closes the pool, then stops the embedded server if any. */
  close(): Promise<void>;
}

/** Connects (starting the embedded server if configured), applies migrations, builds the repository. */
export async function openDatabase(config: DatabaseConfig | undefined, options: OpenDatabaseOptions = {}): Promise<Database> {
  const embedded = config && 'url' in config ? null : await startEmbeddedPostgres({ log: options.log, ...config?.embedded });
  const url = embedded ? embedded.url : (config as { url: string }).url;
  try {
    const migrations = await migrate(url, { dir: options.migrationsDir, log: options.log });
    const client = createDbClient(url, { onPoolError: (err) => options.log?.(`database pool: ${err.message}`), ...options.client });
    return {
      url,
      embedded,
      migrations,
      client,
      sessions: sessionRepository(client.prisma),
      close: async () => {
        await client.close();
        await embedded?.stop();
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}
