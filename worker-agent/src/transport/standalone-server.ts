import { createServer, type Server as HttpServer } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { Server } from 'socket.io';
import { checkProtocolVersion, wireParser, HandshakeAuthSchema, type AgentNotifyEvents, type AgentRequestEvents } from '@berth/protocol';
import type { Logger } from 'pino';
import type { SessionManager } from '../sandbox/manager';
import { serveAgentApi, type Channel } from './serve-api';

export const MAX_MESSAGE_BYTES = 1_000_000;

export function tokensMatch(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export interface StandaloneServer {
  http: HttpServer;
  io: Server<AgentRequestEvents, AgentNotifyEvents>;
  port: number;
  close(): Promise<void>;
}

/**
 * The agent's own socket.io endpoint, for a control plane that connects to the
 * agent, for berthctl and for tests. Not for browsers: any request carrying an
 * Origin header is refused, and it listens on loopback unless told otherwise.
 */
export async function startStandaloneServer(opts: {
  host: string;
  port: number;
  token: string;
  manager: SessionManager;
  log: Logger;
  /** What GET /healthz reports. */
  health?: () => unknown;
}): Promise<StandaloneServer> {
  const http = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/healthz' && opts.health) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(opts.health()));
      return;
    }
    res.writeHead(404).end();
  });
  const io = new Server<AgentRequestEvents, AgentNotifyEvents>(http, {
    maxHttpBufferSize: MAX_MESSAGE_BYTES,
    serveClient: false,
    transports: ['websocket'],
    parser: wireParser,
    allowRequest: (req, callback) => callback(req.headers.origin ? 'browsers may not connect to the agent' : null, !req.headers.origin),
  });
  io.use((socket, next) => {
    const auth = HandshakeAuthSchema.safeParse(socket.handshake.auth);
    if (!auth.success) return next(Object.assign(new Error('unauthorized: missing credentials'), { data: { code: 'unauthorized' } }));
    const mismatch = checkProtocolVersion(auth.data.protocolVersion);
    if (mismatch) return next(Object.assign(new Error(mismatch), { data: { code: 'version_mismatch' } }));
    if (!tokensMatch(opts.token, auth.data.token)) {
      return next(Object.assign(new Error('unauthorized: wrong token'), { data: { code: 'unauthorized' } }));
    }
    next();
  });
  io.on('connection', (socket) => {
    opts.log.info({ conn: socket.id, address: socket.handshake.address }, 'control client connected');
    const api = serveAgentApi(socket as unknown as Channel, opts.manager, opts.log);
    socket.on('disconnect', (reason) => {
      opts.log.info({ conn: socket.id, reason }, 'control client disconnected');
      api.close();
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(opts.port, opts.host, () => resolve());
  });
  const address = http.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    http,
    io,
    port,
    close: () => new Promise<void>((resolve) => io.close(() => resolve())),
  };
}
