import { randomBytes } from 'node:crypto';
import {
  BerthError,
  MAX_EXEC_OUTPUT_BYTES,
  resolveLimits,
  type Capacity,
  type CreateSandboxRequest,
  type EndReason,
  type SandboxExecResult,
  type SandboxInfo,
  type SandboxLimits,
  type SandboxState,
  type SandboxStateEvent,
  type SandboxWarning,
  type SandboxWriteFileResult,
  type TermAttachResult,
  type TerminalInfo,
  type TermExit,
  type FilesChanged,
  type PortsChanged,
  type WatchSet,
  type ListeningPort,
  type DirListing,
  type FileContent,
  type FileStat,
} from '@berth/protocol';
import type { Duplex } from 'node:stream';
import { FileService } from '../files/file-service';
import { WatchService } from '../files/watcher';
import type { Logger } from 'pino';
import type { PtyProcess } from '../terminal/pty';
import { ReadAheadBudget } from '../terminal/interrupt-read-ahead';
import { Terminal, type FlowOptions, type ViewerMode, type ViewerSink } from '../terminal/terminal';
import type { DriverEvent, RunOptions, SandboxDriver, SandboxSpec } from './driver';
import { WarmPool, type PooledSandbox } from './pool';
import type { ProfileStore } from './profiles';
import { slotIdentity, SlotAllocator, type NetworkLayout, type SlotIdentity } from './slots';

/** Where the manager reports what happens (the transports fan it out to control planes). */
export interface Notifier {
  state(event: SandboxStateEvent): void;
  warning(event: SandboxWarning): void;
  termExit(event: TermExit): void;
  capacity(capacity: Capacity): void;
  filesChanged(event: FilesChanged): void;
  ports(event: PortsChanged): void;
}

export interface ManagerOptions {
  agentId: string;
  driver: SandboxDriver;
  profiles: ProfileStore;
  maxLimits: SandboxLimits;
  slots: { first: number; count: number };
  network: NetworkLayout;
  flow: FlowOptions;
  reserveMemoryBytes: number;
  /** Host uid of uid 0 inside sandboxes (the userns-remap base; 0 without remapping). */
  hostUidBase: number;
  freeMemoryBytes: () => number;
  log: Logger;
  now?: () => number;
  /** Ended sessions are remembered this long so a late client learns why. */
  endedRetentionMs?: number;
  /** Warm pools (see WarmPool); none when absent. */
  pool?: { sizes: Record<string, number>; reserveSlots: number; retryMs: number; cpuShares: number; refillDelayMs: number };
}

interface Session {
  sessionId: string;
  /** The sandbox serving the session now (it changes when a reset swaps in a pooled one). */
  sandboxId: string;
  profile: string;
  limits: SandboxLimits;
  identity: SlotIdentity;
  state: SandboxState;
  reason?: EndReason;
  createdAt: Date;
  expiresAt: Date;
  lastActivity: number;
  endedAt?: number;
  /** Warnings already sent for the current deadline. */
  warned: Set<'lifetime' | 'idle'>;
  terminals: Map<string, Terminal>;
  /**
   * The session's first shell, opened as soon as its sandbox is ready (an exec takes
   * ~100 ms to start): the first term:open gets it at once. Opened after the claim,
   * so a pooled sandbox still has no shell when it is handed out.
   */
  spare: { sandboxId: string; pty: Promise<PtyProcess | null> } | null;
  /** Operations on one session run one after another. */
  queue: Promise<unknown>;
  /** The slot is held until the sandbox's resources are gone. */
  holdsSlot: boolean;
}

const ACTIVE: ReadonlySet<SandboxState> = new Set(['creating', 'ready', 'stopping']);
/** Size of a shell opened ahead of time (resized to the page's on term:open). */
const SPARE_SIZE = { cols: 80, rows: 24 };

/**
 * The agent's model of its sessions: lifecycle, quotas in time, terminals and
 * capacity. Every engine operation goes through the driver.
 */
export class SessionManager {
  private readonly sessions = new Map<string, Session>();
  /** Bytes every terminal may hold in read-aheads after a ^C, together. */
  private readonly readAheadBudget: ReadAheadBudget;
  private readonly slots: SlotAllocator;
  private readonly notifiers = new Set<Notifier>();
  private readonly now: () => number;
  private readonly pool: WarmPool;
  /** Session ids whose create is under way (before they are tracked). */
  private readonly creating = new Set<string>();
  /** When each terminal was last typed into (for pacing floods elsewhere: FlowOptions.sharedChunk). */
  private readonly typedAt = new Map<Terminal, number>();
  private accepting = true;
  private readonly files: FileService;
  private readonly watchers: WatchService;

