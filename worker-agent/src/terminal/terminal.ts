import { BerthError, type TermAttachResult, type TerminalInfo } from '@berth/protocol';
import { InterruptReadAhead, ReadAheadBudget, type ReadAheadResult } from './interrupt-read-ahead';
import { OutputLog } from './output-log';
import type { PtyProcess } from './pty';

export interface FlowOptions {
  /** Bytes held for replay (at least 64 KiB). */
  replayBytes: number;
  /** Pause the process once a viewer has this many unacknowledged bytes. */
  highWater: number;
  /** Resume once every interactive viewer is below this. */
  lowWater: number;
  /** Largest single data message. */
  maxChunk: number;
  /**
   * Output that follows other output within this many milliseconds waits that long
   * and goes out together (a flood becomes a few large messages instead of one per
   * read of the TTY); output after a quiet moment, such as a keystroke's echo, goes
   * out at once. 0 sends every chunk as it comes.
   */
  coalesceMs?: number;
  /**
   * While another terminal on this agent is being typed into, output goes out at most
   * `sharedChunk` bytes per viewer every `sharedMs` milliseconds, so that one
   * learner's flood does not hold up another learner's echo in the agent and the
   * gateway. Full speed otherwise. Unset: never paced.
   */
  sharedChunk?: number;
  sharedMs?: number;
  /**
   * A ^C typed while output is backed up (at least lowWater unacknowledged) reads up to
   * this many bytes ahead, for at most `interruptWaitMs`, looking for the TTY's "^C"
   * echo, and drops the old output before it (see interrupt-read-ahead.ts). Unset or
   * 0: never.
   */
  interruptReadAhead?: number;
  interruptWaitMs?: number;
  /** What all of an agent's terminals may hold in read-aheads at once (the manager's ReadAheadBudget). */
  interruptReadAheadTotal?: number;
}

export type ViewerMode = 'interactive' | 'observe';
export type ViewerSink = (seq: number, data: Buffer) => void;

interface Viewer {
  mode: ViewerMode;
  sink: ViewerSink;
  /** Next byte to send. */
  sentSeq: number;
  /** Every byte before this one has been processed by the viewer. */
  ackedSeq: number;
}

/**
 * One terminal of a sandbox: a TTY process, its replay log, and the viewers
 * watching it. Interactive viewers gate the process with high/low watermarks
 * (xterm.js flow control); observers get what they can keep up with.
 */
export class Terminal {
  private readonly log: OutputLog;
  private readonly viewers = new Map<string, Viewer>();
  private paused = false;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private lastFlush = -Infinity;
  private exit: number | null = null;
  private readonly exitListeners: ((code: number) => void)[] = [];
  /** Reading ahead after a ^C (the process is not paused meanwhile). */
  private readAhead: InterruptReadAhead | null = null;
  private readAheadTimer: ReturnType<typeof setTimeout> | null = null;
  /** Output read ahead and kept, entering the log as the window allows (the process stays paused). */
  private spill: Buffer[] = [];
  /** The process exited while output was still spilling: told once the spill is in the log. */
  private exitAfterSpill: number | null = null;
  private droppedOnInterrupt = 0;
  /** Taken from the budget for the current read-ahead, given back once its output is in the log. */
  private budgetHeld = 0;

  constructor(
    readonly termId: string,
    private readonly pty: PtyProcess,
    private readonly flow: FlowOptions,
    private size: { cols: number; rows: number },
    /** Is another terminal being typed into? (see FlowOptions.sharedChunk) */
    private readonly shared: () => boolean = () => false,
    /** Shared by the agent's terminals (see ReadAheadBudget); unlimited when not given. */
    private readonly readAheadBudget: ReadAheadBudget = new ReadAheadBudget(Infinity),
  ) {
    if (flow.lowWater >= flow.highWater) throw new RangeError('lowWater must be below highWater');
    // Unacknowledged output must stay in the log: at most the high watermark plus the
    // read that crossed it (a socket read is at most 64 KiB).
    this.log = new OutputLog(Math.max(flow.replayBytes, flow.highWater + 65_536));
    pty.onData((chunk) => this.onOutput(chunk));
    pty.onExit((code) => {
      if (this.readAhead) this.endReadAhead(this.readAhead.giveUp());
      if (this.spill.length > 0) this.exitAfterSpill = code;
      else this.exited(code);
    });
  }

