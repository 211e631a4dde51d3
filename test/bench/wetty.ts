/**
 * The peer: wetty (socket.io + xterm.js + node-pty), installed at bench time from the
 * npm registry at a pinned version into a folder of the benchmark's own (never into
 * the app's dependencies), serving `docker exec -it` into a sandbox.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const WETTY_VERSION = '3.2.0';

/** Installs wetty (and builds node-pty with node-gyp if it has to) once; returns its entry point. */
export function ensureWetty(peersDir: string, log: (line: string) => void): string {
  const dir = path.join(peersDir, `wetty-${WETTY_VERSION}`);
  const main = path.join(dir, 'node_modules/wetty/build/main.js');
  const installed = path.join(dir, 'node_modules/wetty/package.json');
  const pty = path.join(dir, 'node_modules/node-pty/build/Release/pty.node');
  if (existsSync(installed) && JSON.parse(readFileSync(installed, 'utf8')).version === WETTY_VERSION && existsSync(pty)) return main;
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'package.json'),
    JSON.stringify(
      {
        name: 'berth-bench-wetty',
        private: true,
        description: 'wetty for Berth benchmark runs only (test/bench); not a dependency of the app',
        dependencies: { wetty: WETTY_VERSION },
        // npm 11 runs no install script unless allowed: node-pty builds its native module.
        allowScripts: { 'node-pty': true },
      },
      null,
      2,
    ),
  );
  log(`installing wetty ${WETTY_VERSION} into ${dir} (npm registry; node-pty is built with node-gyp)`);
  execFileSync('flock', ['/tmp/berth-npm.lock', 'npm', 'install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: 'inherit' });
  if (!existsSync(pty)) throw new Error(`node-pty did not build (${pty} missing): see the npm output above`);
  return main;
}

export interface WettyServer {
  url: string;
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

export async function startWetty(main: string, port: number, command: string, logFile: string): Promise<WettyServer> {
  const url = `http://127.0.0.1:${port}`;
  if (await fetch(url).then(() => true, () => false)) throw new Error(`something already listens on ${url} (a wetty left by a killed run?)`);
  const out = openSync(logFile, 'a');
  const child = spawn(process.execPath, [main, '--host', '127.0.0.1', '--port', String(port), '--base', '/wetty', '--command', command, '--log-level', 'warn'], {
    stdio: ['ignore', out, out],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  const until = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`${url}/wetty`)).ok) break;
    } catch {
      // not yet
    }
    if (child.exitCode !== null) throw new Error(`wetty exited (${child.exitCode}); see ${logFile}`);
    if (Date.now() > until) throw new Error(`wetty did not answer on ${url}; see ${logFile}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