  constructor(private readonly opts: ManagerOptions) {
    this.readAheadBudget = new ReadAheadBudget(opts.flow.interruptReadAheadTotal ?? Infinity);
    this.slots = new SlotAllocator(opts.slots.first, opts.slots.count);
    this.now = opts.now ?? Date.now;
    for (const profile of Object.keys(opts.pool?.sizes ?? {})) opts.profiles.get(profile);
    this.pool = new WarmPool({
      sizes: opts.pool?.sizes ?? {},
      driver: opts.driver,
      slots: this.slots,
      network: opts.network,
      limitsOf: (profile) => resolveLimits(opts.profiles.get(profile).limits, undefined, opts.maxLimits),
      blocked: (limits) => this.poolBlocked(limits),
      cpuShares: opts.pool?.cpuShares ?? 256,
      retryMs: opts.pool?.retryMs ?? 5000,
      refillDelayMs: opts.pool?.refillDelayMs ?? 0,
      changed: () => this.publishCapacity(),
      log: opts.log,
      now: this.now,
    });
    opts.driver.watch((event) => void this.onDriverEvent(event));
    this.files = new FileService(
      (sessionId, argv, timeoutMs, runOpts) => {
        const session = this.requireReady(sessionId);
        session.lastActivity = this.now();
        return opts.driver.runRaw(session.sandboxId, session.identity, argv, timeoutMs, runOpts);
      },
      (sessionId) => opts.driver.filesEnv(this.require(sessionId).sandboxId),
    );
    this.watchers = new WatchService({
      spawn: (sessionId, argv) => {
        const session = this.requireReady(sessionId);
        return opts.driver.spawn(session.sandboxId, session.identity, argv);
      },
      env: (sessionId) => opts.driver.filesEnv(this.require(sessionId).sandboxId),
      notify: {
        filesChanged: (event) => this.notifiers.forEach((n) => n.filesChanged(event)),
        ports: (event) => this.notifiers.forEach((n) => n.ports(event)),
      },
      log: opts.log,
    });
  }

  subscribe(notifier: Notifier): () => void {
    this.notifiers.add(notifier);
    return () => this.notifiers.delete(notifier);
  }

  // ---- lifecycle -------------------------------------------------------

  async create(req: CreateSandboxRequest): Promise<SandboxInfo> {
    const existing = this.sessions.get(req.sessionId);
    if ((existing && existing.state !== 'stopped' && existing.state !== 'failed') || this.creating.has(req.sessionId)) {
      throw new BerthError('conflict', `session ${req.sessionId} already has a sandbox (${existing?.state ?? 'creating'})`);
    }
    const profile = this.opts.profiles.get(req.profile ?? 'default');
    const limits = resolveLimits(profile.limits, req.limits, this.opts.maxLimits);
    this.creating.add(req.sessionId);
    try {
      if (existing) await this.destroy(req.sessionId);
      this.checkAccepting();
      const pooled = await this.pool.take(profile.name, limits);
      if (pooled) return await this.createFromPool(req.sessionId, pooled);
      await this.makeRoom(limits);
      const slot = this.slots.allocate(req.sessionId);
      const createdAt = new Date(this.now());
      const session = this.track({
        sessionId: req.sessionId,
        sandboxId: req.sessionId,
        profile: profile.name,
        limits,
        slot,
        state: 'creating',
        createdAt,
        expiresAt: new Date(createdAt.getTime() + limits.lifetimeSeconds * 1000),
      });
      this.creating.delete(req.sessionId);
      this.setState(session, 'creating');
      return await this.enqueue(session, () => this.bringUp(session, (spec) => this.opts.driver.create(spec)));
    } finally {
      this.creating.delete(req.sessionId);
    }
  }

  /** A session gets a pooled sandbox: its claim is recorded, and it is ready at once. */
  private async createFromPool(sessionId: string, pooled: PooledSandbox): Promise<SandboxInfo> {
    const createdAt = new Date(this.now());
    const session = this.track({
      sessionId,
      sandboxId: pooled.sandboxId,
      profile: pooled.profile,
      limits: pooled.limits,
      slot: pooled.identity.slot,
      state: 'creating',
      createdAt,
      expiresAt: new Date(createdAt.getTime() + pooled.limits.lifetimeSeconds * 1000),
    });
    this.creating.delete(sessionId);
    this.setState(session, 'creating');
    return this.enqueue(session, () =>
      this.bringUp(session, () => this.opts.driver.claim(pooled.sandboxId, this.claimOf(session))),
    );
  }

