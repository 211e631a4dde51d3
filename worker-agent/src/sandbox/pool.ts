import { randomBytes } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type { PoolPause, PoolStatus, SandboxLimits } from '@berth/protocol';
import type { Logger } from 'pino';
import type { DiscoveredSandbox, SandboxDriver } from './driver';
import { slotIdentity, type NetworkLayout, type SlotAllocator, type SlotIdentity } from './slots';

/** A sandbox in the pool: made ahead of time, never seen by a learner. */
export interface PooledSandbox {
  sandboxId: string;
  profile: string;
  limits: SandboxLimits;
  identity: SlotIdentity;
}

interface Entry extends PooledSandbox {
  state: 'starting' | 'ready';
  /** Resolves when a starting sandbox is ready (true) or failed (false). */
  settled: Promise<boolean>;
  /** Someone waits to take it as soon as it is ready. */
  promised: boolean;
}

export interface WarmPoolOptions {
  /** Ready sandboxes wanted per profile. */
  sizes: Record<string, number>;
  driver: SandboxDriver;
  slots: SlotAllocator;
  network: NetworkLayout;
  /** The limits a pooled sandbox of this profile gets (the profile's own, capped). */
  limitsOf: (profile: string) => SandboxLimits;
  /** Why no sandbox may be made now (draining, no slot, no memory), or null. */
  blocked: (limits: SandboxLimits) => Exclude<PoolPause, 'backoff'> | null;
  /** CPU weight of a pooled sandbox until claimed. */
  cpuShares: number;
  retryMs: number;
  /**
   * After a session took a sandbox, wait this long before booting its replacement: the
   * session's first shell starts now, and a boot would compete with it for the CPU.
   */
  refillDelayMs: number;
  /** Called when the pool changed (capacity is published). */
  changed: () => void;
  log: Logger;
  now?: () => number;
}

/** `pool.<random>`: a dot never appears in session ids, so the two cannot collide. */
export const newPoolSandboxId = () => `pool.${randomBytes(8).toString('hex')}`;
export const isPoolSandboxId = (id: string) => id.startsWith('pool.');

/**
 * Warm pools, one per configured profile: sandboxes made ahead of time so that a
 * session gets one at once. One sandbox is made at a time (a boot takes most of a
 * core for a second, and running sessions come first); refilling pauses while the
 * agent drains, while no slot is free beyond the operator's reserve, or while memory
 * is short. A sandbox is handed out once, only after it answered a readiness check,
 * and never goes back: a session that ends destroys it.
 */
