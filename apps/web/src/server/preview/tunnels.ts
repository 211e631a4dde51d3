import { randomBytes } from 'node:crypto';
import type { PreviewAck, PreviewClose, PreviewData, PreviewStreamRef } from '@berth/protocol';
import { TunnelDuplex } from '@berth/protocol/tunnel';

type StreamEvent = 'preview:data' | 'preview:ack' | 'preview:end' | 'preview:close';

export interface TunnelTransport {
  /** Asks the agent to connect a new stream to a port of the session's sandbox. */
  connect(agentId: string, req: { sessionId: string; port: number; streamId: string }): Promise<unknown>;
  /** A fire-and-forget stream message to the agent. */
  send(agentId: string, event: StreamEvent, payload: unknown): void;
  /** Hands a stream message this gateway does not own to the other gateways (several gateways). */
  relay?(event: StreamEvent, payload: unknown): void;
}

/** A preview stream at the gateway: a Duplex whose other end is a TCP connection in the sandbox. */
export class PreviewSocket extends TunnelDuplex {
  // What Node's HTTP client calls on the sockets it is given.
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/**
 * The gateway's preview streams. Stream ids start with this process's own id, so with
 * several gateways a message from an agent about a stream of another gateway is
 * relayed to it and a message about a stream this one closed is dropped.
 */
export class GatewayTunnels {
  readonly instanceId = randomBytes(6).toString('base64url');
  private counter = 0;
  private readonly streams = new Map<string, PreviewSocket>();
  private readonly agentOf = new Map<string, string>();

  constructor(private readonly transport: TunnelTransport) {}

  async open(agentId: string, sessionId: string, port: number): Promise<PreviewSocket> {
    const streamId = `${this.instanceId}.${++this.counter}`;
    const socket = new PreviewSocket(streamId, {
      data: (data) => this.transport.send(agentId, 'preview:data', { streamId, data }),
      ack: (bytes) => this.transport.send(agentId, 'preview:ack', { streamId, bytes }),
      end: () => this.transport.send(agentId, 'preview:end', { streamId }),
      close: (error) => this.transport.send(agentId, 'preview:close', error ? { streamId, error } : { streamId }),
    });
    // Registered before the agent answers: its first bytes may follow the answer at once.
    this.streams.set(streamId, socket);
    this.agentOf.set(streamId, agentId);
    socket.once('close', () => {
      this.streams.delete(streamId);
      this.agentOf.delete(streamId);
    });
    try {
      await this.transport.connect(agentId, { sessionId, port, streamId });
    } catch (err) {
      this.streams.delete(streamId);
      this.agentOf.delete(streamId);
      socket.on('error', () => undefined);
      socket.destroy();
      throw err;
    }
    return socket;
  }

  /** A stream message from an agent (or relayed by another gateway). */
  deliver(event: StreamEvent, payload: PreviewData | PreviewAck | PreviewStreamRef | PreviewClose, relayed = false): void {
    const stream = this.streams.get(payload.streamId);
    if (!stream) {
      if (!relayed && !payload.streamId.startsWith(`${this.instanceId}.`)) this.transport.relay?.(event, payload);
      return;
    }
    switch (event) {
      case 'preview:data': {
        const data = (payload as PreviewData).data;
        stream.remoteData(data instanceof Uint8Array ? data : new Uint8Array(data));
        return;
      }
      case 'preview:ack':
        return stream.remoteAck((payload as PreviewAck).bytes);
      case 'preview:end':
        return stream.remoteEnd();
      case 'preview:close':
        return stream.remoteClose((payload as PreviewClose).error);
    }
  }

  /** Every stream of an agent that went away. */
  closeAgent(agentId: string): void {
    for (const [streamId, owner] of this.agentOf) {
      if (owner === agentId) this.streams.get(streamId)?.destroy(new Error('the sandbox host disconnected'));
    }
  }

  get size(): number {
    return this.streams.size;
  }
}
