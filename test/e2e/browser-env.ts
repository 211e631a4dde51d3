/**
 * The environment the test browser runs in: with `no-netlink.c` preloaded (built once
 * per content with the machine's C compiler, into the state directory), so that the
 * bridge networks the agent makes on this machine do not fail the page's requests with
 * ERR_NETWORK_CHANGED. Without a compiler the browser runs as it is, and says why.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const SOURCE = path.join(import.meta.dirname, 'no-netlink.c');
let built: string | null | undefined;

function buildShim(): string | null {
  const source = readFileSync(SOURCE);
  const dir = path.join(process.env.BERTH_STATE_DIR ?? tmpdir(), 'test-browser');
  const out = path.join(dir, `no-netlink-${createHash('sha256').update(source).digest('hex').slice(0, 12)}.so`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const partial = `${out}.${process.pid}`;
  try {
    execFileSync(process.env.CC ?? 'cc', ['-shared', '-fPIC', '-O2', '-o', partial, SOURCE, '-ldl'], { stdio: 'pipe' });
  } catch (error) {
    console.warn(`[berth test] the browser runs without the netlink shim (no C compiler: ${(error as Error).message.split('\n')[0]}); a sandbox created during a page load can fail it with ERR_NETWORK_CHANGED`);
    return null;
  }
  renameSync(partial, out);
  return out;
}

/** process.env plus LD_PRELOAD of the shim (when it could be built). */
export function browserEnv(): Record<string, string | undefined> {
  if (built === undefined) built = buildShim();
  if (!built) return { ...process.env };
  const preload = [built, process.env.LD_PRELOAD].filter(Boolean).join(' ');
  return { ...process.env, LD_PRELOAD: preload };
}