export class WarmPool {
  private readonly entries = new Map<string, Entry>();
  private refilling: Promise<void> | null = null;
  private failures = 0;
  private retryAt = 0;
  private quietUntil = 0;
  private quietTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly paused = new Map<string, PoolPause | null>();
  private readonly stats = new Map<string, { hits: number; misses: number }>();
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly o: WarmPoolOptions) {
    this.now = o.now ?? Date.now;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Sandbox ids the pool holds (ready or starting): reconcile keeps them. */
  ids(): string[] {
    return [...this.entries.keys()];
  }

  has(sandboxId: string): boolean {
    return this.entries.has(sandboxId);
  }

  wants(profile: string): boolean {
    return (this.o.sizes[profile] ?? 0) > 0;
  }

  status(): PoolStatus[] {
    return Object.entries(this.o.sizes).map(([profile, target]) => {
      const mine = [...this.entries.values()].filter((e) => e.profile === profile);
      const stats = this.stats.get(profile) ?? { hits: 0, misses: 0 };
      return {
        profile,
        target,
        ready: mine.filter((e) => e.state === 'ready').length,
        starting: mine.filter((e) => e.state === 'starting').length,
        paused: this.paused.get(profile) ?? null,
        hits: stats.hits,
        misses: stats.misses,
      };
    });
  }

  /**
   * A ready, checked, never used sandbox of this profile with exactly these limits,
   * taken out of the pool; or null (the caller starts one cold). When none is ready
   * but one is starting, waits for it: it is closer to ready than a new one.
   */
  async take(profile: string, limits: SandboxLimits): Promise<PooledSandbox | null> {
    if (!this.wants(profile)) return null;
    for (;;) {
      const fits = [...this.entries.values()].filter((e) => e.profile === profile && isDeepStrictEqual(e.limits, limits));
      const ready = fits.find((e) => e.state === 'ready');
      if (ready) {
        // Out of the pool before any await: two takers never get the same sandbox.
        this.entries.delete(ready.sandboxId);
        const problem = await this.o.driver.check(ready.sandboxId).catch((err: Error) => err.message);
        if (problem === null) {
          this.count(profile, 'hits');
          this.o.changed();
          this.refillLater();
          return { sandboxId: ready.sandboxId, profile, limits: ready.limits, identity: ready.identity };
        }
        this.o.log.warn({ sandboxId: ready.sandboxId, problem }, 'a pooled sandbox failed its readiness check; removing it');
        this.discard(ready);
        continue;
      }
      const starting = fits.find((e) => e.state === 'starting' && !e.promised);
      if (!starting) {
        this.count(profile, 'misses');
        this.maintain();
        return null;
      }
      starting.promised = true;
      const ok = await starting.settled;
      starting.promised = false;
      if (!ok) continue;
    }
  }

  /** Gives up one ready sandbox so its slot can serve a session; false if there was none. */
  async evict(): Promise<boolean> {
    const victim = [...this.entries.values()].find((e) => e.state === 'ready');
    if (!victim) return false;
    this.entries.delete(victim.sandboxId);
    await this.o.driver.destroy(victim.sandboxId).catch((err) => this.o.log.warn({ err, sandboxId: victim.sandboxId }, 'removing a pooled sandbox failed'));
    this.o.slots.release(victim.identity.slot, victim.sandboxId);
    this.o.changed();
    return true;
  }

  /** A pooled sandbox found on the engine at start-up: kept if it is ready and still wanted. */
  adopt(found: DiscoveredSandbox): boolean {
    if (found.session || !found.running || this.closed) return false;
    if (this.entries.has(found.sandboxId)) return true;
    const wanted = this.o.sizes[found.profile] ?? 0;
    const have = [...this.entries.values()].filter((e) => e.profile === found.profile).length;
    if (have >= wanted || !isDeepStrictEqual(found.limits, this.o.limitsOf(found.profile))) return false;
    if (!this.o.slots.take(found.slot, found.sandboxId)) return false;
    this.entries.set(found.sandboxId, {
      sandboxId: found.sandboxId,
      profile: found.profile,
      limits: found.limits,
      identity: slotIdentity(found.slot, this.o.network),
      state: 'ready',
      settled: Promise.resolve(true),
      promised: false,
    });
    return true;
  }

  /** Ready sandboxes the engine no longer has (it restarted without them) leave the pool. */
  forgetMissing(present: ReadonlySet<string>): void {
    for (const entry of [...this.entries.values()]) {
      if (entry.state === 'ready' && !present.has(entry.sandboxId)) this.discard(entry);
    }
  }

  /** A pooled sandbox's container ended: it leaves the pool. True if it was one of ours. */
  exited(sandboxId: string): boolean {
    const entry = this.entries.get(sandboxId);
    if (!entry) return false;
    if (entry.state === 'ready') {
      this.o.log.warn({ sandboxId }, 'a pooled sandbox exited; replacing it');
      this.discard(entry);
    }
    return true;
  }

  /** Starts refilling if the pool is short and nothing else is being made. */
  maintain(): void {
    if (this.refilling || this.closed || this.now() < this.quietUntil) return;
    const next = this.nextProfile();
    if (!next) return;
    this.refilling = this.refill(next).finally(() => {
      this.refilling = null;
      // Go on with the next one, if any is still missing.
      setImmediate(() => this.maintain());
    });
  }

  /** Resolves once no refill is under way (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.refilling) await this.refilling;
  }

  /** Stops refilling and removes every pooled sandbox (shutdown of a host, tests). */
  async drain(): Promise<void> {
    this.close();
    await this.idle();
    for (const entry of [...this.entries.values()]) {
      this.entries.delete(entry.sandboxId);
      await this.o.driver.destroy(entry.sandboxId).catch((err) => this.o.log.warn({ err }, 'removing a pooled sandbox failed'));
      this.o.slots.release(entry.identity.slot, entry.sandboxId);
    }
    this.o.changed();
  }

  /** Stops refilling; what is pooled stays (the next agent adopts it). */
  close(): void {
    this.closed = true;
    if (this.quietTimer) clearTimeout(this.quietTimer);
  }

  private refillLater(): void {
    if (this.o.refillDelayMs <= 0) {
      this.maintain();
      return;
    }
    this.quietUntil = this.now() + this.o.refillDelayMs;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = null;
      this.maintain();
    }, this.o.refillDelayMs);
    this.quietTimer.unref?.();
  }

  private nextProfile(): string | null {
    for (const [profile, target] of Object.entries(this.o.sizes)) {
      const have = [...this.entries.values()].filter((e) => e.profile === profile).length;
      if (have >= target) {
        this.setPaused(profile, null);
        continue;
      }
      const limits = this.o.limitsOf(profile);
      const blocked = this.o.blocked(limits);
      if (blocked) {
        this.setPaused(profile, blocked);
        continue;
      }
      if (this.now() < this.retryAt) {
        this.setPaused(profile, 'backoff');
        continue;
      }
      this.setPaused(profile, null);
      return profile;
    }
    return null;
  }

  private async refill(profile: string): Promise<void> {
    const sandboxId = newPoolSandboxId();
    const limits = this.o.limitsOf(profile);
    let slot: number;
    try {
      slot = this.o.slots.allocate(sandboxId);
    } catch {
      return;
    }
    const identity = slotIdentity(slot, this.o.network);
    let settle: (ok: boolean) => void = () => {};
    const entry: Entry = {
      sandboxId,
      profile,
      limits,
      identity,
      state: 'starting',
      settled: new Promise<boolean>((resolve) => (settle = resolve)),
      promised: false,
    };
    this.entries.set(sandboxId, entry);
    this.o.changed();
    const started = this.now();
    try {
      await this.o.driver.create({ sandboxId, profile, identity, limits, cpuShares: this.o.cpuShares });
    } catch (err) {
      this.failures++;
      const delay = this.o.retryMs * Math.min(10, 2 ** (this.failures - 1));
      this.retryAt = this.now() + delay;
      this.o.log.warn({ err, sandboxId, profile, retryInMs: delay }, 'a pooled sandbox did not start');
      this.entries.delete(sandboxId);
      await this.o.driver.destroy(sandboxId).catch(() => undefined);
      this.o.slots.release(slot, sandboxId);
      settle(false);
      this.o.changed();
      return;
    }
    this.failures = 0;
    this.retryAt = 0;
    if (!this.entries.has(sandboxId)) {
      // Drained or lost while it was starting.
      settle(false);
      return;
    }
    entry.state = 'ready';
    this.o.log.info({ sandboxId, profile, ms: this.now() - started }, 'a pooled sandbox is ready');
    settle(true);
    this.o.changed();
  }

  /** Out of the pool for good: removed in the background, then its slot is free. */
  private discard(entry: Entry): void {
    this.entries.delete(entry.sandboxId);
    void this.o.driver
      .destroy(entry.sandboxId)
      .catch((err) => this.o.log.warn({ err, sandboxId: entry.sandboxId }, 'removing a pooled sandbox failed'))
      .finally(() => {
        this.o.slots.release(entry.identity.slot, entry.sandboxId);
        this.o.changed();
        this.maintain();
      });
  }

  private setPaused(profile: string, reason: PoolPause | null): void {
    if ((this.paused.get(profile) ?? null) === reason) return;
    this.paused.set(profile, reason);
    if (reason && reason !== 'draining') this.o.log.info({ profile, reason }, 'the warm pool waits before refilling');
  }

  private count(profile: string, what: 'hits' | 'misses'): void {
    const stats = this.stats.get(profile) ?? { hits: 0, misses: 0 };
    stats[what]++;
    this.stats.set(profile, stats);
  }
}
