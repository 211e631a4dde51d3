import { afterAll, describe, expect, it } from 'vitest';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient } from '../../worker-agent/src/client/agent-client';
import { freePort } from '../../apps/web/src/server/free-port';
import { REPO, requireHost, sessionId } from './harness';

// The agent can die at any moment (kill -9, a host reboot). Whatever it was doing,
// a restart must adopt the sandboxes that are fine and leave nothing orphaned.

const AGENT_ID = 'it-crash';
const STATE_DIR = '/var/lib/berth/test-agents';
const token = randomBytes(24).toString('hex');
let agent: ChildProcess | null = null;
let port = 0;

async function startAgentProcess(): Promise<AgentClient> {
  requireHost();
  killAgent();
  if (!port) port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'berth-crash-'));
  const configPath = join(dir, 'agent.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      agentId: AGENT_ID,
      token,
      listen: { host: '127.0.0.1', port },
      profilesDir: `${REPO}content/sandbox-profiles`,
      stateDir: STATE_DIR,
      slots: { first: 36, count: 3 },
      logLevel: 'warn',
    }),
  );
  agent = spawn(process.execPath, ['--import', 'tsx', `${REPO}worker-agent/src/main.ts`], {
    env: { ...process.env, BERTH_AGENT_CONFIG: configPath },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > until) throw new Error('the agent did not come up');
    await new Promise((r) => setTimeout(r, 100));
  }
  return AgentClient.connect(`http://127.0.0.1:${port}`, token);
}

function killAgent(): void {
  if (!agent) return;
  agent.kill('SIGKILL');
  agent = null;
  // The kernel needs a moment to reap it; the next agent checks its lock.
  execFileSync('sleep', ['0.2']);
}

/** Everything on the host that belongs to this agent, by kind. */
function leftovers() {
  const label = `label=berth.agent=${AGENT_ID}`;
  const containers = execFileSync('docker', ['ps', '-a', '--filter', label, '--format', '{{.Label "berth.session"}}'], { encoding: 'utf8' });
  const networks = execFileSync('docker', ['network', 'ls', '--filter', label, '--format', '{{.Label "berth.session"}}'], { encoding: 'utf8' });
  const disksDir = join(STATE_DIR, AGENT_ID, 'sessions');
  const mounts = readFileSync('/proc/self/mounts', 'utf8')
    .split('\n')
    .filter((l) => l.split(' ')[1]?.startsWith(disksDir)).length;
  const list = (s: string) => s.split('\n').filter(Boolean).sort();
  return {
    containers: list(containers),
    networks: list(networks),
    disks: existsSync(disksDir) ? readdirSync(disksDir).sort() : [],
    mounts,
  };
}

afterAll(async () => {
  try {
    const client = await startAgentProcess();
    for (const s of await client.request('sandbox:list', {})) await client.request('sandbox:destroy', { sessionId: s.sessionId });
    client.close();
  } finally {
    killAgent();
  }
});

describe('an agent killed with -9', () => {
  const a = sessionId('keep-a');
  const b = sessionId('keep-b');
  const c = sessionId('half');

  it('adopts the ready sandboxes and leaves nothing that no session owns', async () => {
    let client = await startAgentProcess();
    await client.request('sandbox:create', { sessionId: a });
    await client.request('sandbox:create', { sessionId: b });
    // Kill it while a third sandbox is being made.
    const pending = client.request('sandbox:create', { sessionId: c }).catch((e: Error) => e);
    const until = Date.now() + 10_000;
    while (!leftovers().networks.includes(c) && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    killAgent();
    client.close();
    await pending;
    console.log('left behind by the kill:', leftovers());
    // And, as a crash at another moment would leave them: a disk and a network with no
    // container, and a container that was created but never started.
    const orphan = sessionId('orphan');
    const labels = ['--label', `berth.agent=${AGENT_ID}`, '--label', `berth.session=${orphan}`];
    execFileSync('docker', ['network', 'create', ...labels, `berth-${AGENT_ID}-${orphan}`], { stdio: 'ignore' });
    execFileSync('mkdir', ['-p', join(STATE_DIR, AGENT_ID, 'sessions', orphan, 'home')]);
    const unstarted = sessionId('unstarted');
    execFileSync('docker', ['create', '--label', `berth.agent=${AGENT_ID}`, '--label', `berth.session=${unstarted}`, 'busybox', 'true'], {
      stdio: 'ignore',
    });

    client = await startAgentProcess();
    const sessions = await client.request('sandbox:list', {});
    const ids = sessions.map((s) => s.sessionId).sort();
    // The two ready ones are adopted; the third is adopted only if it finished starting on its own.
    expect(ids.filter((id) => id !== c)).toEqual([a, b].sort());
    expect(sessions.every((s) => s.state === 'ready')).toBe(true);
    // Nothing is left that no live session owns.
    expect(leftovers()).toEqual({ containers: ids, networks: ids, disks: ids, mounts: ids.length });
    // The adopted sandboxes still work: a new terminal opens.
    const term = await client.request('term:open', { sessionId: a, cols: 80, rows: 24 });
    expect(term.termId).toBeTruthy();
    for (const id of ids.filter((id) => id !== a)) await client.request('sandbox:destroy', { sessionId: id });
    expect(leftovers().containers).toEqual([a]);
    client.close();
  });

  it('never hands one uid range to two live sessions across kills and restarts', async () => {
    let client = await startAgentProcess();
    const live = new Map<string, number>();
    for (const s of await client.request('sandbox:list', {})) live.set(s.sessionId, s.hostUid ?? -1);
    // More sessions than slots, ending and starting, with a kill -9 in the middle.
    for (let round = 0; round < 4; round++) {
      const id = sessionId(`loop${round}`);
      const info = await client.request('sandbox:create', { sessionId: id });
      live.set(id, info.hostUid ?? -1);
      expect(new Set(live.values()).size).toBe(live.size);
      if (round === 1) {
        killAgent();
        client.close();
        client = await startAgentProcess();
      }
      const oldest = [...live.keys()][0]!;
      await client.request('sandbox:destroy', { sessionId: oldest });
      live.delete(oldest);
    }
    const sessions = await client.request('sandbox:list', {});
    const uids = sessions.map((s) => s.hostUid);
    expect(new Set(uids).size).toBe(sessions.length);
    expect(leftovers().containers).toEqual(sessions.map((s) => s.sessionId).sort());
    // Each live session's processes really run as the uid it was given.
    for (const s of sessions) {
      const name = `berth-${AGENT_ID}-${s.sessionId}`;
      const pid = execFileSync('docker', ['inspect', '-f', '{{.State.Pid}}', name], { encoding: 'utf8' }).trim();
      const uid = /Uid:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
      expect(Number(uid)).toBe(s.hostUid);
    }
    for (const s of sessions) await client.request('sandbox:destroy', { sessionId: s.sessionId });
    expect(leftovers()).toEqual({ containers: [], networks: [], disks: [], mounts: 0 });
    client.close();
  });
});
