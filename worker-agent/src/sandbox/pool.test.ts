import { describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Capacity, SandboxStateEvent } from '@berth/protocol';
import { TEST_LIMITS } from '../testing/fake-agent';
import { FakeDriver } from './fake-driver';
import { SessionManager } from './manager';
import { ProfileStore } from './profiles';

const limits = { ...TEST_LIMITS, maxTerminals: 2 };

function setup(
  opts: { slots?: number; pool?: number; reserveSlots?: number; driver?: FakeDriver; memory?: { free: number }; refillDelayMs?: number } = {},
) {
  const driver = opts.driver ?? new FakeDriver();
  const memory = opts.memory ?? { free: 8 * 2 ** 30 };
  const manager = new SessionManager({
    agentId: 'test',
    driver,
    profiles: ProfileStore.fromList([{ name: 'default', description: { en: 'd', ko: 'd' }, limits }]),
    maxLimits: { ...limits, memoryMiB: 1024 },
    slots: { first: 5, count: opts.slots ?? 4 },
    network: { bridgePrefix: 'brs', pool: '10.213.0.0/16', prefixLength: 28 },
    flow: { replayBytes: 65536, highWater: 4096, lowWater: 512, maxChunk: 1024 },
    reserveMemoryBytes: 0,
    hostUidBase: 3_000_000,
    freeMemoryBytes: () => memory.free,
    log: pino({ level: 'silent' }),
    pool: { sizes: { default: opts.pool ?? 2 }, reserveSlots: opts.reserveSlots ?? 0, retryMs: 50, cpuShares: 256, refillDelayMs: opts.refillDelayMs ?? 0 },
  });
  const states: SandboxStateEvent[] = [];
  const capacities: Capacity[] = [];
  manager.subscribe({ state: (e) => states.push(e), warning: () => {}, termExit: () => {}, capacity: (c) => capacities.push(c), filesChanged: () => {}, ports: () => {} });
  return { driver, manager, states, capacities, memory };
}

/** Lets the pool make what it wants (one at a time) and waits until it rests. */
async function settle(manager: SessionManager): Promise<void> {
  for (let i = 0; i < 20; i++) {
    manager.tick();
    await manager.poolIdle();
    await new Promise((r) => setImmediate(r));
  }
}

const pooled = (driver: FakeDriver) => [...driver.sandboxes.values()].filter((s) => s.session === null);
const creates = (driver: FakeDriver) => driver.calls.filter((c) => c.startsWith('create'));

