/**
 * The stack the browser tests run against, started the way infra/start.sh does it
 * (the web process with its gateway and embedded PostgreSQL, an agent dialling in),
 * on test ports, with test secrets, an agent id and slots of its own.
 *   node --import tsx test/e2e/stack.ts start   -> prints the URL, writes the state file
 *   node --import tsx test/e2e/stack.ts stop
 * Tests that restart the web process call restartWeb().
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const REPO = path.resolve(import.meta.dirname, '../..');
const DIR = process.env.BERTH_E2E_DIR ?? '/tmp/berth-e2e';
const STATE = path.join(DIR, 'state.json');
const WEB_PORT = Number(process.env.BERTH_TEST_WEB_PORT ?? 3100);
// Agent id, slots ("FIRST:COUNT") and state folder of the stack's agent: others run tests
// side by side on the same engine with their own.
const AGENT_ID = process.env.BERTH_E2E_AGENT_ID ?? 'it-e2e';
const [SLOT_FIRST, SLOT_COUNT] = (process.env.BERTH_E2E_SLOTS ?? '48:8').split(':').map(Number) as [number, number];
const AGENT_STATE_DIR = process.env.BERTH_E2E_AGENT_STATE_DIR ?? '/var/lib/berth/test-agents';

export interface StackState {
  url: string;
  webPid: number;
  agentPid: number;
  webConfig: string;
  agentConfig: string;
}

function spawnLogged(name: string, cwd: string, args: string[], env: Record<string, string>): number {
  const log = openSync(path.join(DIR, `${name}.log`), 'a');
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
    cwd,
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production', ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  child.unref();
  return child.pid!;
}

async function waitFor(check: () => Promise<boolean>, what: string, seconds = 90): Promise<void> {
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not come up within ${seconds} s (logs in ${DIR})`);
}

const healthy = async (url: string) => {
  const res = await fetch(`${url}/api/health`);
  const body = (await res.json()) as { agents: unknown[] };
  return res.ok && body.agents.length > 0;
};

function startWebProcess(state: Pick<StackState, 'webConfig'>): number {
  return spawnLogged('web', path.join(REPO, 'apps/web'), ['server.ts'], { BERTH_WEB_CONFIG: state.webConfig });
}

export async function startStack(): Promise<StackState> {
  mkdirSync(DIR, { recursive: true });
  const url = `http://127.0.0.1:${WEB_PORT}`;
  const agentToken = randomBytes(24).toString('hex');
  const webConfig = path.join(DIR, 'web.json');
  const agentConfig = path.join(DIR, 'agent.json');
  writeFileSync(
    webConfig,
    JSON.stringify({
      host: '127.0.0.1',
      port: WEB_PORT,
      secret: randomBytes(32).toString('hex'),
      agentToken,
      database: { embedded: { dataDir: path.join(DIR, 'postgres'), port: WEB_PORT + 2334 } },
    }),
  );
  writeFileSync(
    agentConfig,
    JSON.stringify({
      agentId: AGENT_ID,
      token: agentToken,
      control: { url },
      profilesDir: path.join(REPO, 'content/sandbox-profiles'),
      stateDir: AGENT_STATE_DIR,
      slots: { first: SLOT_FIRST, count: SLOT_COUNT },
      logLevel: 'warn',
      destroyOnShutdown: true,
    }),
  );
  const webPid = startWebProcess({ webConfig });
  const agentPid = spawnLogged('agent', REPO, ['worker-agent/src/main.ts'], { BERTH_AGENT_CONFIG: agentConfig });
  const state: StackState = { url, webPid, agentPid, webConfig, agentConfig };
  writeFileSync(STATE, JSON.stringify(state));
  await waitFor(() => healthy(url), 'the web process and its agent');
  return state;
}

export function readState(): StackState {
  return JSON.parse(readFileSync(STATE, 'utf8')) as StackState;
}

function kill(pid: number, signal: NodeJS.Signals = 'SIGTERM'): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // gone already
    }
  }
}

async function gone(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
    return false;
  } catch {
    return true;
  }
}

/** Stops the web process (as a deploy would) and starts a new one on the same data. */
export async function restartWeb(): Promise<void> {
  const state = readState();
  kill(state.webPid);
  await waitFor(() => gone(state.webPid), 'the old web process to exit', 30);
  state.webPid = startWebProcess(state);
  writeFileSync(STATE, JSON.stringify(state));
  await waitFor(() => healthy(state.url), 'the restarted web process and its agent');
}

export async function stopStack(): Promise<void> {
  if (!existsSync(STATE)) return;
  const state = readState();
  kill(state.agentPid);
  await waitFor(() => gone(state.agentPid), 'the agent to remove its sandboxes and stop', 60);
  kill(state.webPid);
  await waitFor(() => gone(state.webPid), 'the web process to stop', 30);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const command = process.argv[2];
  if (command === 'start') {
    startStack().then(
      (s) => console.log(s.url),
      (err: Error) => {
        console.error(err.message);
        process.exit(1);
      },
    );
  } else if (command === 'stop') {
    void stopStack();
  } else {
    console.error('usage: stack.ts start|stop');
    process.exit(2);
  }
}
