import type { Ack } from './errors';
import type {
  AgentHello,
  Capacity,
  CreateSandboxRequest,
  SandboxInfo,
  SandboxStateEvent,
  SandboxWarning,
  SessionRef,
} from './sandbox';
import type {
  TermAck,
  TermAttachRequest,
  TermAttachResult,
  TermData,
  TermDetachRequest,
  TermExit,
  TermInput,
  TermOpenRequest,
  TermRef,
  TermResize,
} from './terminal';
import type { TerminalInfo } from './sandbox';
import type { SandboxExecRequest, SandboxExecResult, SandboxWriteFileRequest, SandboxWriteFileResult } from './exec';
import type { ProtocolError } from './errors';

/**
 * What the control plane asks of an agent. Requests with an `ack` answer with a
 * Result; the others are fire-and-forget and report failures as `protocol:error`.
 */
export interface AgentRequestEvents {
  'sandbox:create': (req: CreateSandboxRequest, ack: Ack<SandboxInfo>) => void;
  'sandbox:start': (req: SessionRef, ack: Ack<SandboxInfo>) => void;
  'sandbox:reset': (req: SessionRef, ack: Ack<SandboxInfo>) => void;
  'sandbox:stop': (req: SessionRef, ack: Ack<SandboxInfo>) => void;
  'sandbox:destroy': (req: SessionRef, ack: Ack<SessionRef>) => void;
  'sandbox:get': (req: SessionRef, ack: Ack<SandboxInfo>) => void;
  'sandbox:list': (req: Record<string, never>, ack: Ack<SandboxInfo[]>) => void;
  'agent:capacity': (req: Record<string, never>, ack: Ack<Capacity>) => void;
  'sandbox:exec': (req: SandboxExecRequest, ack: Ack<SandboxExecResult>) => void;
  'sandbox:writeFile': (req: SandboxWriteFileRequest, ack: Ack<SandboxWriteFileResult>) => void;
  'term:open': (req: TermOpenRequest, ack: Ack<TerminalInfo>) => void;
  'term:attach': (req: TermAttachRequest, ack: Ack<TermAttachResult>) => void;
  'term:detach': (req: TermDetachRequest, ack: Ack<TermRef>) => void;
  'term:close': (req: TermRef, ack: Ack<TermRef>) => void;
  'term:input': (msg: TermInput) => void;
  'term:resize': (msg: TermResize) => void;
  'term:ack': (msg: TermAck) => void;
}

/** What an agent tells the control plane. */
export interface AgentNotifyEvents {
  'agent:hello': (hello: AgentHello) => void;
  'agent:capacity': (cap: Capacity) => void;
  'sandbox:state': (ev: SandboxStateEvent) => void;
  'sandbox:warning': (ev: SandboxWarning) => void;
  'term:data': (ev: TermData) => void;
  'term:exit': (ev: TermExit) => void;
  /** A fire-and-forget message was refused. */
  'protocol:error': (err: ProtocolError & { event: string }) => void;
}

/** Credentials and version an agent (or a stand-alone agent's client) sends at connect. */
export interface HandshakeAuth {
  token: string;
  protocolVersion: number;
  agentId?: string;
}
