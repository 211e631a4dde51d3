/**
 * One terminal tab's link between the LearnerConnection and an xterm view. It
 * lives as long as the tab (not as long as a React component), so a view may be
 * unmounted and mounted again (a layout change, React's strict mode) and get its
 * screen back: output written so far is kept (up to HISTORY_BYTES) and replayed into
 * the new view; output that arrives while no view is bound waits for one and is
 * acknowledged only once a view has written it.
 */
import type { LearnerConnection, TerminalChunk } from '@/client/learner-connection';
import { LearnerError, toLearnerError } from '@/client/errors';

export type TerminalPhase = 'pending' | 'live' | 'exited' | 'gone' | 'failed';

/** What a view does with output (an xterm behind it). */
export interface TerminalWriter {
  /** Writes bytes; `done` runs once they are processed (xterm's write callback). */
  write(data: Uint8Array, done?: () => void): void;
  /** Bytes before this chunk are lost: show a marker. */
  skipped(): void;
  exited(exitCode: number): void;
}

type Entry = { kind: 'data'; data: Uint8Array; end: number } | { kind: 'skipped' } | { kind: 'exit'; code: number };

const HISTORY_BYTES = 1 << 20;
/** The sandbox's shell prints OSC 133 "D" (command finished) before every prompt. */
const COMMAND_DONE = new TextEncoder().encode('\x1b]133;D');
/** Input typed (by Run) before the terminal is live, sent once it is. */
const MAX_QUEUED_INPUT = 64 * 1024;

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  outer: for (let i = haystack.indexOf(needle[0]!); i >= 0 && i <= haystack.length - needle.length; i = haystack.indexOf(needle[0]!, i + 1)) {
    for (let j = 1; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer;
    return true;
  }
  return false;
}

export interface TerminalSnapshot {
  phase: TerminalPhase;
  termId: string | null;
  exitCode: number | null;
  error: LearnerError | null;
}

export class TerminalController {
  private snapshot: TerminalSnapshot;
  private readonly listeners = new Set<() => void>();
  private writer: TerminalWriter | null = null;
  /** Already written into some view (replayed to a new one, not acknowledged again). */
  private history: Entry[] = [];
  private historyBytes = 0;
  /** Not yet written into any view. */
  private pending: Entry[] = [];
  private started = false;
  /** The tab was closed: a terminal whose open was still under way is closed when it arrives. */
  private closed = false;
  private lastSize: { cols: number; rows: number } | null = null;
  private queuedInput = '';
  private readonly commandListeners = new Set<() => void>();

  constructor(
    private readonly connection: LearnerConnection,
    /** Stable key of the tab (React key, DOM ids). */
    readonly key: string,
    /** Shown as "Terminal N". */
    readonly number: number,
    /** Follow this existing terminal instead of opening a new one. */
    adoptTermId?: string,
  ) {
    this.snapshot = { phase: 'pending', termId: adoptTermId ?? null, exitCode: null, error: null };
    if (adoptTermId) {
      this.started = true;
      this.connection.attachTerminal(adoptTermId, this.sink(), 0).then(
        (result) => {
          if (result && this.snapshot.phase === 'pending') this.update({ phase: 'live' });
        },
        (error: unknown) => this.fail(error),
      );
    }
  }

  // ------------------------------------------------------ React (useSyncExternalStore)

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = (): TerminalSnapshot => this.snapshot;

