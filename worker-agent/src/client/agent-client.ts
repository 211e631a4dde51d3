import { io, type Socket } from 'socket.io-client';
import {
  BerthError,
  PROTOCOL_VERSION,
  wireParser,
  type AgentNotifyEvents,
  type AgentRequestEvents,
  type Result,
} from '@berth/protocol';

type Requests = AgentRequestEvents;
type AckData<N extends keyof Requests> = Parameters<Requests[N]> extends [unknown, (r: Result<infer T>) => void] ? T : never;
type Payload<N extends keyof Requests> = Parameters<Requests[N]>[0];
type AckedRequest = { [N in keyof Requests]: Parameters<Requests[N]> extends [unknown, unknown] ? N : never }[keyof Requests];

/**
 * A typed client of the agent's stand-alone API: berthctl and the tests use it
 * the way a control plane would.
 */
export class AgentClient {
  private constructor(readonly socket: Socket<AgentNotifyEvents, AgentRequestEvents>) {}

  static connect(
    url: string,
    token: string,
    opts: { protocolVersion?: number; extraHeaders?: Record<string, string> } = {},
  ): Promise<AgentClient> {
    const socket: Socket<AgentNotifyEvents, AgentRequestEvents> = io(url, {
      auth: { token, protocolVersion: opts.protocolVersion ?? PROTOCOL_VERSION },
      transports: ['websocket'],
      parser: wireParser,
      reconnection: false,
      forceNew: true,
      extraHeaders: opts.extraHeaders,
    });
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(new AgentClient(socket)));
      socket.once('connect_error', (err) => {
        socket.close();
        reject(err);
      });
    });
  }

  /** Sends a request and resolves with its data, or throws the agent's typed error. */
  async request<N extends AckedRequest>(name: N, payload: Payload<N>, timeoutMs = 120_000): Promise<AckData<N>> {
    const timed = this.socket.timeout(timeoutMs) as unknown as {
      emitWithAck(n: string, p: unknown): Promise<Result<AckData<N>>>;
    };
    const result = await timed.emitWithAck(name, payload);
    if (!result.ok) throw new BerthError(result.error.code, result.error.message, result.error.details);
    return result.data;
  }

  /** Sends a fire-and-forget message (input, resize, ack). */
  send<N extends Exclude<keyof Requests, AckedRequest>>(name: N, payload: Payload<N>): void {
    (this.socket.emit as (n: string, p: unknown) => void)(name, payload);
  }

  close(): void {
    this.socket.close();
  }
}