  /** Starts a sandbox that was stopped on request (its disk kept). */
  async start(sessionId: string): Promise<SandboxInfo> {
    const session = this.require(sessionId);
    return this.enqueue(session, async () => {
      if (session.state === 'ready') return this.info(session);
      if (session.state !== 'stopped' || !session.holdsSlot) {
        throw new BerthError('conflict', `session ${sessionId} cannot be started from ${session.state}; reset it instead`);
      }
      // Its slot is still its own (a requested stop keeps it): only memory is checked.
      this.checkAccepting();
      this.checkMemory(session.limits);
      session.reason = undefined;
      session.lastActivity = this.now();
      this.setState(session, 'creating');
      return this.bringUp(session, (spec) => this.opts.driver.start(spec));
    });
  }

  /**
   * A fresh sandbox for the same session (new disk, same session id). With a warm
   * pool the session moves to a pooled sandbox at once and the old one is removed in
   * the background; otherwise the old one is removed and a new one boots in its slot.
   */
  async reset(sessionId: string): Promise<SandboxInfo> {
    const session = this.require(sessionId);
    return this.enqueue(session, async () => {
      if (session.state === 'creating' || session.state === 'stopping') {
        throw new BerthError('conflict', `session ${sessionId} is ${session.state}; try again when it is done`);
      }
      const ended = session.state !== 'ready';
      this.closeTerminals(session);
      if (ended) this.checkAccepting();
      const pooled = await this.pool.take(session.profile, session.limits);
      this.setState(session, 'creating');
      const old = { sandboxId: session.sandboxId, slot: session.identity.slot, holdsSlot: session.holdsSlot };
      if (pooled) {
        session.sandboxId = pooled.sandboxId;
        session.identity = pooled.identity;
        session.holdsSlot = true;
        if (old.holdsSlot) this.removeInBackground(old.sandboxId, old.slot);
      } else {
        await this.opts.driver.destroy(old.sandboxId);
        if (old.holdsSlot) this.slots.release(old.slot, old.sandboxId);
        session.holdsSlot = false;
        await this.makeRoom(session.limits);
        session.sandboxId = sessionId;
        session.identity = slotIdentity(this.slots.allocate(sessionId), this.opts.network);
        session.holdsSlot = true;
      }
      if (ended) {
        session.createdAt = new Date(this.now());
        session.expiresAt = new Date(session.createdAt.getTime() + session.limits.lifetimeSeconds * 1000);
      }
      session.reason = undefined;
      session.endedAt = undefined;
      session.lastActivity = this.now();
      session.warned.clear();
      return pooled
        ? this.bringUp(session, () => this.opts.driver.claim(pooled.sandboxId, this.claimOf(session)))
        : this.bringUp(session, (spec) => this.opts.driver.create(spec));
    });
  }

  /** Stops the sandbox; on request its disk is kept so it can start again. */
  async stop(sessionId: string, reason: EndReason = { code: 'requested', message: 'stopped on request' }): Promise<SandboxInfo> {
    const session = this.require(sessionId);
    return this.enqueue(session, async () => {
      if (!ACTIVE.has(session.state)) return this.info(session);
      this.setState(session, 'stopping');
      this.closeTerminals(session);
      const keepDisk = reason.code === 'requested';
      try {
        if (keepDisk) await this.opts.driver.stop(session.sandboxId);
        else await this.releaseResources(session);
      } catch (err) {
        this.opts.log.error({ err, sessionId }, 'stopping a sandbox failed; removing it');
        await this.releaseResources(session);
      }
      this.end(session, 'stopped', reason);
      return this.info(session);
    });
  }

  /** Removes the sandbox and forgets the session. Idempotent. */
  async destroy(sessionId: string): Promise<void> {
    const session = this.sessions.get(sessionId);
    if (!session) return;
    await this.enqueue(session, async () => {
      this.closeTerminals(session);
      if (ACTIVE.has(session.state)) {
        this.setState(session, 'stopping');
        await this.releaseResources(session);
        this.end(session, 'stopped', { code: 'requested', message: 'destroyed on request' });
      } else {
        await this.releaseResources(session);
      }
      this.sessions.delete(sessionId);
      this.publishCapacity();
    });
  }

  get(sessionId: string): SandboxInfo {
    return this.info(this.require(sessionId));
  }

