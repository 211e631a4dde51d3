import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { openTerminal, sessionId, sh, startTestAgent, type TestAgent } from './harness';

// The warm pool on the real engine: sandboxes booted ahead of time are handed to
// sessions at once, never twice, never when they do not answer, and survive an
// agent restart (claimed ones as their sessions, the others as the pool).

const NAME = 'pool';
const SLOTS = { first: 44, count: 4 };
const POOL = { sizes: { default: 2 }, reserveSlots: 0, retrySeconds: 2, cpuShares: 256, refillDelaySeconds: 0.2 };
const STATE_DIR = '/var/lib/berth/test-agents';
let t: TestAgent;

const docker = (...args: string[]) => execFileSync('docker', args, { encoding: 'utf8' }).trim();
const container = (sandboxId: string) => `berth-it-${NAME}-${sandboxId}`;
/** Containers the pool made that no session has claimed. */
const pooledContainers = () => {
  const claimed = new Set(t.agent.manager.list().map((s) => container(s.sandboxId ?? '')));
  return docker('ps', '--filter', `label=berth.agent=it-${NAME}`, '--filter', 'label=berth.pool=default', '--format', '{{.Names}}')
    .split('\n')
    .filter((n) => n && !claimed.has(n));
};
const gone = (name: string) => docker('ps', '-a', '--filter', `name=^${name}$`, '--format', '{{.Names}}') === '';

async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function poolReady(agent: TestAgent, ready = 2, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (agent.agent.manager.capacity().pool[0]?.ready !== ready) {
    if (Date.now() > until) throw new Error(`the pool never had ${ready} ready: ${JSON.stringify(agent.agent.manager.capacity().pool)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  t = await startTestAgent(NAME, SLOTS, { pool: POOL });
  await poolReady(t);
});

afterAll(async () => {
  await t?.stop();
});

describe('the warm pool', () => {
  it('boots its sandboxes ahead of time, untouched and at a low CPU weight, and reports them', async () => {
    const names = pooledContainers();
    expect(names).toHaveLength(2);
    for (const name of names) {
      expect(docker('inspect', '-f', '{{.HostConfig.CpuShares}} {{json .ExecIDs}} {{index .Config.Labels "berth.session"}}', name)).toBe('256 null <no value>');
    }
    const health = (await (await fetch(`${t.url}/healthz`)).json()) as { capacity: { pool: unknown[] } };
    expect(health.capacity.pool).toEqual([expect.objectContaining({ profile: 'default', target: 2, ready: 2, starting: 0 })]);
  });

  it('serves a session from the pool in a fraction of a boot, and the sandbox works', async () => {
    const id = sessionId('warm');
    const started = Date.now();
    const info = await t.client.request('sandbox:create', { sessionId: id });
    const ms = Date.now() - started;
    console.log(`session from the pool ready in ${ms} ms`);
    expect(info.state).toBe('ready');
    expect(info.sandboxId).toMatch(/^pool\./);
    expect(ms).toBeLessThan(500);
    // The claim is on disk (an agent restart finds it) and the session has a session's CPU weight.
    const claim = JSON.parse(readFileSync(`${STATE_DIR}/it-${NAME}/sessions/${info.sandboxId}/claim.json`, 'utf8'));
    expect(claim).toMatchObject({ sessionId: id, expiresAt: info.expiresAt });
    await until('the claimed sandbox has a session CPU weight', () => docker('inspect', '-f', '{{.HostConfig.CpuShares}}', container(info.sandboxId!)) === '1024', 5000);
    // The learner is the slot's own uid, and Docker works.
    const r = await sh(t, id, 'id -u && docker run --rm hello-world | grep -c "^Hello from"');
    expect(r.stdout.trim().split('\n')).toEqual([String(t.agent.manager.identity(id).learnerUid), '1']);
    const term = await openTerminal(t, id);
    await term.waitFor(/\$ $/);
    // The pool refills behind it.
    await poolReady(t);
    await t.client.request('sandbox:destroy', { sessionId: id });
  });

  it('resets onto a fresh pooled sandbox at once and removes the old one in the background', async () => {
    const id = sessionId('reset');
    const first = await t.client.request('sandbox:create', { sessionId: id });
    await sh(t, id, 'echo old > ~/mark');
    await poolReady(t);
    const started = Date.now();
    const again = await t.client.request('sandbox:reset', { sessionId: id });
    const ms = Date.now() - started;
    console.log(`reset onto a pooled sandbox in ${ms} ms`);
    expect(again.state).toBe('ready');
    expect(ms).toBeLessThan(500);
    expect(again.sandboxId).not.toBe(first.sandboxId);
    expect(again.hostUid).not.toBe(first.hostUid);
    expect((await sh(t, id, 'cat ~/mark 2>&1; ls -A ~ | grep -c mark')).stdout).toMatch(/No such file/);
    // Container, network and disk of the old sandbox go away.
    await until('the old sandbox is removed', () => gone(container(first.sandboxId!)) && !existsSync(`${STATE_DIR}/it-${NAME}/sessions/${first.sandboxId}`));
    expect(docker('network', 'ls', '--filter', `name=${container(first.sandboxId!)}`, '--format', '{{.Name}}')).toBe('');
    await poolReady(t);
    await t.client.request('sandbox:destroy', { sessionId: id });
  });

  it('never hands out a pooled sandbox that does not answer', async () => {
    const frozen = pooledContainers();
    expect(frozen).toHaveLength(2);
    for (const name of frozen) docker('pause', name);
    const id = sessionId('frozen');
    const info = await t.client.request('sandbox:create', { sessionId: id });
    // Both failed the check: the session got a sandbox booted for it.
    expect(info.sandboxId).toBe(id);
    expect((await sh(t, id, 'docker info --format "{{.ServerVersion}}"')).exitCode).toBe(0);
    await until('the frozen sandboxes are removed', () => frozen.every(gone));
    await t.client.request('sandbox:destroy', { sessionId: id });
    await poolReady(t);
  });

  it('after an agent restart, the claimed sandbox is the session again and the rest is the pool again', async () => {
    const id = sessionId('restart');
    const before = await t.client.request('sandbox:create', { sessionId: id });
    await poolReady(t);
    const pooled = pooledContainers().sort();
    // The agent goes away without removing anything (as a crash or an upgrade would).
    t.client.close();
    await t.agent.shutdown('restart');
    t = await startTestAgent(NAME, SLOTS, { pool: POOL });
    const list = await t.client.request('sandbox:list', {});
    expect(list).toEqual([expect.objectContaining({ sessionId: id, state: 'ready', sandboxId: before.sandboxId, hostUid: before.hostUid, expiresAt: before.expiresAt })]);
    // The unclaimed ones were adopted as they were: no boot needed.
    expect(t.agent.manager.capacity().pool[0]).toMatchObject({ ready: 2, starting: 0 });
    expect(pooledContainers().sort()).toEqual(pooled);
    const term = await openTerminal(t, id);
    await term.waitFor(/\$ $/);
    await t.client.request('sandbox:destroy', { sessionId: id });
  });
});
