import { z } from 'zod';
import { AgentHello, Capacity, CreateSandboxRequest, SandboxStateEvent, SandboxWarning, SessionRef } from './sandbox';
import { ProtocolError } from './errors';
import { SandboxExecRequest, SandboxWriteFileRequest } from './exec';
import {
  FilesChanged,
  ListDirRequest,
  MakeDirRequest,
  PortsChanged,
  ReadFileRequest,
  RemovePathRequest,
  RenamePathRequest,
  StatRequest,
  UnwatchRequest,
  WatchRequest,
} from './files';
import { PreviewAck, PreviewClose, PreviewConnect, PreviewData, PreviewEnd } from './preview';
import {
  TermData,
  TermExit,
  TermAck,
  TermAttachRequest,
  TermDetachRequest,
  TermInput,
  TermOpenRequest,
  TermRef,
  TermResize,
} from './terminal';
import type { AgentNotifyEvents, AgentRequestEvents } from './events';
import { PROTOCOL_VERSION } from './version';

const Empty = z.object({}).strict();

/** The schema of every request an agent accepts, by event name. */
export const agentRequestSchemas = {
  'sandbox:create': CreateSandboxRequest,
  'sandbox:start': SessionRef,
  'sandbox:reset': SessionRef,
  'sandbox:stop': SessionRef,
  'sandbox:destroy': SessionRef,
  'sandbox:get': SessionRef,
  'sandbox:list': Empty,
  'agent:capacity': Empty,
  'sandbox:exec': SandboxExecRequest,
  'sandbox:writeFile': SandboxWriteFileRequest,
  'sandbox:readFile': ReadFileRequest,
  'sandbox:listDir': ListDirRequest,
  'sandbox:stat': StatRequest,
  'sandbox:removePath': RemovePathRequest,
  'sandbox:renamePath': RenamePathRequest,
  'sandbox:makeDir': MakeDirRequest,
  'sandbox:watch': WatchRequest,
  'sandbox:unwatch': UnwatchRequest,
  'preview:connect': PreviewConnect,
  'preview:data': PreviewData,
  'preview:ack': PreviewAck,
  'preview:end': PreviewEnd,
  'preview:close': PreviewClose,
  'term:open': TermOpenRequest,
  'term:attach': TermAttachRequest,
  'term:detach': TermDetachRequest,
  'term:close': TermRef,
  'term:input': TermInput,
  'term:resize': TermResize,
  'term:ack': TermAck,
} satisfies Record<keyof AgentRequestEvents, z.ZodType>;

export type AgentRequestName = keyof typeof agentRequestSchemas;
/** Requests answered through an ack; the rest are fire-and-forget. */
export const fireAndForget: ReadonlySet<AgentRequestName> = new Set([
  'term:input',
  'term:resize',
  'term:ack',
  'preview:data',
  'preview:ack',
  'preview:end',
  'preview:close',
]);

export const HandshakeAuthSchema = z
  .object({
    token: z.string().min(1).max(4096),
    protocolVersion: z.number().int(),
    agentId: z.string().max(64).optional(),
  })
  .strict();

/** Checks a handshake's version; returns an error message or null. */
export function checkProtocolVersion(version: unknown): string | null {
  return version === PROTOCOL_VERSION
    ? null
    : `protocol version mismatch: this side speaks ${PROTOCOL_VERSION}, the peer ${String(version)}`;
}

/** The schema of every event an agent sends, by name: the gateway validates them too. */
export const agentNotifySchemas = {
  'agent:hello': AgentHello,
  'agent:capacity': Capacity,
  'sandbox:state': SandboxStateEvent,
  'sandbox:warning': SandboxWarning,
  'term:data': TermData,
  'term:exit': TermExit,
  'sandbox:filesChanged': FilesChanged,
  'sandbox:ports': PortsChanged,
  'preview:data': PreviewData,
  'preview:ack': PreviewAck,
  'preview:end': PreviewEnd,
  'preview:close': PreviewClose,
  'protocol:error': ProtocolError.extend({ event: z.string() }),
} satisfies Record<keyof AgentNotifyEvents, z.ZodType>;
export type AgentNotifyName = keyof typeof agentNotifySchemas;