  list(): SandboxInfo[] {
    return [...this.sessions.values()].map((s) => this.info(s));
  }

  capacity(): Capacity {
    const running = [...this.sessions.values()].filter((s) => ACTIVE.has(s.state)).length;
    return {
      agentId: this.opts.agentId,
      maxSessions: this.opts.slots.count,
      running,
      freeMemoryBytes: this.opts.freeMemoryBytes(),
      accepting: this.accepting && this.sessionSlots() < this.opts.slots.count,
      pool: this.pool.status(),
    };
  }

  /** Stop taking new sessions (graceful shutdown); the pool stops refilling. */
  drain(): void {
    this.accepting = false;
    this.pool.close();
  }

  /** Removes every pooled sandbox (a host being emptied, tests). */
  async drainPool(): Promise<void> {
    await this.pool.drain();
  }

  /** Resolves once the pool is not making a sandbox (tests). */
  poolIdle(): Promise<void> {
    return this.pool.idle();
  }

  /** The learner's identity in a live session (for drivers' callers: tests, admin). */
  identity(sessionId: string): SlotIdentity {
    return this.require(sessionId).identity;
  }

  /** The sandbox serving a session now (container berth-AGENT-SANDBOX). */
  sandboxOf(sessionId: string): string {
    return this.require(sessionId).sandboxId;
  }

  async runInSandbox(sessionId: string, argv: string[], timeoutMs = 30_000, opts?: RunOptions) {
    const session = this.requireReady(sessionId);
    return this.opts.driver.run(session.sandboxId, session.identity, argv, timeoutMs, opts);
  }

  /** A lesson's check or setup script, as the learner (sandbox:exec). */
  async exec(req: { sessionId: string; script: string; env: Record<string, string>; timeoutMs: number }): Promise<SandboxExecResult> {
    const started = Date.now();
    const r = await this.runInSandbox(req.sessionId, ['bash', '-c', req.script], req.timeoutMs, {
      env: req.env,
      maxOutputBytes: MAX_EXEC_OUTPUT_BYTES,
    });
    return {
      exitCode: r.exitCode,
      output: r.stdout + r.stderr,
      truncated: r.truncated ?? false,
      timedOut: r.timedOut ?? false,
      durationMs: Date.now() - started,
    };
  }

  // ---- files and ports (as the learner, inside the sandbox) -----------------

  /** Writes a file in the learner's home as the learner (sandbox:writeFile; lessons and the editor). */
  writeFile(req: {
    sessionId: string;
    path: string;
    content: string | Uint8Array | ArrayBuffer;
    executable?: boolean;
    ifMatch?: string | null;
  }): Promise<SandboxWriteFileResult> {
    return this.files.write(req.sessionId, req);
  }

  readFile(sessionId: string, path: string, as: 'text' | 'bytes' = 'text'): Promise<FileContent> {
    return this.files.read(sessionId, path, as);
  }

  listDir(sessionId: string, path: string): Promise<DirListing> {
    return this.files.list(sessionId, path);
  }

  statPath(sessionId: string, path: string): Promise<FileStat> {
    return this.files.stat(sessionId, path);
  }

  removePath(sessionId: string, path: string, recursive: boolean): Promise<{ path: string }> {
    return this.files.remove(sessionId, path, recursive);
  }

  renamePath(sessionId: string, from: string, to: string): Promise<FileStat> {
    return this.files.rename(sessionId, from, to);
  }

  makeDir(sessionId: string, path: string): Promise<FileStat> {
    return this.files.mkdir(sessionId, path);
  }

  /** What one viewer watches; answers the ports something listens on. */
  watch(sessionId: string, viewerId: string, set: WatchSet): Promise<{ ports: ListeningPort[]; portsVersion: number }> {
    this.requireReady(sessionId);
    return this.watchers.watch(sessionId, viewerId, set);
  }

  unwatch(sessionId: string, viewerId: string): void {
    this.watchers.unwatch(sessionId, viewerId);
  }

  /** A TCP connection to a port of the session's sandbox (a preview stream). */
  connectPort(sessionId: string, port: number): Promise<Duplex> {
    this.requireReady(sessionId);
    return this.opts.driver.connect(this.requireReady(sessionId).sandboxId, port);
  }

  // ---- terminals -------------------------------------------------------

