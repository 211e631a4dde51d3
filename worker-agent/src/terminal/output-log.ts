import { BerthError } from '@berth/protocol';

export interface LogSlice {
  /** Sequence number of the first byte of `data`. */
  seq: number;
  data: Buffer;
  /** Bytes that were asked for but are no longer held (overwritten). */
  lost: number;
}

/**
 * A terminal's recent output: a fixed-size ring of bytes addressed by sequence
 * number (the byte offset since the terminal started), so that a viewer who comes
 * back can ask for exactly the bytes it has not seen.
 */
export class OutputLog {
  private readonly ring: Buffer;
  private end = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
    this.ring = Buffer.alloc(capacity);
  }

  /** Sequence number of the oldest byte still held. */
  get startSeq(): number {
    return Math.max(0, this.end - this.capacity);
  }

  /** Sequence number just past the newest byte. */
  get endSeq(): number {
    return this.end;
  }

  append(chunk: Uint8Array): void {
    const bytes = chunk.length > this.capacity ? chunk.subarray(chunk.length - this.capacity) : chunk;
    this.end += chunk.length - bytes.length;
    let offset = this.end % this.capacity;
    let rest = bytes;
    while (rest.length > 0) {
      const n = Math.min(rest.length, this.capacity - offset);
      this.ring.set(rest.subarray(0, n), offset);
      rest = rest.subarray(n);
      offset = 0;
      this.end += n;
    }
  }

  /** Up to `maxBytes` bytes from `fromSeq` on (copied out of the ring). */
  read(fromSeq: number, maxBytes: number): LogSlice {
    if (fromSeq > this.end) {
      throw new BerthError('bad_request', `sequence ${fromSeq} is past the end of the output (${this.end})`);
    }
    const start = Math.max(fromSeq, this.startSeq);
    const length = Math.max(0, Math.min(maxBytes, this.end - start));
    const data = Buffer.allocUnsafe(length);
    let copied = 0;
    while (copied < length) {
      const offset = (start + copied) % this.capacity;
      const n = Math.min(length - copied, this.capacity - offset);
      this.ring.copy(data, copied, offset, offset + n);
      copied += n;
    }
    return { seq: start, data, lost: start - fromSeq };
  }
}
