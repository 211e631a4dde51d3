/**
 * The page's one socket to its learner session (framework-free: the React
 * workspace uses it, and the unit tests drive it against a fake gateway).
 *
 * - Connects to BROWSER_NAMESPACE with a token from a SessionGrant; socket.io
 *   reconnects by itself after a dropped transport.
 * - Tracks, for every open terminal, `received`: the byte offset just past the last
 *   byte handed to its sink. On every (re)connect each terminal is re-attached from
 *   exactly that offset, and data is trimmed by sequence number, so a replay has no
 *   gap and no duplicate (a real gap, bytes the server no longer has, is reported as
 *   `skipped`).
 * - Acknowledges only what the consumer says it has processed (`ack`, called from
 *   xterm's write callback): end-to-end flow control.
 * - Refreshes the grant when the handshake is refused for the token (or before
 *   reconnecting with a token that has expired).
 * - Validates every inbound message with the protocol's zod schemas; malformed ones
 *   are logged and ignored.
 */
import { io, type Socket } from 'socket.io-client';
import { z } from 'zod';
import {
  BROWSER_NAMESPACE,
  BrowserTermRef,
  LearnerSessionView,
  LessonCheckResult,
  LessonFileResult,
  LessonSetupResult,
  DirListing,
  FileContent,
  FileStat,
  ListeningPort,
  PreviewGrant,
  SandboxWriteFileResult,
  WatchResult,
  Etag,
  FilePath,
  type WatchSet,
  MAX_INPUT_CHARS,
  PROTOCOL_VERSION,
  ProtocolError,
  SandboxWarning,
  TermAttachResult,
  TermData,
  TermExit,
  TerminalInfo,
  wireParser,
  type SessionGrant,
} from '@berth/protocol';
import { refreshGrant } from './api';
import { TypedEmitter } from './emitter';
import { LearnerError, toLearnerError } from './errors';

export { LearnerError } from './errors';

/** Validated shapes of what the gateway sends. */
export const SessionWarningMessage = SandboxWarning.omit({ sessionId: true });
export type SessionWarning = z.infer<typeof SessionWarningMessage>;
const TermDataMessage = TermData.pick({ termId: true, seq: true, data: true });
const TermExitMessage = TermExit.pick({ termId: true, exitCode: true });
const ProtocolErrorMessage = ProtocolError.extend({ event: z.string() });
export type GatewayProtocolError = z.infer<typeof ProtocolErrorMessage>;
const FilesChangedMessage = z
  .object({ dirs: z.array(FilePath), files: z.array(z.object({ path: FilePath, etag: Etag.nullable() }).strict()) })
  .strict();
export type FilesChangedEvent = z.infer<typeof FilesChangedMessage>;
const PortsMessage = z.object({ ports: z.array(ListeningPort), portsVersion: z.number().int().nonnegative() }).strict();
const RemovedPath = z.object({ path: z.string() }).strict();

/** The gateway may leave out the termId it was asked about. */
const AttachResult = TermAttachResult.partial({ termId: true });
export type AttachResult = z.infer<typeof AttachResult>;

/** The envelope of every answer: Result<T> (its data is checked by the request's own schema). */
const ResultEnvelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }).strict(),
  z.object({ ok: z.literal(false), error: ProtocolError }).strict(),
]);

export type SessionState = LearnerSessionView['state'];
/** States after which the session will not come back. */
export const FINAL_STATES: ReadonlySet<SessionState> = new Set(['stopped', 'failed']);
/**
 * States in which the sandbox cannot be used: the final ones, and `interrupted`
 * (its host is gone; the gateway restores the session if the host comes back).
 */
export const ENDED_STATES: ReadonlySet<SessionState> = new Set(['stopped', 'failed', 'interrupted']);

/**
 * - connecting: the first connection is under way;
 * - online: connected (terminals are being or have been re-attached);
 * - reconnecting: the connection dropped and is being restored;
 * - offline: not connected and not trying any more (see the `fatal` event).
 */
export type ConnectionStatus = 'connecting' | 'online' | 'reconnecting' | 'offline';

/** A chunk of terminal output for the consumer (xterm). */
export interface TerminalChunk {
  /** Offset of `data`'s first byte. */
  seq: number;
  data: Uint8Array;
  /** Bytes just before `seq` that are lost for good (0 almost always). */
  skipped: number;
}