  get exitCode(): number | null {
    return this.exit;
  }

  /** Bytes the replay log holds (allocated once). */
  get replayCapacity(): number {
    return this.log.capacity;
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /** Output read ahead after a ^C and not yet in the log (bytes; at most interruptReadAhead plus a read). */
  get interruptHeldBytes(): number {
    return (this.readAhead?.heldBytes ?? 0) + this.spill.reduce((n, chunk) => n + chunk.length, 0);
  }

  /** Old output dropped after ^C so far (bytes). */
  get interruptDropped(): number {
    return this.droppedOnInterrupt;
  }

  onExit(listener: (code: number) => void): void {
    this.exitListeners.push(listener);
  }

  info(): TerminalInfo {
    return { termId: this.termId, cols: this.size.cols, rows: this.size.rows, endSeq: this.log.endSeq, exitCode: this.exit };
  }

  /** Bytes produced but not yet acknowledged by the slowest interactive viewer. */
  unacknowledged(): number {
    let most = 0;
    for (const v of this.viewers.values()) {
      if (v.mode === 'interactive') most = Math.max(most, this.log.endSeq - v.ackedSeq);
    }
    return most;
  }

  attach(viewerId: string, mode: ViewerMode, fromSeq: number, sink: ViewerSink): TermAttachResult {
    if (fromSeq > this.log.endSeq) {
      throw new BerthError('bad_request', `fromSeq ${fromSeq} is past the end of the output (${this.log.endSeq})`);
    }
    const start = Math.max(fromSeq, this.log.startSeq);
    this.viewers.set(viewerId, { mode, sink, sentSeq: start, ackedSeq: start });
    this.drainSpill();
    this.updateFlow();
    this.deliver();
    return { termId: this.termId, fromSeq: start, lost: start - fromSeq, endSeq: this.log.endSeq, exitCode: this.exit };
  }

  detach(viewerId: string): void {
    this.viewers.delete(viewerId);
    // Output read ahead after a ^C may have been waiting for this viewer's window.
    this.drainSpill();
    this.updateFlow();
    this.schedule();
  }

  hasViewer(viewerId: string): boolean {
    return this.viewers.has(viewerId);
  }

  ack(viewerId: string, seq: number): void {
    const viewer = this.viewers.get(viewerId);
    if (!viewer) throw new BerthError('not_found', `viewer ${viewerId} is not attached to terminal ${this.termId}`);
    if (seq > viewer.sentSeq) {
      throw new BerthError('bad_request', `ack ${seq} is past what was sent (${viewer.sentSeq})`);
    }
    viewer.ackedSeq = Math.max(viewer.ackedSeq, seq);
    this.drainSpill();
    if (this.paced()) this.schedule();
    else this.flush();
    this.updateFlow();
  }

  input(data: string): void {
    if (this.exit !== null) throw new BerthError('conflict', `terminal ${this.termId} has exited`);
    if (data.includes('\x03')) this.maybeReadAhead();
    this.pty.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    this.size = { cols, rows };
    if (this.exit === null) await this.pty.resize(cols, rows);
  }

  close(): void {
    this.viewers.clear();
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.readAheadTimer) clearTimeout(this.readAheadTimer);
    this.readAhead = null;
    this.spill = [];
    this.releaseBudget();
    this.pty.kill();
  }

  private releaseBudget(): void {
    this.readAheadBudget.give(this.budgetHeld);
    this.budgetHeld = 0;
  }

  private exited(code: number): void {
    this.exit = code;
    for (const listener of this.exitListeners) listener(code);
  }

  private onOutput(chunk: Buffer): void {
    if (this.readAhead) {
      const result = this.readAhead.push(chunk);
      if (result) this.endReadAhead(result);
      return;
    }
    this.log.append(chunk);
    this.updateFlow();
    this.schedule();
  }

  private paced(): boolean {
    return this.flow.sharedChunk !== undefined && this.shared();
  }

