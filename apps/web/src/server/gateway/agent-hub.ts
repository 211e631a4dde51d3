import { timingSafeEqual } from 'node:crypto';
import type { Namespace, Socket } from 'socket.io';
import {
  agentNotifySchemas,
  BerthError,
  checkProtocolVersion,
  HandshakeAuthSchema,
  AgentId,
  type AgentHello,
  type AgentNotifyEvents,
  type AgentNotifyName,
  type AgentRequestEvents,
  type Capacity,
  type Result,
  type SandboxStateEvent,
  type SandboxWarning,
  type TermData,
  type TermExit,
  type FilesChanged,
  type PortsChanged,
  type PreviewData,
  type PreviewAck,
  type PreviewStreamRef,
  type PreviewClose,
} from '@berth/protocol';
import type { Logger } from 'pino';

/** What the rest of the gateway hears from agents (already validated). */
export interface AgentListener {
  hello(agentId: string, hello: AgentHello): void;
  state(agentId: string, event: SandboxStateEvent): void;
  warning(agentId: string, event: SandboxWarning): void;
  termData(agentId: string, event: TermData): void;
  termExit(agentId: string, event: TermExit): void;
  filesChanged(agentId: string, event: FilesChanged): void;
  ports(agentId: string, event: PortsChanged): void;
  /** A message of a preview stream. */
  preview(event: PreviewEvent, payload: PreviewData | PreviewAck | PreviewStreamRef | PreviewClose): void;
  lost(agentId: string): void;
}

export type PreviewEvent = 'preview:data' | 'preview:ack' | 'preview:end' | 'preview:close';

export interface AgentSummary {
  agentId: string;
  capacity: Capacity;
  warnings: string[];
}

interface AgentSocketData {
  agentId: string;
  capacity: Capacity;
  warnings: string[];
}

type AgentNamespace = Namespace<AgentNotifyEvents, AgentRequestEvents, Record<string, never>, AgentSocketData>;
type AgentSocket = Socket<AgentNotifyEvents, AgentRequestEvents, Record<string, never>, AgentSocketData>;
type Payload<N extends keyof AgentRequestEvents> = Parameters<AgentRequestEvents[N]>[0];
type AckData<N extends keyof AgentRequestEvents> = Parameters<AgentRequestEvents[N]> extends [unknown, (r: Result<infer T>) => void] ? T : never;

const room = (agentId: string) => `agent:${agentId}`;

/**
 * Agents dial in here (namespace /agent) with their token and protocol version.
 * Requests go to an agent's room, so that with the Redis adapter any gateway can
 * reach an agent connected to another one.
 */
export class AgentHub {
  /** Agents connected to this gateway: the hot path (input, acks) skips the room broadcast. */
  private readonly local = new Map<string, AgentSocket>();

  constructor(
    private readonly nsp: AgentNamespace,
    private readonly token: string,
    private readonly listener: AgentListener,
    private readonly log: Logger,
  ) {
    nsp.use((socket, next) => {
      const auth = HandshakeAuthSchema.safeParse(socket.handshake.auth);
      const agentId = AgentId.safeParse(auth.success ? auth.data.agentId : undefined);
      if (!auth.success || !agentId.success) return next(refusal('unauthorized', 'unauthorized: missing agent credentials'));
      const mismatch = checkProtocolVersion(auth.data.protocolVersion);
      if (mismatch) return next(refusal('version_mismatch', mismatch));
      if (!sameSecret(this.token, auth.data.token)) return next(refusal('unauthorized', 'unauthorized: wrong agent token'));
      socket.data.agentId = agentId.data;
      socket.data.warnings = [];
      socket.data.capacity = { agentId: agentId.data, maxSessions: 0, running: 0, freeMemoryBytes: 0, accepting: false, pool: [] };
      next();
    });
    nsp.on('connection', (socket) => this.onConnection(socket));
  }