  private update(patch: Partial<TerminalSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...patch };
    if (this.snapshot.phase === 'live' && this.queuedInput && this.snapshot.termId) {
      const queued = this.queuedInput;
      this.queuedInput = '';
      this.connection.input(this.snapshot.termId, queued);
    }
    for (const listener of this.listeners) listener();
  }

  // ---------------------------------------------------------------- commands

  /** Opens the terminal at its first known size (once; later calls only resize). */
  start(cols: number, rows: number): void {
    if (this.started) {
      this.resize(cols, rows);
      return;
    }
    this.started = true;
    this.lastSize = { cols, rows };
    this.connection.openTerminal({ cols, rows }, this.sink()).then(
      (info) => {
        if (this.closed) {
          void this.connection.closeTerminal(info.termId);
          return;
        }
        this.update({ termId: info.termId, phase: this.snapshot.phase === 'pending' ? 'live' : this.snapshot.phase });
        // The pane may have changed size while the terminal was being opened.
        if (this.lastSize && (this.lastSize.cols !== cols || this.lastSize.rows !== rows)) {
          this.connection.resize(info.termId, this.lastSize.cols, this.lastSize.rows);
        }
      },
      (error: unknown) => this.fail(error),
    );
  }

  resize(cols: number, rows: number): void {
    this.lastSize = { cols, rows };
    if (this.snapshot.termId) this.connection.resize(this.snapshot.termId, cols, rows);
  }

  input(data: string): void {
    if (this.snapshot.termId && this.snapshot.phase === 'live') this.connection.input(this.snapshot.termId, data);
    else if (this.snapshot.phase === 'pending') this.queuedInput = (this.queuedInput + data).slice(0, MAX_QUEUED_INPUT);
  }

  /** Called whenever a command typed in this terminal's shell has finished. */
  onCommandDone(listener: () => void): () => void {
    this.commandListeners.add(listener);
    return () => this.commandListeners.delete(listener);
  }

  /** Closes the terminal on the server (when the tab is closed). */
  close(): void {
    this.closed = true;
    this.writer = null;
    this.listeners.clear();
    this.commandListeners.clear();
    if (this.snapshot.termId) void this.connection.closeTerminal(this.snapshot.termId);
  }

  /** Forgets the terminal without asking the server (it is gone already, e.g. after a reset). */
  discard(): void {
    this.writer = null;
    this.listeners.clear();
    this.commandListeners.clear();
  }

  /** Binds a view: it gets the screen so far, then live output. Returns the unbind function. */
  bind(writer: TerminalWriter): () => void {
    this.writer = writer;
    for (const entry of this.history) this.replay(writer, entry);
    const waiting = this.pending;
    this.pending = [];
    for (const entry of waiting) this.writeLive(entry);
    return () => {
      if (this.writer === writer) this.writer = null;
    };
  }

  // ------------------------------------------------------------------ output

  private sink() {
    return {
      data: (chunk: TerminalChunk) => {
        if (chunk.skipped > 0) this.push({ kind: 'skipped' });
        if (chunk.data.length > 0) this.push({ kind: 'data', data: chunk.data, end: chunk.seq + chunk.data.length });
        if (this.commandListeners.size && contains(chunk.data, COMMAND_DONE)) for (const listener of this.commandListeners) listener();
      },
      exit: (exitCode: number) => {
        this.push({ kind: 'exit', code: exitCode });
        this.update({ phase: 'exited', exitCode });
      },
      gone: (error: LearnerError) => this.update({ phase: 'gone', error }),
    };
  }

  private push(entry: Entry): void {
    if (this.writer) this.writeLive(entry);
    else this.pending.push(entry);
  }

  private writeLive(entry: Entry): void {
    const writer = this.writer;
    if (!writer) {
      this.pending.push(entry);
      return;
    }
    this.remember(entry);
    if (entry.kind === 'data') {
      const termId = this.snapshot.termId;
      writer.write(entry.data, () => {
        const id = termId ?? this.snapshot.termId;
        if (id) this.connection.ack(id, entry.end);
      });
    } else {
      this.replay(writer, entry);
    }
  }

  private replay(writer: TerminalWriter, entry: Entry): void {
    if (entry.kind === 'data') writer.write(entry.data);
    else if (entry.kind === 'skipped') writer.skipped();
    else writer.exited(entry.code);
  }

  private remember(entry: Entry): void {
    this.history.push(entry);
    if (entry.kind === 'data') this.historyBytes += entry.data.length;
    while (this.historyBytes > HISTORY_BYTES && this.history.length > 1) {
      const dropped = this.history.shift();
      if (dropped?.kind === 'data') this.historyBytes -= dropped.data.length;
    }
  }

  private fail(error: unknown): void {
    const err = toLearnerError(error);
    if (this.snapshot.phase === 'pending') this.update({ phase: 'failed', error: err });
  }
}
