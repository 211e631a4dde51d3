/**
 * One end of a preview stream (see preview.ts) as a Node Duplex, used by both the
 * gateway (behind an HTTP client or a WebSocket's socket) and the agent (piped to the
 * TCP connection into the sandbox). Node-only: imported as '@berth/protocol/tunnel'.
 *
 * Flow control: at most PREVIEW_WINDOW bytes in flight without an acknowledgement;
 * the receiver acknowledges what its reader took (immediately while it keeps up,
 * after the reader asks for more when it does not), so neither side buffers more
 * than a window per stream.
 */
import { Duplex } from 'node:stream';
import { PREVIEW_CHUNK, PREVIEW_WINDOW } from './preview';

/** How this end reaches the other one. */
export interface TunnelPeer {
  data(data: Uint8Array): void;
  ack(bytes: number): void;
  end(): void;
  close(error?: string): void;
}

export class TunnelDuplex extends Duplex {
  private sent = 0;
  private acked = 0;
  private queue: { data: Buffer; done: (err?: Error | null) => void } | null = null;
  private received = 0;
  private ackedToPeer = 0;
  private waitingForRead = false;
  private remoteEnded = false;
  private remoteClosed = false;

  constructor(
    readonly streamId: string,
    private readonly peer: TunnelPeer,
    private readonly window = PREVIEW_WINDOW,
    private readonly chunk = PREVIEW_CHUNK,
  ) {
    super({ allowHalfOpen: true });
  }

  // ------------------------------------------------------------ from the other end

  /** Bytes from the other end. */
  remoteData(data: Uint8Array): void {
    if (this.destroyed || this.remoteEnded) return;
    this.received += data.byteLength;
    if (this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength))) this.sendAck();
    else this.waitingForRead = true;
  }

  remoteAck(bytes: number): void {
    if (bytes > this.acked) this.acked = Math.min(bytes, this.sent);
    this.pump();
  }

  remoteEnd(): void {
    if (this.remoteEnded) return;
    this.remoteEnded = true;
    this.push(null);
  }

  /** The other end is gone: with an error this end fails; without, what was received is still read. */
  remoteClose(error?: string): void {
    this.remoteClosed = true;
    if (error) {
      this.destroy(new Error(error));
      return;
    }
    this.remoteEnd();
    const pending = this.queue;
    this.queue = null;
    pending?.done();
    if (this.readableEnded) this.destroy();
    else this.once('end', () => this.destroy());
  }

  // ------------------------------------------------------------------ Duplex

  override _write(data: Buffer, _encoding: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.remoteClosed) {
      done();
      return;
    }
    this.queue = { data, done };
    this.pump();
  }

  override _final(done: (err?: Error | null) => void): void {
    if (!this.remoteClosed) this.peer.end();
    done();
  }

  override _read(): void {
    if (this.waitingForRead) {
      this.waitingForRead = false;
      this.sendAck();
    }
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    if (!this.remoteClosed) {
      this.remoteClosed = true;
      this.peer.close(err ? err.message.slice(0, 500) : undefined);
    }
    const pending = this.queue;
    this.queue = null;
    pending?.done(err);
    done(err);
  }

  /** Unacknowledged bytes this end sent (for tests and stats). */
  get inFlight(): number {
    return this.sent - this.acked;
  }

  private sendAck(): void {
    if (this.received > this.ackedToPeer && !this.remoteClosed) {
      this.ackedToPeer = this.received;
      this.peer.ack(this.received);
    }
  }

  private pump(): void {
    while (this.queue && !this.remoteClosed) {
      const room = this.window - (this.sent - this.acked);
      if (room <= 0) return;
      const { data, done } = this.queue;
      const piece = data.subarray(0, Math.min(this.chunk, room, data.length));
      this.sent += piece.length;
      this.peer.data(piece);
      if (piece.length === data.length) {
        this.queue = null;
        done();
      } else {
        this.queue = { data: data.subarray(piece.length), done };
      }
    }
  }
}
