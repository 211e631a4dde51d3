/**
 * Ctrl-C during a flood, past the buffers between the TTY and the viewer.
 *
 * On ^C a TTY in cooked mode throws away the output it still holds, echoes "^C" and
 * signals the process: on a local terminal the flood stops at once. Between the
 * sandbox's TTY and the viewer sit other buffers (the engine's attach stream alone
 * holds up to 1 MB), whose old output would still scroll past for a while. So after a
 * ^C typed while output is backed up, the terminal reads ahead without waiting for the
 * viewer and hands its chunks here: when the TTY's "^C" echo shows up, everything
 * before it is old output and is dropped, as the TTY dropped its own. If no echo
 * comes (a program in raw mode takes ^C as a key; `stty -echoctl`), nothing is
 * dropped: the terminal gives up after a byte or time bound and every held byte goes
 * out, in order.
 */
const ECHO = Buffer.from('^C');

export interface ReadAheadResult {
  /** Output to keep, in order (from the echo on, or everything held). */
  kept: Buffer[];
  /** Bytes of old output dropped before the echo. */
  dropped: number;
}

export class InterruptReadAhead {
  private held: Buffer[] = [];
  private bytes = 0;

  /** @param maxBytes give up once this much is held without an echo */
  constructor(private readonly maxBytes: number) {}

  get heldBytes(): number {
    return this.bytes;
  }

  /** Takes the next chunk of output: a result once the echo is found or the bound is reached, else null. */
  push(chunk: Buffer): ReadAheadResult | null {
    const previous = this.held.at(-1);
    this.held.push(chunk);
    this.bytes += chunk.length;
    // The echo may straddle two chunks.
    if (previous && previous.length > 0 && previous[previous.length - 1] === ECHO[0] && chunk[0] === ECHO[1]) {
      return this.keepFrom(this.held.length - 2, previous.length - 1);
    }
    const at = chunk.indexOf(ECHO);
    if (at >= 0) return this.keepFrom(this.held.length - 1, at);
    return this.bytes >= this.maxBytes ? this.giveUp() : null;
  }

  /** No echo: keep everything held. */
  giveUp(): ReadAheadResult {
    const kept = this.held;
    this.held = [];
    this.bytes = 0;
    return { kept, dropped: 0 };
  }

  private keepFrom(index: number, offset: number): ReadAheadResult {
    let dropped = offset;
    for (let i = 0; i < index; i++) dropped += this.held[i]!.length;
    const kept = [this.held[index]!.subarray(offset), ...this.held.slice(index + 1)];
    this.held = [];
    this.bytes = 0;
    return { kept, dropped };
  }
}

/**
 * The bytes every terminal of an agent may hold in read-aheads at once: a ^C that
 * finds the budget spent reads nothing ahead (the old output then drains as before).
 */
export class ReadAheadBudget {
  private used = 0;

  constructor(readonly total: number) {}

  get inUse(): number {
    return this.used;
  }

  take(bytes: number): boolean {
    if (this.used + bytes > this.total) return false;
    this.used += bytes;
    return true;
  }

  give(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
