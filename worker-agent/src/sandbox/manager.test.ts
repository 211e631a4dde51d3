import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { SandboxStateEvent, SandboxWarning } from '@berth/protocol';
import { TEST_LIMITS } from '../testing/fake-agent';
import { FakeDriver } from './fake-driver';
import { SessionManager, type Notifier } from './manager';
import { ProfileStore } from './profiles';

// Shorter idle time and fewer terminals than the transport tests' limits, so these tests stay small.
const limits = { ...TEST_LIMITS, idleSeconds: 120, maxTerminals: 2 };

function setup(opts: { slots?: number; freeMemory?: number } = {}) {
  const driver = new FakeDriver();
  let clock = 1_700_000_000_000;
  const manager = new SessionManager({
    agentId: 'test',
    driver,
    profiles: ProfileStore.fromList([{ name: 'default', description: { en: 'd', ko: 'd' }, limits }]),
    maxLimits: { ...limits, memoryMiB: 1024, lifetimeSeconds: 3600 },
    slots: { first: 5, count: opts.slots ?? 3 },
    network: { bridgePrefix: 'brs', pool: '10.213.0.0/16', prefixLength: 28 },
    flow: { replayBytes: 65536, highWater: 4096, lowWater: 512, maxChunk: 1024 },
    reserveMemoryBytes: 0,
    hostUidBase: 3_000_000,
    freeMemoryBytes: () => opts.freeMemory ?? 8 * 2 ** 30,
    log: pino({ level: 'silent' }),
    now: () => clock,
  });
  const states: SandboxStateEvent[] = [];
  const warnings: SandboxWarning[] = [];
  const notifier: Notifier = {
    state: (e) => states.push(e),
    warning: (w) => warnings.push(w),
    termExit: () => {},
    capacity: () => {},
    filesChanged: () => {},
    ports: () => {},
  };
  manager.subscribe(notifier);
  return { driver, manager, states, warnings, advance: (ms: number) => (clock += ms) };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('SessionManager', () => {
  it('creates a sandbox, reports creating then ready, and gives it the first free slot', async () => {
    const { manager, states, driver } = setup();
    const info = await manager.create({ sessionId: 'session-aaaa' });
    expect(info.state).toBe('ready');
    expect(info.hostUid).toBe(3_000_000 + 100_005);
    expect(states.map((s) => s.state)).toEqual(['creating', 'ready']);
    expect(driver.calls).toEqual(['create session-aaaa slot=5']);
  });

  it('caps requested limits at the operator maximum and rejects unknown profiles', async () => {
    const { manager } = setup();
    const info = await manager.create({ sessionId: 'session-aaaa', limits: { memoryMiB: 100_000, cpus: 0.5 } });
    expect(info.limits.memoryMiB).toBe(1024);
    expect(info.limits.cpus).toBe(0.5);
    await expect(manager.create({ sessionId: 'session-bbbb', profile: 'gpu' })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('refuses with "busy" when every slot is taken or memory is short', async () => {
    const { manager } = setup({ slots: 2 });
    await manager.create({ sessionId: 'session-1111' });
    await manager.create({ sessionId: 'session-2222' });
    await expect(manager.create({ sessionId: 'session-3333' })).rejects.toMatchObject({
      code: 'busy',
      message: expect.stringMatching(/busy/),
    });
    expect(manager.capacity()).toMatchObject({ maxSessions: 2, running: 2, accepting: false });
    const low = setup({ freeMemory: 100 * 2 ** 20 });
    await expect(low.manager.create({ sessionId: 'session-4444' })).rejects.toMatchObject({ code: 'busy' });
  });

  it('marks a sandbox that does not start as failed, with the reason, and frees its slot', async () => {
    const { manager, driver, states } = setup({ slots: 1 });
    driver.failNextCreate = 'inner daemon did not answer';
    await expect(manager.create({ sessionId: 'session-aaaa' })).rejects.toMatchObject({ code: 'failed' });
    expect(states.at(-1)).toMatchObject({ state: 'failed', reason: { code: 'start-failed' } });
    expect(driver.sandboxes.size).toBe(0);
    await expect(manager.create({ sessionId: 'session-bbbb' })).resolves.toMatchObject({ state: 'ready' });
  });

  it('refuses a second create for a live session', async () => {
    const { manager } = setup();
    await manager.create({ sessionId: 'session-aaaa' });
    await expect(manager.create({ sessionId: 'session-aaaa' })).rejects.toMatchObject({ code: 'conflict' });
  });

  it('warns before the lifetime ends, then stops the sandbox and frees everything', async () => {
    const { manager, warnings, states, driver, advance } = setup();
    await manager.create({ sessionId: 'session-aaaa', limits: { lifetimeSeconds: 100 } });
    advance(39_000);
    manager.tick();
    expect(warnings).toEqual([]);
    advance(2_000);
    manager.tick();
    expect(warnings).toEqual([expect.objectContaining({ kind: 'lifetime', secondsLeft: 59 })]);
    advance(60_000);
    manager.tick();
    await flush();
    await flush();
    expect(states.at(-1)).toMatchObject({ state: 'stopped', reason: { code: 'lifetime' } });
    expect(driver.sandboxes.size).toBe(0);
  });

  it('ends an idle session after a warning, and activity postpones it', async () => {
    const { manager, warnings, states, advance } = setup();
    await manager.create({ sessionId: 'session-aaaa' });
    const term = await manager.openTerminal('session-aaaa', { cols: 80, rows: 24 });
    advance(61_000);
    manager.tick();
    expect(warnings.map((w) => w.kind)).toEqual(['idle']);
    manager.input('session-aaaa', term.termId, 'ls\r');
    advance(100_000);
    manager.tick();
    expect(states.at(-1)?.state).toBe('ready');
    advance(30_000);
    manager.tick();
    await flush();
    await flush();
    expect(states.at(-1)).toMatchObject({ state: 'stopped', reason: { code: 'idle' } });
  });

  it('resets to a fresh sandbox in the same slot, closing the old terminals', async () => {
    const { manager, driver } = setup();
    await manager.create({ sessionId: 'session-aaaa' });
    await manager.openTerminal('session-aaaa', { cols: 80, rows: 24 });
    const info = await manager.reset('session-aaaa');
    expect(info.state).toBe('ready');
    expect(info.terminals).toEqual([]);
    expect(driver.shells[0]?.killed).toBe(true);
    expect(driver.calls).toEqual(['create session-aaaa slot=5', 'destroy session-aaaa', 'create session-aaaa slot=5']);
  });

  it('stops on request keeping the disk, and starts again', async () => {
    const { manager, driver } = setup();
    await manager.create({ sessionId: 'session-aaaa' });
    expect((await manager.stop('session-aaaa')).state).toBe('stopped');
    expect(driver.sandboxes.get('session-aaaa')?.running).toBe(false);
    expect((await manager.start('session-aaaa')).state).toBe('ready');
  });

  it('destroys idempotently', async () => {
    const { manager, driver } = setup();
    await manager.create({ sessionId: 'session-aaaa' });
    await manager.destroy('session-aaaa');
    await manager.destroy('session-aaaa');
    expect(driver.sandboxes.size).toBe(0);
    expect(() => manager.get('session-aaaa')).toThrow(/no session/);
  });

  it('opens the first shell as soon as the sandbox is ready, and hands it to the first terminal at the page size', async () => {
    const { manager, driver } = setup();
    await manager.create({ sessionId: 'session-aaaa' });
    expect(driver.shells).toHaveLength(1);
    expect(manager.get('session-aaaa').terminals).toEqual([]);
    const first = await manager.openTerminal('session-aaaa', { cols: 120, rows: 40 });
    expect(driver.shells).toHaveLength(1);
    expect(driver.shells[0]?.resizes).toEqual([{ cols: 120, rows: 40 }]);
    expect(first).toMatchObject({ cols: 120, rows: 40 });
    await manager.openTerminal('session-aaaa', { cols: 80, rows: 24 });
    expect(driver.shells).toHaveLength(2);
    // A reset drops the old sandbox's shells, the unused one too, and opens one in the new sandbox.
    await manager.reset('session-aaaa');
    await flush();
    expect(driver.shells.slice(0, 2).every((s) => s.killed)).toBe(true);
    expect(driver.shells).toHaveLength(3);
    expect(driver.shells[2]?.killed).toBe(false);
  });

  it('limits terminals per session', async () => {
    const { manager } = setup();
    await manager.create({ sessionId: 'session-aaaa' });
    await manager.openTerminal('session-aaaa', { cols: 80, rows: 24 });
    await manager.openTerminal('session-aaaa', { cols: 80, rows: 24 });
    await expect(manager.openTerminal('session-aaaa', { cols: 80, rows: 24 })).rejects.toMatchObject({ code: 'limit' });
  });

  it('streams a terminal to a viewer and replays after a detach', async () => {
    const { manager, driver } = setup();
    await manager.create({ sessionId: 'session-aaaa' });
    const term = await manager.openTerminal('session-aaaa', { cols: 80, rows: 24 });
    const got: string[] = [];
    manager.attach('session-aaaa', term.termId, 'v1', 'interactive', 0, (_s, d) => got.push(d.toString()));
    manager.input('session-aaaa', term.termId, 'echo hi\r');
    manager.detachViewer('v1');
    driver.shells[0]?.print('hi\r\n');
    const result = manager.attach('session-aaaa', term.termId, 'v1', 'interactive', 8, (_s, d) => got.push(d.toString()));
    expect(result.lost).toBe(0);
    expect(got.join('')).toBe('echo hi\rhi\r\n');
  });

  it('marks a sandbox whose container died as failed and frees its slot', async () => {
    const { manager, driver, states } = setup({ slots: 1 });
    await manager.create({ sessionId: 'session-aaaa' });
    driver.emit({ kind: 'exited', sandboxId: 'session-aaaa', exitCode: 137, oomKilled: true });
    await flush();
    await flush();
    expect(states.at(-1)).toMatchObject({ state: 'failed', reason: { code: 'exited', message: expect.stringMatching(/memory/) } });
    await expect(manager.create({ sessionId: 'session-bbbb' })).resolves.toMatchObject({ state: 'ready' });
  });

  it('adopts running sandboxes after a restart, keeps their slots, and sweeps the rest', async () => {
    const first = setup();
    await first.manager.create({ sessionId: 'session-aaaa' });
    await first.manager.create({ sessionId: 'session-bbbb' });
    await first.manager.stop('session-bbbb');
    first.driver.strays.add('half-made-cccc');
    // A new manager on the same engine, as after `kill -9` of the agent.
    const second = setup();
    for (const [id, s] of first.driver.sandboxes) second.driver.sandboxes.set(id, s);
    for (const id of first.driver.strays) second.driver.strays.add(id);
    const result = await second.manager.reconcile();
    expect(result.adopted).toEqual(['session-aaaa']);
    expect(result.removed.sort()).toEqual(['half-made-cccc', 'session-bbbb']);
    expect(second.manager.get('session-aaaa').state).toBe('ready');
    // The adopted slot is not handed out again.
    const next = await second.manager.create({ sessionId: 'session-dddd' });
    expect(second.driver.sandboxes.get('session-dddd')?.spec.identity.slot).toBe(6);
    expect(next.hostUid).not.toBe(second.manager.get('session-aaaa').hostUid);
  });

  it('fails a ready session whose sandbox vanished while the engine was away', async () => {
    const { manager, driver, states } = setup();
    await manager.create({ sessionId: 'session-aaaa' });
    driver.sandboxes.clear();
    driver.emit({ kind: 'engine-back' });
    await flush();
    await flush();
    await flush();
    expect(states.at(-1)).toMatchObject({ state: 'failed', reason: { code: 'engine-restart' } });
  });
});