describe('warm pool', () => {
  it('fills to its size one sandbox at a time, at low CPU weight, and reports it', async () => {
    const { driver, manager } = setup({ pool: 3 });
    let release: () => void = () => {};
    driver.createGate = new Promise((r) => (release = r));
    await manager.reconcile();
    manager.tick();
    manager.tick();
    // Only one sandbox is being made, however often the pool is nudged.
    expect(creates(driver)).toHaveLength(1);
    expect(manager.capacity().pool).toEqual([expect.objectContaining({ profile: 'default', target: 3, ready: 0, starting: 1 })]);
    driver.createGate = null;
    release();
    await settle(manager);
    expect(creates(driver)).toHaveLength(3);
    expect(pooled(driver).every((s) => s.running && s.cpuShares === 256 && s.spec.sandboxId.startsWith('pool.'))).toBe(true);
    expect(manager.capacity()).toMatchObject({ running: 0, maxSessions: 4, accepting: true, pool: [{ ready: 3, starting: 0, paused: null }] });
  });

  it('hands a session a pooled sandbox without booting one, then refills in the background', async () => {
    const { driver, manager, states } = setup();
    await manager.reconcile();
    await settle(manager);
    const before = pooled(driver).map((s) => s.spec.sandboxId);
    driver.calls.length = 0;
    const info = await manager.create({ sessionId: 'session-aaaa' });
    expect(info.state).toBe('ready');
    expect(before).toContain(info.sandboxId);
    expect(driver.calls).toContain(`claim ${info.sandboxId} for session-aaaa`);
    expect(creates(driver).filter((c) => c.includes('session-aaaa'))).toEqual([]);
    expect(states.filter((s) => s.sessionId === 'session-aaaa').map((s) => s.state)).toEqual(['creating', 'ready']);
    // It never had a shell before it was claimed, and it has the session's CPU weight now.
    const sandbox = driver.sandboxes.get(info.sandboxId!)!;
    expect(sandbox).toMatchObject({ shellsAtClaim: 0, cpuShares: 1024, session: { sessionId: 'session-aaaa' } });
    // Distinct uids: the session got the pooled sandbox's own slot.
    expect(info.hostUid).toBe(3_000_000 + 100_000 + sandbox.spec.identity.slot);
    await settle(manager);
    expect(pooled(driver)).toHaveLength(2);
    expect(manager.capacity().pool[0]).toMatchObject({ ready: 2, hits: 1, misses: 0 });
    // A terminal works in it.
    const term = await manager.openTerminal('session-aaaa', { cols: 80, rows: 24 });
    expect(term.termId).toBeTruthy();
  });

  it('waits a moment after a session took a sandbox before booting the next (its shell starts first)', async () => {
    const { driver, manager } = setup({ pool: 1, refillDelayMs: 80 });
    await manager.reconcile();
    await settle(manager);
    driver.calls.length = 0;
    await manager.create({ sessionId: 'session-aaaa' });
    await settle(manager);
    expect(creates(driver)).toEqual([]);
    await new Promise((r) => setTimeout(r, 100));
    await settle(manager);
    expect(creates(driver)).toHaveLength(1);
    expect(manager.capacity().pool[0]).toMatchObject({ ready: 1 });
  });

  it('never hands out a sandbox that fails its readiness check', async () => {
    const { driver, manager } = setup({ pool: 1 });
    await manager.reconcile();
    await settle(manager);
    const [bad] = pooled(driver);
    driver.unready.add(bad!.spec.sandboxId);
    const info = await manager.create({ sessionId: 'session-aaaa' });
    expect(info.sandboxId).not.toBe(bad!.spec.sandboxId);
    expect(info.sandboxId).toBe('session-aaaa'); // booted cold
    await settle(manager);
    expect(driver.sandboxes.has(bad!.spec.sandboxId)).toBe(false);
    expect(manager.capacity().pool[0]).toMatchObject({ ready: 1, misses: 1 });
  });

  it('gives a session with other limits a sandbox of its own', async () => {
    const { driver, manager } = setup();
    await manager.reconcile();
    await settle(manager);
    const info = await manager.create({ sessionId: 'session-aaaa', limits: { memoryMiB: 256 } });
    expect(info.sandboxId).toBe('session-aaaa');
    expect(info.limits.memoryMiB).toBe(256);
    expect(pooled(driver)).toHaveLength(2);
  });

  it('waits for the sandbox being made rather than booting a second one', async () => {
    const { driver, manager } = setup({ pool: 1 });
    let release: () => void = () => {};
    driver.createGate = new Promise((r) => (release = r));
    await manager.reconcile();
    const creating = manager.create({ sessionId: 'session-aaaa' });
    await new Promise((r) => setImmediate(r));
    expect(creates(driver)).toHaveLength(1);
    driver.createGate = null;
    release();
    const info = await creating;
    expect(info.sandboxId).toMatch(/^pool\./);
    expect(creates(driver).filter((c) => c.includes('session-aaaa'))).toEqual([]);
  });

  it('does not refill while memory is short or slots are scarce, and a session can still take a pooled slot', async () => {
    const memory = { free: 100 * 2 ** 20 };
    const { driver, manager } = setup({ pool: 2, memory });
    await manager.reconcile();
    await settle(manager);
    expect(creates(driver)).toEqual([]);
    expect(manager.capacity().pool[0]).toMatchObject({ ready: 0, paused: 'memory' });
    memory.free = 8 * 2 ** 30;
    await settle(manager);
    expect(pooled(driver)).toHaveLength(2);

    // Two slots left for four: with reserveSlots 2 the pool gives way to sessions.
    const scarce = setup({ slots: 4, pool: 2, reserveSlots: 2 });
    await scarce.manager.reconcile();
    await settle(scarce.manager);
    expect(pooled(scarce.driver)).toHaveLength(2);
    await scarce.manager.create({ sessionId: 'session-1111' });
    await settle(scarce.manager);
    // 1 session + 1 pooled hold 2 slots: another would eat into the 2 kept free for sessions.
    expect(pooled(scarce.driver)).toHaveLength(1);
    expect(scarce.manager.capacity().pool[0]).toMatchObject({ ready: 1, paused: 'slots' });
    await scarce.manager.create({ sessionId: 'session-2222' });
    await settle(scarce.manager);
    expect(scarce.manager.capacity().pool[0]).toMatchObject({ ready: 0, paused: 'slots' });
    expect(scarce.manager.capacity()).toMatchObject({ running: 2, accepting: true });
  });

  it('gives up a pooled sandbox when a session needs its slot', async () => {
    const { driver, manager } = setup({ slots: 2, pool: 2 });
    await manager.reconcile();
    await settle(manager);
    expect(pooled(driver)).toHaveLength(2);
    // Other limits: no pooled sandbox fits, and every slot is pooled.
    const a = await manager.create({ sessionId: 'session-aaaa', limits: { memoryMiB: 256 } });
    expect(a.sandboxId).toBe('session-aaaa');
    const b = await manager.create({ sessionId: 'session-bbbb' });
    expect(b.sandboxId).toMatch(/^pool\./);
    expect(manager.capacity()).toMatchObject({ running: 2, accepting: false });
    await expect(manager.create({ sessionId: 'session-cccc' })).rejects.toMatchObject({ code: 'busy' });
  });

  it('resets onto a pooled sandbox at once and removes the old one in the background', async () => {
    const { driver, manager } = setup();
    await manager.reconcile();
    await settle(manager);
    const first = await manager.create({ sessionId: 'session-aaaa' });
    await manager.openTerminal('session-aaaa', { cols: 80, rows: 24 });
    await settle(manager);
    const again = await manager.reset('session-aaaa');
    expect(again).toMatchObject({ state: 'ready', terminals: [] });
    expect(again.sandboxId).not.toBe(first.sandboxId);
    expect(again.hostUid).not.toBe(first.hostUid);
    expect(driver.shells[0]?.killed).toBe(true);
    await settle(manager);
    // The used sandbox is gone, not back in the pool; the pool is full again.
    expect(driver.sandboxes.has(first.sandboxId!)).toBe(false);
    expect(pooled(driver).map((s) => s.spec.sandboxId)).not.toContain(first.sandboxId);
    expect(pooled(driver)).toHaveLength(2);
    expect(driver.sandboxes.get(again.sandboxId!)?.shellsAtClaim).toBe(0);
  });

  it('never returns a used sandbox to the pool', async () => {
    const { driver, manager } = setup({ pool: 1 });
    await manager.reconcile();
    await settle(manager);
    const info = await manager.create({ sessionId: 'session-aaaa' });
    await manager.openTerminal('session-aaaa', { cols: 80, rows: 24 });
    await manager.destroy('session-aaaa');
    await settle(manager);
    expect(driver.sandboxes.has(info.sandboxId!)).toBe(false);
    expect(pooled(driver)).toHaveLength(1);
    expect(pooled(driver).every((s) => s.shells === 0 && s.shellsAtClaim === null)).toBe(true);
  });

  it('replaces a pooled sandbox that died, and retries a failed boot later', async () => {
    const { driver, manager } = setup({ pool: 1 });
    await manager.reconcile();
    await settle(manager);
    const [dead] = pooled(driver);
    driver.sandboxes.get(dead!.spec.sandboxId)!.running = false;
    driver.failNextCreate = 'no space left';
    driver.emit({ kind: 'exited', sandboxId: dead!.spec.sandboxId, exitCode: 1, oomKilled: false });
    await settle(manager);
    expect(driver.sandboxes.has(dead!.spec.sandboxId)).toBe(false);
    expect(manager.capacity().pool[0]).toMatchObject({ ready: 0, paused: 'backoff' });
    await new Promise((r) => setTimeout(r, 60));
    await settle(manager);
    expect(manager.capacity().pool[0]).toMatchObject({ ready: 1, paused: null });
  });

  it('after an agent restart, adopts claimed sandboxes as their sessions and unclaimed ones as the pool', async () => {
    const first = setup({ pool: 2 });
    await first.manager.reconcile();
    await settle(first.manager);
    const a = await first.manager.create({ sessionId: 'session-aaaa' });
    await settle(first.manager);
    expect(first.driver.sandboxes.size).toBe(3);
    // kill -9: a new manager on the same engine.
    const second = setup({ pool: 2, driver: first.driver });
    const result = await second.manager.reconcile();
    expect(result.adopted).toEqual(['session-aaaa']);
    expect(result.pooled).toHaveLength(2);
    expect(result.removed).toEqual([]);
    expect(second.manager.get('session-aaaa')).toMatchObject({ state: 'ready', sandboxId: a.sandboxId, hostUid: a.hostUid });
    expect(second.manager.get('session-aaaa').expiresAt).toBe(a.expiresAt);
    const b = await second.manager.create({ sessionId: 'session-bbbb' });
    expect(result.pooled).toContain(b.sandboxId);
    expect(new Set([a.hostUid, b.hostUid]).size).toBe(2);
    await settle(second.manager);
    // A third manager that wants no pool removes the unclaimed ones and keeps the sessions.
    const third = setup({ pool: 0, driver: first.driver });
    const swept = await third.manager.reconcile();
    expect(swept.adopted.sort()).toEqual(['session-aaaa', 'session-bbbb']);
    expect(swept.removed).toHaveLength(2);
    expect(third.manager.capacity().pool).toEqual([expect.objectContaining({ target: 0, ready: 0 })]);
  });

  it('stops refilling when draining, and drainPool removes the pool', async () => {
    const { driver, manager } = setup({ pool: 2 });
    await manager.reconcile();
    await settle(manager);
    await manager.drainPool();
    expect(driver.sandboxes.size).toBe(0);
    await settle(manager);
    expect(driver.sandboxes.size).toBe(0);
  });
});