/** Where one terminal's output goes. */
export interface TerminalSink {
  data(chunk: TerminalChunk): void;
  exit(exitCode: number): void;
  /** The terminal no longer exists on the server (e.g. after a reset elsewhere). */
  gone?(error: LearnerError): void;
}

export type LearnerConnectionEvents = {
  status: (status: ConnectionStatus) => void;
  /** The session's state changed (or was re-read after a reconnect). */
  state: (view: LearnerSessionView) => void;
  warning: (warning: SessionWarning) => void;
  /** A new grant was fetched (its token is used for the next handshakes). */
  grant: (grant: SessionGrant) => void;
  /** The gateway refused a fire-and-forget message. */
  protocolError: (error: GatewayProtocolError) => void;
  /** The connection gave up (version mismatch, session gone, refused again and again). */
  fatal: (error: LearnerError) => void;
  /** Watched folders or files changed in the sandbox. */
  filesChanged: (event: FilesChangedEvent) => void;
  /** The ports something listens on in the sandbox changed (newer versions win). */
  ports: (ports: ListeningPort[], version: number) => void;
};

export interface Logger {
  warn(message: string, details?: unknown): void;
  debug?(message: string, details?: unknown): void;
}

export interface LearnerConnectionOptions {
  /** Origin of the gateway; omitted in the browser (same origin). */
  url?: string;
  /** Fetches a fresh grant for the session (default: POST /api/sessions/:id/token). */
  refreshGrant?: (sessionId: string) => Promise<SessionGrant>;
  logger?: Logger;
  /** socket.io reconnection delays (ms); small values make tests fast. */
  reconnectionDelay?: number;
  reconnectionDelayMax?: number;
  /** How long a request may wait for its answer (ms). */
  requestTimeoutMs?: number;
  /**
   * Acknowledgements go out once this many processed bytes are unacknowledged, or
   * ackDelayMs after the last write: the agent's window (192 KiB) needs no more, and
   * a keystroke's echo then costs one message instead of three.
   */
  ackBytes?: number;
  ackDelayMs?: number;
  /** Refresh the token before a handshake when it expires within this (ms). */
  tokenRefreshMarginMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface TrackedTerminal {
  termId: string;
  sink: TerminalSink;
  /** Offset just past the last byte handed to the sink. */
  received: number;
  /** Highest offset the consumer has processed (acknowledged to us). */
  acked: number;
  /** Highest ack sent on the current connection (the server's view). */
  ackSent: number;
  /** Attached on the current connection. */
  attached: boolean;
  exited: boolean;
  /** The process ended with this code once output up to endSeq is in (from an attach answer). */
  exitAt?: { exitCode: number; endSeq: number };
  /** Input typed while the terminal was not attached (sent once it is). */
  pendingInput: string;
  size?: { cols: number; rows: number };
  sizeDirty: boolean;
  /** A failed attach is tried again (the sandbox's host may be reconnecting). */
  retryTimer?: ReturnType<typeof setTimeout>;
  /** A trailing acknowledgement is scheduled. */
  ackTimer?: ReturnType<typeof setTimeout>;
  attachFailures: number;
}

/** Keystrokes kept while offline; more than this is dropped (a paste, most likely). */
const MAX_PENDING_INPUT = 4096;
/** Output for a terminal whose open request is still awaiting its answer. */
const MAX_ORPHAN_BYTES = 1 << 20;
/** Handshake refusals in a row (each followed by a token refresh) before giving up. */
const MAX_REFUSALS = 3;
/** First and longest pause before attaching again after a failure. */
const ATTACH_RETRY_MS = 500;
const ATTACH_RETRY_MAX_MS = 5_000;

const defaultLogger: Logger = {
  warn: (message, details) => console.warn(`[berth] ${message}`, details ?? ''),
};

export class LearnerConnection extends TypedEmitter<LearnerConnectionEvents> {
  private grant: SessionGrant;
  private readonly socket: Socket;
  private readonly terminals = new Map<string, TrackedTerminal>();
  private readonly orphans = new Map<string, { seq: number; data: Uint8Array }[]>();
  private orphanBytes = 0;
  private pendingOpens = 0;
  private statusValue: ConnectionStatus = 'connecting';
  private sessionValue: LearnerSessionView;
  /** Bumped on every connect and disconnect: answers from an older epoch are stale. */
  private epoch = 0;
  private refusals = 0;
  private refreshing: Promise<SessionGrant> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;
  private readonly log: Logger;
  private readonly fetchGrant: (sessionId: string) => Promise<SessionGrant>;
  private readonly requestTimeoutMs: number;
  private readonly ackBytes: number;
  private readonly ackDelayMs: number;
  private readonly tokenRefreshMarginMs: number;
  private readonly now: () => number;

