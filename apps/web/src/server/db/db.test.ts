/**
 * The data layer against a real PostgreSQL: the embedded server this module
 * starts (in a temp dir, on a free port), the repository's migrations, the
 * Prisma client over adapter-pg. Needs `npm run -w apps/web db:generate` first.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../free-port';
import { createDbClient, type DbClient } from './client';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded';
import { openDatabase } from './index';
import { DEFAULT_MIGRATIONS_DIR, MigrationChangedError, migrate, readMigrations } from './migrate';
import { LiveSessionExistsError, sessionRepository, type NewSession, type SessionRepository } from './sessions';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../../../../..');
const MIGRATIONS = ['0001_init', '0002_live_sessions'];
const LIMITS = { memoryMiB: 1024, cpus: 1, pids: 512, diskMiB: 2048, tmpMiB: 64, lifetimeSeconds: 7200, idleSeconds: 900, warnSecondsBefore: 120, maxTerminals: 4 };

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

let tmp: string;
let dataDir: string;
let port: number;
let server: EmbeddedPostgres;
const logs: string[] = [];
const start = () =>
  startEmbeddedPostgres({ dataDir, port, settings: { fsync: 'off' }, log: (l) => logs.push(l), startTimeoutMs: 15_000 });

/** A fresh, empty database on the shared server. */
let dbCount = 0;
async function freshDatabase(): Promise<string> {
  const name = `t${++dbCount}_${process.pid}`;
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(server.url);
  url.pathname = `/${name}`;
  return url.toString();
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

beforeAll(async () => {
  tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'berth-db-test-'));
  // When root, the server runs as `postgres` and must be able to pass through.
  await fs.chmod(tmp, 0o711);
  dataDir = path.join(tmp, 'postgres');
  port = await freePort();
  server = await start();
}, 30_000);

afterAll(async () => {
  await server?.stop();
  if (tmp) await fs.rm(tmp, { recursive: true, force: true });
}, 30_000);

describe('embedded PostgreSQL', () => {
  it('initialises a new data dir: loopback only, random password kept 0600', async () => {
    expect(server.initialised).toBe(true);
    const url = new URL(server.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.port).toBe(String(port));
    expect(url.pathname).toBe('/berth');
    expect(url.password).toMatch(/^[0-9a-f]{48}$/);
    const pw = await fs.stat(path.join(dataDir, 'password'));
    expect(pw.mode & 0o777).toBe(0o600);
    expect((await fs.readFile(path.join(dataDir, 'password'), 'utf8')).trim()).toBe(url.password);
    const [row] = await query<{ listen_addresses: string }>(server.url, 'SHOW listen_addresses');
    expect(row?.listen_addresses).toBe('127.0.0.1');
    const [enc] = await query<{ server_encoding: string }>(server.url, 'SHOW server_encoding');
    expect(enc?.server_encoding).toBe('UTF8');
  });

  it('refuses a second start while this process runs the server', async () => {
    await expect(start()).rejects.toThrow(/already running .*\(this one\)/);
  });
});