  async openTerminal(sessionId: string, size: { cols: number; rows: number }): Promise<TerminalInfo> {
    const session = this.requireReady(sessionId);
    const open = [...session.terminals.values()].filter((t) => t.exitCode === null).length;
    if (open >= session.limits.maxTerminals) {
      throw new BerthError('limit', `a session may have ${session.limits.maxTerminals} terminals open; close one first`);
    }
    const sandboxId = session.sandboxId;
    const spare = session.spare?.sandboxId === sandboxId ? await this.takeSpare(session) : null;
    const pty = spare ?? (await this.opts.driver.openShell(sandboxId, session.identity, size));
    if (session.state !== 'ready' || session.sandboxId !== sandboxId) {
      pty.kill();
      throw new BerthError('conflict', `session ${sessionId} is ${session.state}, not ready`);
    }
    const termId = `t${randomBytes(6).toString('base64url')}`;
    const terminal: Terminal = new Terminal(
      termId,
      pty,
      this.opts.flow,
      spare ? SPARE_SIZE : size,
      (): boolean => this.typedElsewhere(terminal),
      this.readAheadBudget,
    );
    terminal.onExit((exitCode) => {
      for (const n of this.notifiers) n.termExit({ sessionId, termId, exitCode });
    });
    session.terminals.set(termId, terminal);
    session.lastActivity = this.now();
    if (spare && (size.cols !== SPARE_SIZE.cols || size.rows !== SPARE_SIZE.rows)) {
      await terminal.resize(size.cols, size.rows).catch((err) => this.opts.log.warn({ err, sessionId }, 'resizing a pre-opened shell failed'));
    }
    return terminal.info();
  }

  /** Was another terminal typed into within the last second? */
  private typedElsewhere(terminal: Terminal): boolean {
    const now = performance.now();
    for (const [other, at] of this.typedAt) {
      if (now - at > 1000) this.typedAt.delete(other);
      else if (other !== terminal) return true;
    }
    return false;
  }

  /** Opens the session's first shell ahead of time (see Session.spare). */
  private prepareShell(session: Session): void {
    if (session.state !== 'ready' || session.spare || session.terminals.size > 0) return;
    const sandboxId = session.sandboxId;
    const pty = this.opts.driver.openShell(sandboxId, session.identity, SPARE_SIZE).catch((err: Error) => {
      this.opts.log.debug({ err: err.message, sandboxId }, 'opening a shell ahead of time failed');
      return null;
    });
    session.spare = { sandboxId, pty };
  }

  private async takeSpare(session: Session): Promise<PtyProcess | null> {
    const spare = session.spare;
    session.spare = null;
    return spare ? spare.pty : null;
  }

  private dropSpare(session: Session): void {
    const spare = session.spare;
    session.spare = null;
    void spare?.pty.then((pty) => pty?.kill());
  }

  attach(sessionId: string, termId: string, viewerId: string, mode: ViewerMode, fromSeq: number, sink: ViewerSink): TermAttachResult {
    const { session, terminal } = this.terminal(sessionId, termId);
    session.lastActivity = this.now();
    session.warned.delete('idle');
    return terminal.attach(viewerId, mode, fromSeq, sink);
  }

  detach(sessionId: string, termId: string, viewerId: string): void {
    this.terminal(sessionId, termId).terminal.detach(viewerId);
  }

  /** Detaches a viewer from every terminal and file watch (its connection went away). */
  detachViewer(viewerId: string): void {
    for (const session of this.sessions.values()) {
      for (const terminal of session.terminals.values()) terminal.detach(viewerId);
    }
    this.watchers.unwatchViewer(viewerId);
  }

  input(sessionId: string, termId: string, data: string): void {
    const { session, terminal } = this.terminal(sessionId, termId);
    session.lastActivity = this.now();
    session.warned.delete('idle');
    this.typedAt.set(terminal, performance.now());
    terminal.input(data);
  }

  async resize(sessionId: string, termId: string, cols: number, rows: number): Promise<void> {
    await this.terminal(sessionId, termId).terminal.resize(cols, rows);
  }

  ack(sessionId: string, termId: string, viewerId: string, seq: number): void {
    this.terminal(sessionId, termId).terminal.ack(viewerId, seq);
  }

  closeTerminal(sessionId: string, termId: string): void {
    const { session, terminal } = this.terminal(sessionId, termId);
    terminal.close();
    this.typedAt.delete(terminal);
    session.terminals.delete(termId);
  }