  private onConnection(socket: AgentSocket): void {
    const { agentId } = socket.data;
    // One connection per agent id: a newer one replaces an older (e.g. a half-open) one.
    for (const other of this.nsp.sockets.values()) {
      if (other !== socket && other.data.agentId === agentId) other.disconnect(true);
    }
    void socket.join(room(agentId));
    this.local.set(agentId, socket);
    this.log.info({ agentId, address: socket.handshake.address }, 'agent connected');
    const on = <N extends AgentNotifyName>(name: N, handle: (payload: never) => void) => {
      socket.on(name as never, ((payload: unknown) => {
        const parsed = agentNotifySchemas[name].safeParse(payload);
        if (!parsed.success) {
          this.log.warn({ agentId, event: name, issues: parsed.error.issues.slice(0, 3) }, 'dropped an invalid message from an agent');
          return;
        }
        handle(parsed.data as never);
      }) as never);
    };
    on('agent:hello', (hello: AgentHello) => {
      socket.data.capacity = hello.capacity;
      socket.data.warnings = hello.warnings;
      this.listener.hello(agentId, hello);
    });
    on('agent:capacity', (capacity: Capacity) => {
      socket.data.capacity = capacity;
    });
    on('sandbox:state', (event: SandboxStateEvent) => this.listener.state(agentId, event));
    on('sandbox:warning', (event: SandboxWarning) => this.listener.warning(agentId, event));
    on('term:data', (event: TermData) => this.listener.termData(agentId, event));
    on('term:exit', (event: TermExit) => this.listener.termExit(agentId, event));
    on('sandbox:filesChanged', (event: FilesChanged) => this.listener.filesChanged(agentId, event));
    on('sandbox:ports', (event: PortsChanged) => this.listener.ports(agentId, event));
    for (const name of ['preview:data', 'preview:ack', 'preview:end', 'preview:close'] as const) {
      on(name, (payload: PreviewData) => this.listener.preview(name, payload));
    }
    on('protocol:error', (err: { event: string; message: string }) => this.log.warn({ agentId, err }, 'the agent refused a message'));
    socket.on('disconnect', (reason) => {
      if (this.local.get(agentId) === socket) this.local.delete(agentId);
      this.log.warn({ agentId, reason }, 'agent disconnected');
      // A replacing connection of the same agent keeps its sessions.
      const replaced = [...this.nsp.sockets.values()].some((s) => s.data.agentId === agentId);
      if (!replaced) this.listener.lost(agentId);
    });
  }

  /** Every connected agent (across gateways when an adapter is used). */
  async agents(): Promise<AgentSummary[]> {
    const sockets = await this.nsp.fetchSockets();
    return sockets.map((s) => ({ agentId: s.data.agentId, capacity: s.data.capacity, warnings: s.data.warnings }));
  }

  async isConnected(agentId: string): Promise<boolean> {
    return (await this.nsp.in(room(agentId)).fetchSockets()).length > 0;
  }

  /** The agent with the most free slots that can take a sandbox of this size, or null. */
  async pick(memoryBytes: number): Promise<string | null> {
    const candidates = (await this.agents())
      .filter((a) => a.capacity.accepting && a.capacity.freeMemoryBytes >= memoryBytes)
      .sort((a, b) => b.capacity.maxSessions - b.capacity.running - (a.capacity.maxSessions - a.capacity.running));
    return candidates[0]?.agentId ?? null;
  }

  /** A request to one agent; resolves with its data or throws its typed error. */
  async request<N extends keyof AgentRequestEvents>(agentId: string, name: N, payload: Payload<N>, timeoutMs = 60_000): Promise<AckData<N>> {
    const target = this.nsp.to(room(agentId)).timeout(timeoutMs) as unknown as {
      emitWithAck(event: string, payload: unknown): Promise<Result<AckData<N>>[]>;
    };
    let answers: Result<AckData<N>>[];
    try {
      answers = await target.emitWithAck(name, payload);
    } catch {
      throw new BerthError('failed', `agent ${agentId} did not answer ${name} in time`);
    }
    const answer = answers[0];
    if (!answer) throw new BerthError('failed', `agent ${agentId} is not connected`);
    if (!answer.ok) throw new BerthError(answer.error.code, answer.error.message, answer.error.details);
    return answer.data;
  }

  /**
   * Several gateways: a preview stream message for a stream another gateway holds is
   * handed to the others (only with an adapter that connects gateways).
   */
  relay(event: PreviewEvent, payload: unknown): void {
    // Server-side events travel as JSON: bytes go as base64.
    const data = (payload as { data?: unknown }).data;
    const wire = data instanceof Uint8Array ? { ...(payload as object), data: Buffer.from(data).toString('base64') } : payload;
    (this.nsp as unknown as { serverSideEmit(e: string, ...a: unknown[]): void }).serverSideEmit('preview:relay', event, wire);
  }

  onRelay(handler: (event: PreviewEvent, payload: PreviewData) => void): void {
    (this.nsp as unknown as { on(e: string, l: (...a: unknown[]) => void): void }).on('preview:relay', (event, wire) => {
      if (typeof event !== 'string' || !event.startsWith('preview:') || !wire || typeof wire !== 'object') return;
      const data = (wire as { data?: unknown }).data;
      const payload = typeof data === 'string' ? { ...wire, data: Buffer.from(data, 'base64') } : wire;
      const parsed = agentNotifySchemas[event as PreviewEvent]?.safeParse(payload);
      if (parsed?.success) handler(event as PreviewEvent, parsed.data as PreviewData);
    });
  }

  /**
   * A fire-and-forget message (input, resize, ack, preview stream messages): straight
   * to the agent's socket when it is connected here, else through its room.
   */
  send<N extends 'term:input' | 'term:resize' | 'term:ack' | PreviewEvent>(agentId: string, name: N, payload: Payload<N>): void {
    const target = this.local.get(agentId)?.connected ? this.local.get(agentId)! : this.nsp.to(room(agentId));
    (target.emit as (event: string, payload: unknown) => void).call(target, name, payload);
  }
}

function refusal(code: string, message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

function sameSecret(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