describe('migrate', () => {
  it('finds the repository migrations in order', async () => {
    const found = await readMigrations();
    expect(DEFAULT_MIGRATIONS_DIR).toBe(path.join(ROOT, 'prisma', 'migrations') + path.sep);
    expect(found.map((m) => m.name)).toEqual(MIGRATIONS);
  });

  it('applies once and is idempotent', async () => {
    const url = await freshDatabase();
    expect(await migrate(url)).toEqual({ applied: MIGRATIONS, skipped: [], unknown: [] });
    expect(await migrate(url)).toEqual({ applied: [], skipped: MIGRATIONS, unknown: [] });
    const rows = await query<{ name: string; checksum: string }>(url, 'SELECT name, checksum FROM berth_migrations ORDER BY name');
    const files = await readMigrations();
    expect(rows).toEqual(files.map((f) => ({ name: f.name, checksum: f.checksum })));
  });

  it('refuses when an applied migration file changed, naming it', async () => {
    const dir = path.join(tmp, 'changed-migrations');
    await fs.cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const url = await freshDatabase();
    await migrate(url, { dir });
    const file = path.join(dir, '0001_init', 'migration.sql');
    await fs.appendFile(file, '\n-- an afterthought\n');
    const err = await migrate(url, { dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MigrationChangedError);
    expect((err as Error).message).toContain(path.join(dir, '0001_init'));
    expect((err as MigrationChangedError).migration).toBe('0001_init');
  });

  it('rolls a failing migration back entirely and stops there', async () => {
    const dir = path.join(tmp, 'broken-migrations');
    await fs.cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    await fs.mkdir(path.join(dir, '0003_broken'));
    await fs.writeFile(path.join(dir, '0003_broken', 'migration.sql'), 'CREATE TABLE half_done (id int);\nSELECT no_such_function();\n');
    await fs.mkdir(path.join(dir, '0004_after'));
    await fs.writeFile(path.join(dir, '0004_after', 'migration.sql'), 'CREATE TABLE after_broken (id int);\n');
    const url = await freshDatabase();
    await expect(migrate(url, { dir })).rejects.toThrow(/0003_broken.*rolled back.*no_such_function/s);
    const names = await query<{ name: string }>(url, 'SELECT name FROM berth_migrations ORDER BY name');
    expect(names.map((r) => r.name)).toEqual(MIGRATIONS);
    const tables = await query(url, "SELECT 1 FROM pg_tables WHERE tablename IN ('half_done', 'after_broken')");
    expect(tables).toEqual([]);
  });

  it('refuses a pending migration that sorts before an applied one', async () => {
    const dir = path.join(tmp, 'late-migrations');
    await fs.cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const url = await freshDatabase();
    await migrate(url, { dir });
    await fs.mkdir(path.join(dir, '0001_late'));
    await fs.writeFile(path.join(dir, '0001_late', 'migration.sql'), 'SELECT 1;\n');
    await expect(migrate(url, { dir })).rejects.toThrow(/0001_late .*sorts before the applied 0002_live_sessions/);
  });

  it('concurrent migrators apply every migration exactly once', async () => {
    const url = await freshDatabase();
    const results = await Promise.all(Array.from({ length: 6 }, () => migrate(url)));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(MIGRATIONS);
    expect(results.filter((r) => r.applied.length > 0)).toHaveLength(1);
    const [count] = await query<{ n: string }>(url, 'SELECT count(*) AS n FROM berth_migrations');
    expect(count?.n).toBe('2');
  });
});

describe('openDatabase', () => {
  it('over a URL: starts nothing, migrates, serves the repository', async () => {
    const url = await freshDatabase();
    const db = await openDatabase({ url });
    try {
      expect(db.embedded).toBeNull();
      expect(db.migrations.applied).toEqual(MIGRATIONS);
      await db.sessions.ping();
      expect(await db.sessions.countRecentSessionsByVisitor('nobody', new Date(0))).toBe(0);
    } finally {
      await db.close();
    }
    await expect(db.close()).resolves.toBeUndefined();
  });
});

describe('sessions repository', () => {
  let url: string;
  let db: DbClient;
  let repo: SessionRepository;
  let n = 0;
  const newSession = (over: Partial<NewSession> = {}): NewSession => ({
    id: `sess-${++n}-${Math.random().toString(36).slice(2, 10)}`,
    visitorId: 'visitor-a',
    lessonId: 'hello-docker',
    agentId: 'agent-1',
    limits: LIMITS,
    expiresAt: new Date(Date.now() + 3_600_000),
    clientAddress: '203.0.113.7',
    ...over,
  });

  beforeAll(async () => {
    url = await freshDatabase();
    await migrate(url);
    db = createDbClient(url, { max: 4 });
    repo = sessionRepository(db.prisma);
  });
  afterAll(async () => {
    await db?.close();
  });

  it('creates a session (recording its visitor) and reads it back', async () => {
    const s = newSession({ visitorId: 'visitor-new' });
    const created = await repo.createSession(s);
    expect(created).toMatchObject({ ...s, state: 'creating', endedAt: null, endReason: null });
    expect(created.createdAt).toBeInstanceOf(Date);
    expect(await repo.getSession(s.id)).toEqual(created);
    expect(await repo.getVisitor('visitor-new')).toMatchObject({ id: 'visitor-new', locale: null });
    expect(await repo.getSession('nope')).toBeNull();
    await repo.ping();
  });

  it('keeps one live session per visitor and lesson', async () => {
    const first = await repo.createSession(newSession({ visitorId: 'visitor-b' }));
    expect((await repo.findLiveSession('visitor-b', 'hello-docker'))?.id).toBe(first.id);
    expect(await repo.findLiveSession('visitor-b', 'other-lesson')).toBeNull();
    const err = await repo.createSession(newSession({ visitorId: 'visitor-b' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LiveSessionExistsError);

    const ended = await repo.endSession(first.id, { code: 'requested', message: 'stop' });
    expect(ended).toMatchObject({ state: 'stopped', endReason: { code: 'requested', message: 'stop' } });
    expect(ended?.endedAt).toBeInstanceOf(Date);
    expect(await repo.findLiveSession('visitor-b', 'hello-docker')).toBeNull();
    const second = await repo.createSession(newSession({ visitorId: 'visitor-b' }));
    expect((await repo.findLiveSession('visitor-b', 'hello-docker'))?.id).toBe(second.id);
  });

  it('moves through states; final states end the session for good', async () => {
    const s = await repo.createSession(newSession({ visitorId: 'visitor-c' }));
    const ready = await repo.updateSessionState(s.id, 'ready');
    expect(ready).toMatchObject({ state: 'ready', endedAt: null, endReason: null });
    expect(ready!.updatedAt.getTime()).toBeGreaterThanOrEqual(s.updatedAt.getTime());
    const failed = await repo.updateSessionState(s.id, 'failed', { code: 'exited', message: 'daemon died' });
    expect(failed).toMatchObject({ state: 'failed', endReason: { code: 'exited', message: 'daemon died' } });
    expect(failed?.endedAt).toBeInstanceOf(Date);
    // Ended sessions never change again.
    expect(await repo.updateSessionState(s.id, 'ready')).toBeNull();
    expect(await repo.endSession(s.id, { code: 'requested', message: 'late' })).toBeNull();
    expect(await repo.getSession(s.id)).toMatchObject({ state: 'failed', endReason: { code: 'exited' } });
    expect(await repo.updateSessionState('unknown-id', 'ready')).toBeNull();
    // The database holds the invariant too.
    await expect(query(url, "UPDATE sessions SET state = 'stopped' WHERE id = $1", [ready!.id])).resolves.toBeDefined();
    await expect(query(url, "UPDATE sessions SET state = 'ready' WHERE id = $1", [ready!.id])).rejects.toThrow(
      /sessions_ended_at_iff_final/,
    );
  });

  it('interrupts the live sessions of a lost agent and lists them', async () => {
    const a1 = await repo.createSession(newSession({ visitorId: 'v-int-1', agentId: 'agent-x' }));
    const a2 = await repo.createSession(newSession({ visitorId: 'v-int-2', agentId: 'agent-x' }));
    await repo.updateSessionState(a2.id, 'ready');
    const gone = await repo.createSession(newSession({ visitorId: 'v-int-3', agentId: 'agent-x' }));
    await repo.endSession(gone.id, { code: 'requested', message: 'done' });
    const other = await repo.createSession(newSession({ visitorId: 'v-int-4', agentId: 'agent-y' }));

    const interrupted = await repo.markAgentInterrupted('agent-x');
    expect(interrupted.map((s) => s.id)).toEqual([a1.id, a2.id]);
    expect(interrupted.every((s) => s.state === 'interrupted')).toBe(true);
    expect(await repo.markAgentInterrupted('agent-x')).toEqual([]);
    expect((await repo.getSession(other.id))?.state).toBe('creating');
    expect((await repo.getSession(gone.id))?.state).toBe('stopped');

    const live = await repo.listLiveSessionsOfAgent('agent-x');
    expect(live.map((s) => [s.id, s.state])).toEqual([
      [a1.id, 'interrupted'],
      [a2.id, 'interrupted'],
    ]);
    // Interrupted is still live: the agent may come back with the sandbox.
    expect((await repo.findLiveSession('v-int-1', 'hello-docker'))?.id).toBe(a1.id);
    expect(await repo.updateSessionState(a1.id, 'ready')).toMatchObject({ state: 'ready' });
    expect((await repo.listLiveSessionsOfAgent('agent-y')).map((s) => s.id)).toEqual([other.id]);
  });

  it('counts recent sessions by visitor and by address', async () => {
    const old = await repo.createSession(newSession({ visitorId: 'v-rate', lessonId: 'l1', clientAddress: '198.51.100.9' }));
    await repo.endSession(old.id, { code: 'lifetime', message: 'over' });
    await query(url, "UPDATE sessions SET created_at = now() - interval '2 hours' WHERE id = $1", [old.id]);
    const recent = await repo.createSession(newSession({ visitorId: 'v-rate', lessonId: 'l2', clientAddress: '198.51.100.9' }));
    await repo.endSession(recent.id, { code: 'requested', message: 'x' });
    await repo.createSession(newSession({ visitorId: 'v-rate', lessonId: 'l3', clientAddress: '2001:db8::1' }));
    await repo.createSession(newSession({ visitorId: 'v-rate-2', lessonId: 'l1', clientAddress: '198.51.100.9' }));

    const hourAgo = new Date(Date.now() - 3_600_000);
    const dayAgo = new Date(Date.now() - 86_400_000);
    expect(await repo.countRecentSessionsByVisitor('v-rate', hourAgo)).toBe(2);
    expect(await repo.countRecentSessionsByVisitor('v-rate', dayAgo)).toBe(3);
    expect(await repo.countRecentSessionsByVisitor('v-rate', new Date(Date.now() + 60_000))).toBe(0);
    expect(await repo.countRecentSessionsByAddress('198.51.100.9', hourAgo)).toBe(2);
    expect(await repo.countRecentSessionsByAddress('198.51.100.9', dayAgo)).toBe(3);
    expect(await repo.countRecentSessionsByAddress('2001:db8::1', hourAgo)).toBe(1);
    expect(await repo.countRecentSessionsByAddress('192.0.2.1', dayAgo)).toBe(0);
  });

  it('lists live sessions past their lifetime', async () => {
    const past = await repo.createSession(newSession({ visitorId: 'v-exp', expiresAt: new Date(Date.now() - 1_000) }));
    await repo.createSession(newSession({ visitorId: 'v-exp-2' }));
    const expired = await repo.listExpiredLiveSessions();
    expect(expired.map((s) => s.id)).toContain(past.id);
    expect(expired.every((s) => s.expiresAt.getTime() <= Date.now() && s.endedAt === null)).toBe(true);
  });

  it('records visitors idempotently, keeping the last locale given', async () => {
    const v = await repo.ensureVisitor('v-locale', 'ko');
    expect(v).toMatchObject({ id: 'v-locale', locale: 'ko' });
    expect(await repo.ensureVisitor('v-locale')).toEqual(v);
    expect(await repo.ensureVisitor('v-locale', 'en')).toMatchObject({ locale: 'en', createdAt: v.createdAt });
  });
});

describe('restarts and crashes', () => {
  const sessionId = 'survivor-session';

  async function writeSurvivor(): Promise<void> {
    const db = createDbClient(server.url, { max: 1 });
    try {
      await migrate(server.url);
      await sessionRepository(db.prisma).createSession({
        id: sessionId,
        visitorId: 'v-survivor',
        lessonId: 'hello-docker',
        agentId: 'agent-1',
        limits: LIMITS,
        expiresAt: new Date(Date.now() + 3_600_000),
        clientAddress: null,
      });
    } finally {
      await db.close();
    }
  }

  async function survivorState(): Promise<string | undefined> {
    const db = createDbClient(server.url, { max: 1 });
    try {
      return (await sessionRepository(db.prisma).getSession(sessionId))?.state;
    } finally {
      await db.close();
    }
  }

  it('a restart reuses the data dir and its data', async () => {
    await writeSurvivor();
    await server.stop();
    await server.stop(); // idempotent
    server = await start();
    expect(server.initialised).toBe(false);
    expect(await survivorState()).toBe('creating');
  }, 30_000);

  it('ignores a stale postmaster.pid whose pid now belongs to another process', async () => {
    await server.stop();
    const pgdata = path.join(dataDir, 'pgdata');
    // PostgreSQL itself only trips over a pid that its own user may signal: run the
    // stand-in as the server's user (`postgres` when we are root), as after a reboot.
    const owner = await fs.stat(pgdata);
    const sleeper = spawn('sleep', ['60'], { stdio: 'ignore', uid: owner.uid, gid: owner.gid });
    try {
      await fs.writeFile(path.join(pgdata, 'postmaster.pid'), `${sleeper.pid}\n${pgdata}\n0\n${port}\n\n127.0.0.1\n`);
      logs.length = 0;
      server = await start();
      expect(logs.some((l) => l.includes('removing a stale'))).toBe(true);
      expect(await survivorState()).toBe('creating');
    } finally {
      sleeper.kill('SIGKILL');
    }
  }, 30_000);

  it('after its starter crashed, stops the orphaned server and starts again with the same data', async () => {
    await server.stop();
    const script = path.join(tmp, 'crash-child.mts');
    await fs.writeFile(
      script,
      `import { startEmbeddedPostgres } from ${JSON.stringify(path.join(HERE, 'embedded.ts'))};
const pg = await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${port}, settings: { fsync: 'off' } });
const pid = (await import('node:fs')).readFileSync(${JSON.stringify(path.join(dataDir, 'pgdata', 'postmaster.pid'))}, 'utf8').split('\\n')[0];
console.log('READY ' + pid + ' ' + pg.port);
setInterval(() => {}, 1000);
`,
    );
    const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const postmaster = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /READY (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.once('exit', (code) => reject(new Error(`the child exited (${code}) before its server was ready: ${out}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    expect(isAlive(postmaster)).toBe(true); // orphaned, still holding the data dir and port

    logs.length = 0;
    server = await start();
    expect(logs.some((l) => l.includes(`orphaned server pid ${postmaster}`))).toBe(true);
    expect(isAlive(postmaster)).toBe(false);
    expect(await survivorState()).toBe('creating');
  }, 30_000);
});