  /**
   * Terminal output held for viewers, over every session: the replay logs (fixed size)
   * and what is in flight (sent or not, unacknowledged by an interactive viewer; this
   * covers what the gateway and the sockets hold on the way to the page), and output
   * read ahead after a ^C that is not in a log yet (see Terminal).
   */
  bufferStats(): { terminals: number; replayBytes: number; inFlightBytes: number; maxInFlightBytes: number; interruptHeldBytes: number } {
    let terminals = 0;
    let interruptHeldBytes = 0;
    let replayBytes = 0;
    let inFlightBytes = 0;
    let maxInFlightBytes = 0;
    for (const session of this.sessions.values()) {
      for (const terminal of session.terminals.values()) {
        terminals++;
        replayBytes += terminal.replayCapacity;
        const n = terminal.unacknowledged();
        inFlightBytes += n;
        maxInFlightBytes = Math.max(maxInFlightBytes, n);
        interruptHeldBytes += terminal.interruptHeldBytes;
      }
    }
    return { terminals, replayBytes, inFlightBytes, maxInFlightBytes, interruptHeldBytes };
  }

  terminalStats(sessionId: string, termId: string): { unacknowledged: number; paused: boolean; interruptDropped: number } {
    const { terminal } = this.terminal(sessionId, termId);
    return { unacknowledged: terminal.unacknowledged(), paused: terminal.isPaused, interruptDropped: terminal.interruptDropped };
  }

  // ---- time ------------------------------------------------------------

  /** Enforces lifetimes and idle timeouts; called every second by the agent. */
  tick(): void {
    this.pool.maintain();
    const now = this.now();
    const retention = this.opts.endedRetentionMs ?? 10 * 60_000;
    for (const session of this.sessions.values()) {
      if (session.state === 'ready') {
        this.checkDeadline(session, 'lifetime', session.expiresAt.getTime(), now);
        if (session.state === 'ready') {
          this.checkDeadline(session, 'idle', session.lastActivity + session.limits.idleSeconds * 1000, now);
        }
      } else if (session.endedAt !== undefined && !session.holdsSlot && now - session.endedAt > retention) {
        this.sessions.delete(session.sessionId);
      }
    }
  }

  private checkDeadline(session: Session, kind: 'lifetime' | 'idle', deadline: number, now: number): void {
    if (now >= deadline) {
      const message =
        kind === 'lifetime'
          ? `the session reached its lifetime of ${session.limits.lifetimeSeconds} s`
          : `nobody used the session for ${session.limits.idleSeconds} s`;
      void this.stop(session.sessionId, { code: kind, message }).catch((err) =>
        this.opts.log.error({ err, sessionId: session.sessionId }, 'ending a session failed'),
      );
      return;
    }
    const warnAt = deadline - session.limits.warnSecondsBefore * 1000;
    if (now >= warnAt && !session.warned.has(kind)) {
      session.warned.add(kind);
      const event: SandboxWarning = {
        sessionId: session.sessionId,
        kind,
        endsAt: new Date(deadline).toISOString(),
        secondsLeft: Math.max(0, Math.round((deadline - now) / 1000)),
      };
      for (const n of this.notifiers) n.warning(event);
    }
  }

  // ---- start-up and engine events -------------------------------------------

  /**
   * Rebuilds the model from what the engine holds: running sandboxes of this agent
   * are adopted (their slots taken again), everything else of this agent is removed.
   */
  async reconcile(): Promise<{ adopted: string[]; pooled: string[]; removed: string[] }> {
    const found = await this.opts.driver.discover();
    const adopted: string[] = [];
    const pooled: string[] = [];
    for (const sandbox of found) {
      const known = this.bySandbox(sandbox.sandboxId);
      if (known) {
        if (known.state === 'ready' && !sandbox.running) this.failEngineLoss(known);
        else if (known.holdsSlot || known.state === 'creating') adopted.push(known.sessionId);
        continue;
      }
      if (this.pool.has(sandbox.sandboxId)) {
        if (sandbox.running) pooled.push(sandbox.sandboxId);
        continue;
      }
      if (!sandbox.session) {
        // Never claimed, so never seen by a learner: it may serve the pool again.
        if (this.pool.adopt(sandbox)) pooled.push(sandbox.sandboxId);
        continue;
      }
      const claim = sandbox.session;
      if (!sandbox.running || this.sessions.has(claim.sessionId) || !this.slots.take(sandbox.slot, sandbox.sandboxId)) continue;
      const session = this.track({ ...sandbox, ...claim, state: 'ready' });
      adopted.push(session.sessionId);
    }
    const present = new Set(found.filter((f) => f.running).map((f) => f.sandboxId));
    for (const session of this.sessions.values()) {
      if (session.state === 'ready' && !found.some((f) => f.sandboxId === session.sandboxId)) this.failEngineLoss(session);
    }
    this.pool.forgetMissing(present);
    const keep = new Set([...[...this.sessions.values()].filter((s) => s.holdsSlot).map((s) => s.sandboxId), ...this.pool.ids()]);
    const removed = await this.opts.driver.sweep(keep);
    this.publishCapacity();
    this.pool.maintain();
    return { adopted, pooled, removed };
  }

