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
import type {
  DirListing,
  FileContent,
  FilesChanged,
  FileStat,
  ListDirRequest,
  MakeDirRequest,
  PortsChanged,
  ReadFileRequest,
  RemovePathRequest,
  RenamePathRequest,
  StatRequest,
  UnwatchRequest,
  WatchRequest,
  WatchResult,
} from './files';
import type { PreviewAck, PreviewClose, PreviewConnect, PreviewData, PreviewEnd, PreviewStreamRef } from './preview';

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
  'sandbox:readFile': (req: ReadFileRequest, ack: Ack<FileContent>) => void;
  'sandbox:listDir': (req: ListDirRequest, ack: Ack<DirListing>) => void;
  'sandbox:stat': (req: StatRequest, ack: Ack<FileStat>) => void;
  'sandbox:removePath': (req: RemovePathRequest, ack: Ack<{ path: string }>) => void;
  'sandbox:renamePath': (req: RenamePathRequest, ack: Ack<FileStat>) => void;
  'sandbox:makeDir': (req: MakeDirRequest, ack: Ack<FileStat>) => void;
  /** Replaces what one viewer watches; the answer carries the listening ports. */
  'sandbox:watch': (req: WatchRequest, ack: Ack<WatchResult>) => void;
  'sandbox:unwatch': (req: UnwatchRequest, ack: Ack<UnwatchRequest>) => void;
  'preview:connect': (req: PreviewConnect, ack: Ack<PreviewStreamRef>) => void;
  'preview:data': (msg: PreviewData) => void;
  'preview:ack': (msg: PreviewAck) => void;
  'preview:end': (msg: PreviewEnd) => void;
  'preview:close': (msg: PreviewClose) => void;
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
  'sandbox:filesChanged': (ev: FilesChanged) => void;
  'sandbox:ports': (ev: PortsChanged) => void;
  'preview:data': (msg: PreviewData) => void;
  'preview:ack': (msg: PreviewAck) => void;
  'preview:end': (msg: PreviewEnd) => void;
  'preview:close': (msg: PreviewClose) => void;
  /** A fire-and-forget message was refused. */
  'protocol:error': (err: ProtocolError & { event: string }) => void;
}

/** Credentials and version an agent (or a stand-alone agent's client) sends at connect. */
export interface HandshakeAuth {
  token: string;
  protocolVersion: number;
  agentId?: string;
}