  constructor(grant: SessionGrant, options: LearnerConnectionOptions = {}) {
    super();
    this.grant = grant;
    this.sessionValue = grant.session;
    this.log = options.logger ?? defaultLogger;
    this.fetchGrant = options.refreshGrant ?? ((id) => refreshGrant(id));
    this.requestTimeoutMs = options.requestTimeoutMs ?? 20_000;
    this.ackBytes = options.ackBytes ?? 16_384;
    this.ackDelayMs = options.ackDelayMs ?? 250;
    this.tokenRefreshMarginMs = options.tokenRefreshMarginMs ?? 15_000;
    this.now = options.now ?? Date.now;

    const target = options.url ? `${options.url.replace(/\/+$/, '')}${BROWSER_NAMESPACE}` : BROWSER_NAMESPACE;
    this.socket = io(target, {
      path: '/socket.io',
      transports: ['websocket'],
      parser: wireParser,
      autoConnect: false,
      reconnectionDelay: options.reconnectionDelay ?? 500,
      reconnectionDelayMax: options.reconnectionDelayMax ?? 5_000,
      // A function: evaluated on every handshake, so a reconnect uses the newest token.
      auth: (cb) => {
        void this.handshakeAuth().then(cb);
      },
    });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (err) => this.onConnectError(err));
    this.socket.io.on('reconnect_attempt', () => this.setStatus('reconnecting'));
    this.socket.on('session:state', (raw: unknown) => this.onState(raw));
    this.socket.on('session:warning', (raw: unknown) => this.onWarning(raw));
    this.socket.on('term:data', (raw: unknown) => this.onData(raw));
    this.socket.on('term:exit', (raw: unknown) => this.onExit(raw));
    this.socket.on('protocol:error', (raw: unknown) => this.onProtocolError(raw));
    this.socket.on('fs:changed', (raw: unknown) => {
      const parsed = FilesChangedMessage.safeParse(raw);
      if (parsed.success) this.emit('filesChanged', parsed.data);
      else this.malformed('fs:changed', parsed.error);
    });
    this.socket.on('preview:ports', (raw: unknown) => {
      const parsed = PortsMessage.safeParse(raw);
      if (parsed.success) this.emit('ports', parsed.data.ports, parsed.data.portsVersion);
      else this.malformed('preview:ports', parsed.error);
    });
  }

  // ---------------------------------------------------------------- public API

  get status(): ConnectionStatus {
    return this.statusValue;
  }

  /** The newest view of the session (from the grant, events and answers). */
  get session(): LearnerSessionView {
    return this.sessionValue;
  }

  get sessionId(): string {
    return this.grant.session.sessionId;
  }

  /** Ids of the terminals this connection follows. */
  get terminalIds(): string[] {
    return [...this.terminals.keys()];
  }

  /** Offset just past the last byte of `termId` handed to its sink (for tests and debugging). */
  received(termId: string): number | undefined {
    return this.terminals.get(termId)?.received;
  }

  connect(): void {
    if (this.disposed) return;
    this.socket.connect();
  }

  /** Closes the socket for good; pending requests fail with `closed`. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    for (const terminal of this.terminals.values()) {
      clearTimeout(terminal.retryTimer);
      clearTimeout(terminal.ackTimer);
    }
    this.terminals.clear();
    this.orphans.clear();
    this.socket.removeAllListeners();
    this.socket.io.removeAllListeners();
    this.socket.disconnect();
    this.setStatus('offline');
    this.removeAllListeners();
  }

  /** Opens a new terminal of the given size; its output goes to `sink` from byte 0. */
  async openTerminal(size: { cols: number; rows: number }, sink: TerminalSink): Promise<TerminalInfo> {
    const clamped = clampSize(size.cols, size.rows);
    this.pendingOpens++;
    let info: TerminalInfo;
    try {
      // Start opens the first terminal while the socket may still be connecting.
      await this.whenConnected(this.requestTimeoutMs);
      info = await this.request('term:open', clamped, TerminalInfo);
      const terminal = this.track(info.termId, sink, 0);
      terminal.size = clamped;
      const early = this.orphans.get(info.termId) ?? [];
      this.orphans.delete(info.termId);
      for (const chunk of early) this.deliver(terminal, chunk.seq, chunk.data);
    } finally {
      this.pendingOpens--;
      if (this.pendingOpens === 0) this.clearOrphans();
    }
    // Attach from what we have: harmless if the gateway attached the opener already.
    await this.attachTracked(this.terminals.get(info.termId));
    return info;
  }