  private failEngineLoss(session: Session): void {
    void this.enqueue(session, async () => {
      if (session.state !== 'ready') return;
      this.closeTerminals(session);
      await this.releaseResources(session);
      this.end(session, 'failed', { code: 'engine-restart', message: 'the host Docker engine restarted; reset to get a new sandbox' });
    });
  }

  private async onDriverEvent(event: DriverEvent): Promise<void> {
    if (event.kind === 'engine-back') {
      await this.reconcile().catch((err) => this.opts.log.error({ err }, 'reconcile after engine restart failed'));
      return;
    }
    if (event.kind !== 'exited') return;
    if (this.pool.exited(event.sandboxId)) return;
    const session = this.bySandbox(event.sandboxId);
    if (!session || session.state !== 'ready') return;
    await this.enqueue(session, async () => {
      if (session.state !== 'ready') return;
      this.closeTerminals(session);
      await this.releaseResources(session);
      const message = event.oomKilled
        ? 'the sandbox ran out of memory and was stopped'
        : `the sandbox stopped unexpectedly (exit code ${event.exitCode})`;
      this.end(session, 'failed', { code: 'exited', message });
    }).catch((err) => this.opts.log.error({ err, sandboxId: event.sandboxId }, 'handling an exited sandbox failed'));
  }

  // ---- helpers -----------------------------------------------------------

  /** Starts tracking a session whose sandbox holds `slot`. */
  private track(s: {
    sessionId: string;
    sandboxId: string;
    profile: string;
    limits: SandboxLimits;
    slot: number;
    state: SandboxState;
    createdAt: Date;
    expiresAt: Date;
  }): Session {
    const session: Session = {
      sessionId: s.sessionId,
      sandboxId: s.sandboxId,
      profile: s.profile,
      limits: s.limits,
      identity: slotIdentity(s.slot, this.opts.network),
      state: s.state,
      createdAt: s.createdAt,
      expiresAt: s.expiresAt,
      lastActivity: this.now(),
      warned: new Set(),
      terminals: new Map(),
      spare: null,
      queue: Promise.resolve(),
      holdsSlot: true,
    };
    this.sessions.set(session.sessionId, session);
    return session;
  }

  private async bringUp(session: Session, run: (spec: SandboxSpec) => Promise<void>): Promise<SandboxInfo> {
    const spec: SandboxSpec = {
      sandboxId: session.sandboxId,
      session: this.claimOf(session),
      profile: session.profile,
      identity: session.identity,
      limits: session.limits,
    };
    try {
      await run(spec);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      this.opts.log.warn({ err, sessionId: session.sessionId }, 'sandbox did not start');
      await this.releaseResources(session).catch((e) => this.opts.log.error({ err: e }, 'cleanup after a failed start failed'));
      this.end(session, 'failed', { code: 'start-failed', message });
      throw new BerthError('failed', `the sandbox did not start: ${message}`);
    }
    session.lastActivity = this.now();
    this.setState(session, 'ready');
    this.publishCapacity();
    this.prepareShell(session);
    return this.info(session);
  }

  private claimOf(session: Session) {
    return { sessionId: session.sessionId, createdAt: session.createdAt, expiresAt: session.expiresAt };
  }

  private async releaseResources(session: Session): Promise<void> {
    await this.opts.driver.destroy(session.sandboxId);
    if (session.holdsSlot) {
      this.slots.release(session.identity.slot, session.sandboxId);
      session.holdsSlot = false;
      this.pool.maintain();
    }
  }

  /** A sandbox a session no longer uses (after a reset) is removed without making anyone wait. */
  private removeInBackground(sandboxId: string, slot: number): void {
    void this.opts.driver
      .destroy(sandboxId)
      .catch((err) => this.opts.log.error({ err, sandboxId }, 'removing a replaced sandbox failed'))
      .finally(() => {
        this.slots.release(slot, sandboxId);
        this.publishCapacity();
        this.pool.maintain();
      });
  }