  /** Sends now, or at the end of the coalescing (or pacing) interval if something went out just before. */
  private schedule(): void {
    if (this.flushTimer) return; // everything goes out with the scheduled flush
    const wait = this.paced() ? (this.flow.sharedMs ?? 0) : (this.flow.coalesceMs ?? 0);
    const since = performance.now() - this.lastFlush;
    if (wait <= 0 || since >= wait) {
      this.flush();
      return;
    }
    this.flushTimer = setTimeout(() => {
      this.flushTimer = null;
      this.flush();
    }, wait - since);
  }

  private flush(): void {
    this.lastFlush = performance.now();
    const budget = this.paced() ? this.flow.sharedChunk : undefined;
    // Paced: what did not fit this time goes out one interval later.
    if (this.deliver(budget)) this.schedule();
  }

  /**
   * Sends each viewer what its window allows (at most `budget` bytes each, if given).
   * True when some viewer has more that its window would take.
   */
  private deliver(budget = Infinity): boolean {
    let more = false;
    for (const viewer of this.viewers.values()) {
      let left = budget;
      for (;;) {
        if (viewer.sentSeq < this.log.startSeq) {
          // An observer fell behind the replay log: skip it ahead; it sees the gap in the sequence.
          viewer.sentSeq = this.log.startSeq;
          viewer.ackedSeq = Math.max(viewer.ackedSeq, this.log.startSeq);
        }
        const window = viewer.ackedSeq + this.flow.highWater - viewer.sentSeq;
        const available = this.log.endSeq - viewer.sentSeq;
        const n = Math.min(window, available, this.flow.maxChunk, left);
        if (n <= 0) {
          if (left <= 0 && Math.min(window, available) > 0) more = true;
          break;
        }
        const slice = this.log.read(viewer.sentSeq, n);
        viewer.sentSeq = slice.seq + slice.data.length;
        left -= slice.data.length;
        viewer.sink(slice.seq, slice.data);
      }
    }
    return more;
  }

  /** A ^C while output is backed up: read ahead for the TTY's echo (see FlowOptions.interruptReadAhead). */
  private maybeReadAhead(): void {
    const limit = this.flow.interruptReadAhead ?? 0;
    if (limit <= 0 || this.readAhead || this.spill.length > 0 || this.unacknowledged() < this.flow.lowWater) return;
    // The bound plus the read that crosses it.
    const reserve = limit + 65_536;
    if (!this.readAheadBudget.take(reserve)) return;
    this.budgetHeld = reserve;
    this.readAhead = new InterruptReadAhead(limit);
    this.readAheadTimer = setTimeout(() => {
      if (this.readAhead) this.endReadAhead(this.readAhead.giveUp());
    }, this.flow.interruptWaitMs ?? 200);
    if (this.paused) {
      this.paused = false;
      this.pty.resume();
    }
  }

  private endReadAhead(result: ReadAheadResult): void {
    if (this.readAheadTimer) clearTimeout(this.readAheadTimer);
    this.readAheadTimer = null;
    this.readAhead = null;
    this.droppedOnInterrupt += result.dropped;
    this.spill.push(...result.kept.filter((chunk) => chunk.length > 0));
    this.drainSpill();
    this.updateFlow();
    this.schedule();
  }

  /** Moves spilled output into the log while the window has room (or at once, with no interactive viewer). */
  private drainSpill(): void {
    while (this.spill.length > 0 && this.unacknowledged() < this.flow.highWater) this.log.append(this.spill.shift()!);
    if (this.spill.length === 0 && !this.readAhead) this.releaseBudget();
    if (this.spill.length === 0 && this.exitAfterSpill !== null) {
      const code = this.exitAfterSpill;
      this.exitAfterSpill = null;
      this.exited(code);
    }
  }

  private updateFlow(): void {
    if (this.readAhead) return; // reading ahead after a ^C, bounded by InterruptReadAhead
    const pending = this.unacknowledged();
    if (!this.paused && (pending >= this.flow.highWater || this.spill.length > 0)) {
      this.paused = true;
      this.pty.pause();
    } else if (this.paused && pending <= this.flow.lowWater && this.spill.length === 0) {
      this.paused = false;
      this.pty.resume();
    }
  }
}