  /**
   * While the first connection is being made, resolves once it is (within `timeoutMs`).
   * Otherwise at once: a request made while the connection is down fails (`request`)
   * rather than waiting in a queue.
   */
  private whenConnected(timeoutMs: number): Promise<void> {
    if (this.disposed || this.socket.connected || this.statusValue !== 'connecting' || !this.socket.active) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const done = (error?: LearnerError) => {
        clearTimeout(timer);
        off();
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(() => done(new LearnerError('offline', 'not connected')), timeoutMs);
      const off = this.on('status', (status) => {
        if (status === 'online') done();
        else if (status === 'offline') done(new LearnerError(this.disposed ? 'closed' : 'offline', 'not connected'));
      });
    });
  }

  /**
   * Follows a terminal that exists already (e.g. after a page reload), replaying
   * its output from `fromSeq` (as far as the server still has it).
   */
  async attachTerminal(termId: string, sink: TerminalSink, fromSeq = 0): Promise<AttachResult | undefined> {
    const terminal = this.track(termId, sink, fromSeq);
    return this.attachTracked(terminal);
  }

  /** Keystrokes or a paste. Kept (up to a few kB) while the connection is down. */
  input(termId: string, data: string): void {
    const terminal = this.terminals.get(termId);
    if (!terminal || data.length === 0 || terminal.exited) return;
    if (!this.socket.connected || !terminal.attached) {
      const room = MAX_PENDING_INPUT - terminal.pendingInput.length;
      if (data.length > room) this.log.warn(`input for ${termId} dropped while offline`, { chars: data.length - room });
      terminal.pendingInput += data.slice(0, Math.max(0, room));
      return;
    }
    for (const chunk of splitInput(data)) this.socket.emit('term:input', { termId, data: chunk });
  }

  resize(termId: string, cols: number, rows: number): void {
    const terminal = this.terminals.get(termId);
    if (!terminal) return;
    const size = clampSize(cols, rows);
    if (terminal.size && terminal.size.cols === size.cols && terminal.size.rows === size.rows && !terminal.sizeDirty) return;
    terminal.size = size;
    terminal.sizeDirty = true;
    this.flushResize(terminal);
  }

  /** The consumer has processed (written into xterm) every byte before `seq`. */
  ack(termId: string, seq: number): void {
    const terminal = this.terminals.get(termId);
    if (!terminal) return;
    if (seq > terminal.received) {
      this.log.warn(`ack ${seq} for ${termId} is past what was received (${terminal.received})`);
      seq = terminal.received;
    }
    if (seq <= terminal.acked) return;
    terminal.acked = seq;
    if (terminal.acked - terminal.ackSent >= this.ackBytes) {
      this.flushAck(terminal);
    } else if (!terminal.ackTimer) {
      terminal.ackTimer = setTimeout(() => {
        terminal.ackTimer = undefined;
        this.flushAck(terminal);
      }, this.ackDelayMs);
    }
  }

  /** Runs a step's check in the sandbox (scripts run a while: a longer timeout). */
  checkStep(stepId: string, lang: 'en' | 'ko'): Promise<LessonCheckResult> {
    return this.request('lesson:check', { stepId, lang }, LessonCheckResult, 90_000);
  }

  /** Prepares a step's starting state in the sandbox. */
  setupStep(stepId: string, lang: 'en' | 'ko'): Promise<LessonSetupResult> {
    return this.request('lesson:setup', { stepId, lang }, LessonSetupResult, 150_000);
  }

  /** Writes one of the step's files into the learner's home. */
  createLessonFile(stepId: string, lang: 'en' | 'ko', path: string): Promise<LessonFileResult> {
    return this.request('lesson:createFile', { stepId, lang, path }, LessonFileResult);
  }

  // ---------------------------------------------------------- files and previews

  /** A folder of the learner's home (path relative to it; '' is the home). */
  listDir(path: string): Promise<DirListing> {
    return this.request('fs:list', { path }, DirListing);
  }

  readFile(path: string): Promise<FileContent> {
    return this.request('fs:read', { path }, FileContent);
  }

  /** A file's raw bytes (at most MAX_EDIT_BYTES), for a download. */
  async downloadFile(path: string): Promise<Uint8Array> {
    const file = await this.request('fs:read', { path, as: 'bytes' }, FileContent);
    if (file.kind !== 'bytes') throw new LearnerError('bad_response', 'expected the file’s bytes');
    return file.data instanceof Uint8Array ? file.data : new Uint8Array(file.data);
  }

  statPath(path: string): Promise<FileStat> {
    return this.request('fs:stat', { path }, FileStat);
  }

  /**
   * Saves a file. `ifMatch`: the version the edit started from (null: it must not exist
   * yet; undefined: overwrite). A newer version in the sandbox fails with `conflict`.
   */
  writeFile(path: string, content: string | Uint8Array, ifMatch?: string | null): Promise<SandboxWriteFileResult> {
    const payload: { path: string; content: string | Uint8Array; ifMatch?: string | null } = { path, content };
    if (ifMatch !== undefined) payload.ifMatch = ifMatch;
    return this.request('fs:write', payload, SandboxWriteFileResult);
  }

  removePath(path: string, recursive = false): Promise<{ path: string }> {
    return this.request('fs:remove', { path, recursive }, RemovedPath, 40_000);
  }

  renamePath(from: string, to: string): Promise<FileStat> {
    return this.request('fs:rename', { from, to }, FileStat);
  }

  makeDir(path: string): Promise<FileStat> {
    return this.request('fs:mkdir', { path }, FileStat);
  }

  /** What this page watches (replaces the previous set); answers the listening ports. */
  watch(set: WatchSet): Promise<WatchResult> {
    return this.request('fs:watch', set, WatchResult);
  }

  /** A one-time URL that opens the preview of a port (on its own origin) at `path`. */
  openPreview(port: number, path = '/'): Promise<PreviewGrant> {
    return this.request('preview:open', { port, path }, PreviewGrant);
  }

  /** Stops following a terminal and asks the server to close it. */
  async closeTerminal(termId: string): Promise<void> {
    if (!this.terminals.delete(termId)) return;
    if (!this.socket.connected) return; // the session forgets it when it ends; nothing to do offline
    try {
      await this.request('term:close', { termId }, BrowserTermRef);
    } catch (error) {
      const err = toLearnerError(error);
      if (err.code !== 'not_found') this.log.warn(`closing ${termId} failed`, err.message);
    }
  }

  /** Re-reads the session's state. */
  async refreshState(): Promise<LearnerSessionView> {
    const view = await this.request('session:info', {}, LearnerSessionView);
    const before = this.sessionValue.state;
    this.setSession(view);
    if (view.state === 'ready' && before !== 'ready') this.attachDetached();
    return view;
  }

  /**
   * Resets the sandbox: every terminal ends (and stops being followed); open new
   * ones once the session is ready again.
   */
  async reset(): Promise<LearnerSessionView> {
    const view = await this.request('session:reset', {}, LearnerSessionView, Math.max(this.requestTimeoutMs, 120_000));
    this.terminals.clear();
    this.setSession(view);
    return view;
  }

  // ----------------------------------------------------------- connection life

  private setStatus(status: ConnectionStatus): void {
    if (status === this.statusValue) return;
    this.statusValue = status;
    this.emit('status', status);
  }

  private setSession(view: LearnerSessionView): void {
    this.sessionValue = view;
    this.emit('state', view);
  }

  private async handshakeAuth(): Promise<{ token: string; protocolVersion: number }> {
    const expiresAt = Date.parse(this.grant.tokenExpiresAt);
    if (Number.isFinite(expiresAt) && expiresAt - this.now() < this.tokenRefreshMarginMs) {
      try {
        await this.refresh();
      } catch (error) {
        // Try the old token anyway: a refusal leads to another refresh (and, in the end, to `fatal`).
        this.log.warn('could not refresh the session token before reconnecting', toLearnerError(error).message);
      }
    }
    return { token: this.grant.token, protocolVersion: PROTOCOL_VERSION };
  }

  /** One refresh at a time; the new grant replaces the old one. */
  private refresh(): Promise<SessionGrant> {
    this.refreshing ??= this.fetchGrant(this.sessionId)
      .then((grant) => {
        if (grant.session.sessionId !== this.sessionId) {
          throw new LearnerError('bad_response', 'the token endpoint answered for another session');
        }
        this.grant = grant;
        this.emit('grant', grant);
        this.setSession(grant.session);
        return grant;
      })
      .finally(() => {
        this.refreshing = null;
      });
    return this.refreshing;
  }

  private onConnect(): void {
    this.epoch++;
    this.refusals = 0;
    this.setStatus('online');
    for (const terminal of this.terminals.values()) {
      terminal.attached = false;
      if (!terminal.exited) void this.attachTracked(terminal);
    }
    const epoch = this.epoch;
    this.refreshState().catch((error: unknown) => {
      if (epoch === this.epoch) this.log.warn('session:info failed after connecting', toLearnerError(error).message);
    });
  }

  private onDisconnect(reason: Socket.DisconnectReason): void {
    this.epoch++;
    for (const terminal of this.terminals.values()) terminal.attached = false;
    if (this.disposed || reason === 'io client disconnect') return;
    if (reason === 'io server disconnect') {
      // The gateway closed this socket on purpose; socket.io will not retry by itself.
      if (FINAL_STATES.has(this.sessionValue.state)) {
        this.setStatus('offline');
        return;
      }
      this.setStatus('reconnecting');
      this.retryAfterRefusal(new LearnerError('unauthorized', 'the server closed the connection'));
      return;
    }
    this.setStatus('reconnecting');
  }

  private onConnectError(err: Error & { data?: unknown }): void {
    if (this.disposed) return;
    if (this.socket.active) {
      // A transport failure: socket.io keeps retrying on its own.
      this.setStatus(this.statusValue === 'connecting' ? 'connecting' : 'reconnecting');
      return;
    }
    // Refused by the gateway's handshake check.
    const data = z.object({ code: z.string(), message: z.string().optional() }).safeParse(err.data);
    const code = data.success ? data.data.code : /version/i.test(err.message) ? 'version_mismatch' : 'unauthorized';
    const refusal = new LearnerError(code, data.success && data.data.message ? data.data.message : err.message);
    if (code === 'version_mismatch' || code === 'not_found') {
      this.fail(refusal);
      return;
    }
    this.setStatus(this.statusValue === 'connecting' ? 'connecting' : 'reconnecting');
    this.retryAfterRefusal(refusal);
  }

  /** Refreshes the grant, then connects again; gives up after a few refusals in a row. */
  private retryAfterRefusal(refusal: LearnerError): void {
    this.refusals++;
    if (this.refusals > MAX_REFUSALS) {
      this.fail(refusal);
      return;
    }
    this.refresh().then(
      () => {
        if (!this.disposed) this.socket.connect();
      },
      (error: unknown) => {
        const err = toLearnerError(error);
        if (this.disposed) return;
        if (['not_found', 'unauthorized', 'forbidden', 'gone', 'session_ended'].includes(err.code)) {
          this.fail(err);
          return;
        }
        // The token endpoint is unreachable for now: try again a little later.
        this.log.warn('token refresh failed; retrying', err.message);
        this.retryTimer = setTimeout(() => {
          this.retryTimer = null;
          this.retryAfterRefusal(refusal);
        }, 1_000 * this.refusals);
      },
    );
  }

  private fail(error: LearnerError): void {
    this.log.warn(`connection given up: ${error.code}`, error.message);
    this.socket.disconnect();
    this.setStatus('offline');
    this.emit('fatal', error);
  }

  // -------------------------------------------------------------- terminals

  private track(termId: string, sink: TerminalSink, fromSeq: number): TrackedTerminal {
    const existing = this.terminals.get(termId);
    if (existing) {
      existing.sink = sink;
      return existing;
    }
    const terminal: TrackedTerminal = {
      termId,
      sink,
      received: fromSeq,
      acked: fromSeq,
      ackSent: fromSeq,
      attached: false,
      exited: false,
      pendingInput: '',
      sizeDirty: false,
      attachFailures: 0,
    };
    this.terminals.set(termId, terminal);
    return terminal;
  }

  private async attachTracked(terminal: TrackedTerminal | undefined): Promise<AttachResult | undefined> {
    if (!terminal || !this.socket.connected) return undefined;
    clearTimeout(terminal.retryTimer);
    terminal.retryTimer = undefined;
    const epoch = this.epoch;
    const fromSeq = terminal.received;
    let result: AttachResult;
    try {
      result = await this.request('term:attach', { termId: terminal.termId, fromSeq }, AttachResult);
    } catch (error) {
      const err = toLearnerError(error);
      if (epoch !== this.epoch || this.terminals.get(terminal.termId) !== terminal) return undefined;
      if (err.code === 'not_found') {
        this.terminals.delete(terminal.termId);
        terminal.sink.gone?.(err);
      } else if (err.code !== 'offline' && err.code !== 'closed') {
        // e.g. `failed`: the sandbox's host is not connected to this gateway (yet). Try again
        // a little later (and at once when the session says it is ready).
        terminal.attachFailures++;
        const delay = Math.min(ATTACH_RETRY_MAX_MS, ATTACH_RETRY_MS * 2 ** (terminal.attachFailures - 1));
        this.log.warn(`attaching ${terminal.termId} failed (${err.code}); retrying in ${delay} ms`, err.message);
        terminal.retryTimer = setTimeout(() => {
          terminal.retryTimer = undefined;
          if (epoch === this.epoch && !terminal.attached) void this.attachTracked(terminal);
        }, delay);
      }
      return undefined;
    }
    if (epoch !== this.epoch || this.terminals.get(terminal.termId) !== terminal) return result;
    terminal.attached = true;
    terminal.attachFailures = 0;
    // The server counts everything before the attach point as processed.
    terminal.ackSent = Math.max(terminal.ackSent, result.fromSeq);
    if (result.fromSeq > terminal.received) {
      // Bytes the server no longer has: say so once, then go on from there.
      this.deliver(terminal, result.fromSeq, new Uint8Array(0));
    }
    if (terminal.pendingInput) {
      const pending = terminal.pendingInput;
      terminal.pendingInput = '';
      this.input(terminal.termId, pending);
    }
    this.flushResize(terminal);
    this.flushAck(terminal);
    if (result.exitCode !== null) {
      terminal.exitAt = { exitCode: result.exitCode, endSeq: result.endSeq };
      this.maybeExit(terminal);
    }
    return result;
  }

  /** Hands the part of [seq, seq + data.length) that is new to the sink. */
  private deliver(terminal: TrackedTerminal, seq: number, data: Uint8Array): void {
    const end = seq + data.length;
    if (end <= terminal.received) return; // seen already (a replay overlapping what we have)
    let skipped = 0;
    let start = seq;
    let bytes = data;
    if (seq < terminal.received) {
      bytes = data.subarray(terminal.received - seq);
      start = terminal.received;
    } else if (seq > terminal.received) {
      skipped = seq - terminal.received;
    }
    terminal.received = end;
    terminal.sink.data({ seq: start, data: bytes, skipped });
    this.maybeExit(terminal);
  }

  /** An exit learned from an attach answer is reported once its last byte is in. */
  private maybeExit(terminal: TrackedTerminal): void {
    if (!terminal.exitAt || terminal.exited || terminal.received < terminal.exitAt.endSeq) return;
    terminal.exited = true;
    terminal.pendingInput = '';
    terminal.sink.exit(terminal.exitAt.exitCode);
  }

  private flushAck(terminal: TrackedTerminal): void {
    clearTimeout(terminal.ackTimer);
    terminal.ackTimer = undefined;
    if (this.terminals.get(terminal.termId) !== terminal) return; // closed, or gone with a reset
    if (!this.socket.connected || !terminal.attached || terminal.acked <= terminal.ackSent) return;
    terminal.ackSent = terminal.acked;
    this.socket.emit('term:ack', { termId: terminal.termId, seq: terminal.acked });
  }

  private flushResize(terminal: TrackedTerminal): void {
    if (!terminal.size || !terminal.sizeDirty || !this.socket.connected || !terminal.attached) return;
    terminal.sizeDirty = false;
    this.socket.emit('term:resize', { termId: terminal.termId, ...terminal.size });
  }

  private clearOrphans(): void {
    this.orphans.clear();
    this.orphanBytes = 0;
  }

  // ---------------------------------------------------------------- inbound

  private malformed(event: string, error: z.ZodError): void {
    this.log.warn(`ignored a malformed "${event}" message`, error.issues);
  }

  private onState(raw: unknown): void {
    const parsed = LearnerSessionView.safeParse(raw);
    if (!parsed.success) return this.malformed('session:state', parsed.error);
    if (parsed.data.sessionId !== this.sessionId) {
      this.log.warn('ignored the state of another session', parsed.data.sessionId);
      return;
    }
    const before = this.sessionValue.state;
    this.setSession(parsed.data);
    if (parsed.data.state === 'ready' && before !== 'ready') this.attachDetached();
  }

  /** Attaches every followed terminal that is not attached on this connection (the host came back). */
  private attachDetached(): void {
    if (!this.socket.connected) return;
    for (const terminal of this.terminals.values()) {
      if (!terminal.attached && !terminal.exited) void this.attachTracked(terminal);
    }
  }

  private onWarning(raw: unknown): void {
    const parsed = SessionWarningMessage.safeParse(raw);
    if (!parsed.success) return this.malformed('session:warning', parsed.error);
    this.emit('warning', parsed.data);
  }

  private onData(raw: unknown): void {
    const parsed = TermDataMessage.safeParse(raw);
    if (!parsed.success) return this.malformed('term:data', parsed.error);
    const { termId, seq } = parsed.data;
    const data = toBytes(parsed.data.data);
    const terminal = this.terminals.get(termId);
    if (terminal) {
      this.deliver(terminal, seq, data);
      return;
    }
    if (this.pendingOpens > 0 && this.orphanBytes + data.length <= MAX_ORPHAN_BYTES) {
      // Output of a terminal whose open answer is still on its way.
      const list = this.orphans.get(termId) ?? [];
      list.push({ seq, data: data.slice() });
      this.orphans.set(termId, list);
      this.orphanBytes += data.length;
      return;
    }
    this.log.debug?.(`data for a terminal this page does not follow: ${termId}`);
  }

  private onExit(raw: unknown): void {
    const parsed = TermExitMessage.safeParse(raw);
    if (!parsed.success) return this.malformed('term:exit', parsed.error);
    const terminal = this.terminals.get(parsed.data.termId);
    if (!terminal || terminal.exited) return;
    terminal.exited = true;
    terminal.pendingInput = '';
    terminal.sink.exit(parsed.data.exitCode);
  }

  private onProtocolError(raw: unknown): void {
    const parsed = ProtocolErrorMessage.safeParse(raw);
    if (!parsed.success) return this.malformed('protocol:error', parsed.error);
    this.log.warn(`the gateway refused "${parsed.data.event}": ${parsed.data.code}`, parsed.data.message);
    this.emit('protocolError', parsed.data);
  }

  // ---------------------------------------------------------------- requests

  private request<T extends z.ZodType>(
    event:
      | 'session:info'
      | 'session:reset'
      | 'term:open'
      | 'term:attach'
      | 'term:close'
      | 'lesson:check'
      | 'lesson:setup'
      | 'lesson:createFile'
      | 'fs:list'
      | 'fs:read'
      | 'fs:stat'
      | 'fs:write'
      | 'fs:remove'
      | 'fs:rename'
      | 'fs:mkdir'
      | 'fs:watch'
      | 'preview:open',
    payload: object,
    schema: T,
    timeoutMs = this.requestTimeoutMs,
  ): Promise<z.infer<T>> {
    if (this.disposed) return Promise.reject(new LearnerError('closed', 'the connection is closed'));
    if (!this.socket.connected) return Promise.reject(new LearnerError('offline', 'not connected'));
    return new Promise((resolve, reject) => {
      this.socket.timeout(timeoutMs).emit(event, payload, (err: Error | null, answer: unknown) => {
        if (err) {
          const code = this.socket.connected ? 'timeout' : 'offline';
          reject(new LearnerError(code, `${event}: ${err.message}`));
          return;
        }
        const envelope = ResultEnvelope.safeParse(answer);
        if (!envelope.success) {
          this.malformed(`${event} answer`, envelope.error);
          reject(new LearnerError('bad_response', `${event}: malformed answer`));
          return;
        }
        if (!envelope.data.ok) {
          reject(new LearnerError(envelope.data.error.code, envelope.data.error.message, undefined, envelope.data.error.details));
          return;
        }
        const data = schema.safeParse(envelope.data.data);
        if (!data.success) {
          this.malformed(`${event} answer`, data.error);
          reject(new LearnerError('bad_response', `${event}: malformed answer`));
          return;
        }
        resolve(data.data as z.infer<T>);
      });
    });
  }
}

// ------------------------------------------------------------------ helpers

function toBytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

function clampSize(cols: number, rows: number): { cols: number; rows: number } {
  const clamp = (n: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, Math.floor(Number.isFinite(n) ? n : lo)));
  return { cols: clamp(cols, 2, 1000), rows: clamp(rows, 1, 500) };
}

/** Splits input into messages the gateway accepts, never inside a surrogate pair. */
export function splitInput(data: string, max = MAX_INPUT_CHARS): string[] {
  const chunks: string[] = [];
  let rest = data;
  while (rest.length > max) {
    let cut = max;
    const code = rest.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff) cut--;
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  if (rest) chunks.push(rest);
  return chunks;
}
