import { NodeWebSocket } from 'engine.io-client';
import { io, type Socket } from 'socket.io-client';
import { AGENT_NAMESPACE, PROTOCOL_VERSION, wireParser, type AgentNotifyEvents, type AgentRequestEvents } from '@berth/protocol';
import type { Logger } from 'pino';
import type { SessionManager } from '../sandbox/manager';
import { serveAgentApi, type Channel } from './serve-api';

export const AGENT_VERSION = '0.1.0';

/**
 * The WebSocket transport with a zero frame mask. A client masks every byte it sends
 * (XOR with a random key, in JavaScript here) so that a browser cannot be used to
 * poison proxy caches; the agent is not a browser, and its link carries every
 * terminal's output: unmasked frames save the agent masking and the gateway
 * unmasking each byte (ws skips both for a zero mask).
 */
class UnmaskedWebSocket extends NodeWebSocket {
  override createSocket(uri: string, protocols: string | string[] | undefined, opts: Record<string, unknown>) {
    return super.createSocket(uri, protocols, { ...opts, generateMask: (mask: Buffer) => mask.fill(0) });
  }
}

/**
 * The agent dials out to the control plane's gateway (namespace /agent), so worker
 * hosts need no inbound port. On every (re)connect it says hello with its
 * capacity and the sandboxes it holds, then serves the same API as stand-alone.
 */
export function dialControlPlane(opts: {
  url: string;
  agentId: string;
  token: string;
  manager: SessionManager;
  warnings: () => string[];
  log: Logger;
}): { socket: Socket<AgentRequestEvents, AgentNotifyEvents>; close(): void } {
  const socket: Socket<AgentRequestEvents, AgentNotifyEvents> = io(new URL(AGENT_NAMESPACE, opts.url).toString(), {
    auth: { token: opts.token, protocolVersion: PROTOCOL_VERSION, agentId: opts.agentId },
    transports: [UnmaskedWebSocket],
    parser: wireParser,
    forceNew: true,
    reconnectionDelayMax: 5_000,
  });
  // Viewer ids are scoped by a name that stays the same across reconnects.
  const channel: Channel = {
    id: `control-${opts.agentId}`,
    get connected() {
      return socket.connected;
    },
    on: (event, listener) => socket.on(event as never, listener as never),
    emit: (event, ...args) => (socket.emit as (e: string, ...a: unknown[]) => unknown)(event, ...args),
  };
  const api = serveAgentApi(channel, opts.manager, opts.log);
  socket.on('connect', () => {
    opts.log.info({ url: opts.url }, 'connected to the control plane');
    socket.emit('agent:hello', {
      protocolVersion: PROTOCOL_VERSION,
      agentId: opts.agentId,
      agentVersion: AGENT_VERSION,
      capacity: opts.manager.capacity(),
      sandboxes: opts.manager.list(),
      warnings: opts.warnings(),
    });
  });
  socket.on('disconnect', (reason) => {
    opts.log.warn({ reason }, 'disconnected from the control plane; sandboxes keep running');
    api.detachViewers();
  });
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    // The gateway refused the handshake (wrong token, other protocol version): socket.io
    // does not retry that, and retrying with the same credentials could not help.
    const code = err.data?.code;
    if (code === 'unauthorized' || code === 'version_mismatch') {
      opts.log.error(
        { code, err: err.message, url: opts.url },
        `the control plane refused this agent (${err.message}); not retrying: fix the agent's token or version and restart it`,
      );
    } else {
      opts.log.warn({ err: err.message }, 'cannot reach the control plane; retrying');
    }
  });
  return {
    socket,
    close: () => {
      api.close();
      socket.close();
    },
  };
}