  private bySandbox(sandboxId: string): Session | undefined {
    for (const session of this.sessions.values()) if (session.sandboxId === sandboxId) return session;
    return undefined;
  }

  /** Slots that sessions hold (the pool holds the others). */
  private sessionSlots(): number {
    return this.slots.used - this.pool.size;
  }

  private end(session: Session, state: 'stopped' | 'failed', reason: EndReason): void {
    session.reason = reason;
    session.endedAt = this.now();
    this.setState(session, state);
    this.publishCapacity();
  }

  /** Everything that runs in the sandbox on a viewer's behalf: terminals and the file watcher. */
  private closeTerminals(session: Session): void {
    this.dropSpare(session);
    for (const terminal of session.terminals.values()) {
      terminal.close();
      this.typedAt.delete(terminal);
    }
    session.terminals.clear();
    this.watchers.stopSession(session.sessionId);
  }

  private checkAccepting(): void {
    if (!this.accepting) throw new BerthError('busy', 'this agent is shutting down; try again in a minute');
  }

  /** Checks there is room for a sandbox to boot; a pooled sandbox gives up its slot if none is free. */
  private async makeRoom(limits: SandboxLimits): Promise<void> {
    this.checkAccepting();
    if (this.sessionSlots() >= this.opts.slots.count) {
      throw new BerthError('busy', 'all sandboxes on this agent are busy, try again in a minute');
    }
    if (this.slots.used >= this.opts.slots.count && !(await this.pool.evict())) {
      throw new BerthError('busy', 'all sandboxes on this agent are busy, try again in a minute');
    }
    this.checkMemory(limits);
  }

  private checkMemory(limits: SandboxLimits): void {
    const needed = limits.memoryMiB * 1024 * 1024 + this.opts.reserveMemoryBytes;
    if (this.opts.freeMemoryBytes() < needed) {
      throw new BerthError('busy', 'this host is low on memory, try again in a minute');
    }
  }

  /** Why the pool may not make a sandbox now (running sessions come first). */
  private poolBlocked(limits: SandboxLimits): 'draining' | 'slots' | 'memory' | null {
    if (!this.accepting) return 'draining';
    if (this.opts.slots.count - this.slots.used <= (this.opts.pool?.reserveSlots ?? 0)) return 'slots';
    if (this.opts.freeMemoryBytes() < limits.memoryMiB * 1024 * 1024 + this.opts.reserveMemoryBytes) return 'memory';
    return null;
  }

  private setState(session: Session, state: SandboxState): void {
    session.state = state;
    const event: SandboxStateEvent = { sessionId: session.sessionId, state, info: this.info(session) };
    if (session.reason) event.reason = session.reason;
    for (const n of this.notifiers) n.state(event);
  }

  private publishCapacity(): void {
    const capacity = this.capacity();
    for (const n of this.notifiers) n.capacity(capacity);
  }

  private enqueue<T>(session: Session, op: () => Promise<T>): Promise<T> {
    const result = session.queue.then(op);
    session.queue = result.catch(() => undefined);
    return result;
  }

  private require(sessionId: string): Session {
    const session = this.sessions.get(sessionId);
    if (!session) throw new BerthError('not_found', `no session ${sessionId} on this agent`);
    return session;
  }

  private requireReady(sessionId: string): Session {
    const session = this.require(sessionId);
    if (session.state !== 'ready') throw new BerthError('conflict', `session ${sessionId} is ${session.state}, not ready`);
    return session;
  }

  private terminal(sessionId: string, termId: string): { session: Session; terminal: Terminal } {
    const session = this.require(sessionId);
    const terminal = session.terminals.get(termId);
    if (!terminal) throw new BerthError('not_found', `no terminal ${termId} in session ${sessionId}`);
    return { session, terminal };
  }

  private info(session: Session): SandboxInfo {
    const info: SandboxInfo = {
      sessionId: session.sessionId,
      agentId: this.opts.agentId,
      profile: session.profile,
      state: session.state,
      limits: session.limits,
      createdAt: session.createdAt.toISOString(),
      expiresAt: session.expiresAt.toISOString(),
      idleExpiresAt: new Date(session.lastActivity + session.limits.idleSeconds * 1000).toISOString(),
      terminals: [...session.terminals.values()].map((t) => t.info()),
    };
    if (session.reason) info.reason = session.reason;
    if (session.holdsSlot) {
      info.hostUid = this.opts.hostUidBase + session.identity.learnerUid;
      info.sandboxId = session.sandboxId;
    }
    return info;
  }
}
