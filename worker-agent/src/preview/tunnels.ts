import type { Duplex } from 'node:stream';
import {
  BerthError,
  MAX_PREVIEW_STREAMS_PER_SESSION,
  type PreviewAck,
  type PreviewClose,
  type PreviewConnect,
  type PreviewData,
  type PreviewStreamRef,
} from '@berth/protocol';
import { TunnelDuplex } from '@berth/protocol/tunnel';
import type { Logger } from 'pino';

interface Stream {
  sessionId: string;
  tunnel: TunnelDuplex;
  socket: Duplex;
}

/**
 * The agent's end of preview streams on one control connection: each stream is a TCP
 * connection from the host to a port on one session's sandbox address, bridged to
 * the gateway through `preview:*` messages with flow control. Streams die with their
 * connection and with their session's sandbox.
 */
export class AgentTunnels {
  private readonly streams = new Map<string, Stream>();
  /** Opens still connecting; a close that arrives meanwhile cancels them. */
  private readonly pending = new Map<string, { sessionId: string; cancelled: boolean }>();

  constructor(
    private readonly send: (event: 'preview:data' | 'preview:ack' | 'preview:end' | 'preview:close', payload: unknown) => void,
    private readonly connect: (sessionId: string, port: number) => Promise<Duplex>,
    private readonly log: Logger,
  ) {}

  async open(req: PreviewConnect): Promise<PreviewStreamRef> {
    const { streamId, sessionId } = req;
    if (this.streams.has(streamId) || this.pending.has(streamId)) throw new BerthError('conflict', `stream ${streamId} exists already`);
    const open = [...this.streams.values(), ...this.pending.values()].filter((s) => s.sessionId === sessionId).length;
    if (open >= MAX_PREVIEW_STREAMS_PER_SESSION) {
      throw new BerthError('limit', `a session may have ${MAX_PREVIEW_STREAMS_PER_SESSION} preview connections open`);
    }
    const marker = { sessionId, cancelled: false };
    this.pending.set(streamId, marker);
    let socket: Duplex;
    try {
      socket = await this.connect(sessionId, req.port);
    } finally {
      this.pending.delete(streamId);
    }
    if (marker.cancelled) {
      socket.destroy();
      throw new BerthError('conflict', 'the stream was closed while it was connecting');
    }
    const tunnel = new TunnelDuplex(streamId, {
      data: (data) => this.send('preview:data', { streamId, data }),
      ack: (bytes) => this.send('preview:ack', { streamId, bytes }),
      end: () => this.send('preview:end', { streamId }),
      close: (error) => this.send('preview:close', error ? { streamId, error } : { streamId }),
    });
    this.streams.set(streamId, { sessionId, tunnel, socket });
    socket.pipe(tunnel);
    tunnel.pipe(socket);
    socket.on('error', (err) => tunnel.destroy(err));
    socket.on('close', () => {
      // A socket that closed before it ended (a reset) takes the stream with it.
      if (!tunnel.writableEnded) tunnel.destroy(new Error('the connection in the sandbox was reset'));
    });
    tunnel.on('error', () => socket.destroy());
    tunnel.on('close', () => {
      socket.destroy();
      this.streams.delete(streamId);
    });
    return { streamId };
  }

  data(msg: PreviewData): void {
    const data = msg.data instanceof Uint8Array ? msg.data : new Uint8Array(msg.data);
    this.streams.get(msg.streamId)?.tunnel.remoteData(data);
  }

  ack(msg: PreviewAck): void {
    this.streams.get(msg.streamId)?.tunnel.remoteAck(msg.bytes);
  }

  end(msg: PreviewStreamRef): void {
    this.streams.get(msg.streamId)?.tunnel.remoteEnd();
  }

  close(msg: PreviewClose): void {
    const pending = this.pending.get(msg.streamId);
    if (pending) pending.cancelled = true;
    this.streams.get(msg.streamId)?.tunnel.remoteClose(msg.error);
  }

  /** The session's sandbox is going away. */
  closeSession(sessionId: string): void {
    for (const [id, s] of this.streams) {
      if (s.sessionId === sessionId) {
        s.tunnel.destroy(new Error('the sandbox ended'));
        this.streams.delete(id);
      }
    }
    for (const p of this.pending.values()) if (p.sessionId === sessionId) p.cancelled = true;
  }

  /** The control connection is gone: nobody reads these streams any more. */
  closeAll(): void {
    for (const s of this.streams.values()) {
      s.socket.destroy();
      s.tunnel.destroy();
    }
    this.streams.clear();
    for (const p of this.pending.values()) p.cancelled = true;
    this.log.debug?.('preview streams of a dropped connection closed');
  }

  get size(): number {
    return this.streams.size;
  }
}
