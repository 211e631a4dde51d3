import type { IncomingMessage, ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { parseCookie, stringifySetCookie } from 'cookie';
import { BerthError, StartSessionRequest, toProtocolError, type ErrorCode } from '@berth/protocol';
import type { Logger } from 'pino';
import { Tokens, VISITOR_COOKIE } from '../auth/tokens';
import type { AgentHub } from '../gateway/agent-hub';
import type { SessionService } from '../sessions/service';
import type { SessionStore } from '../sessions/store';

const STATUS: Record<ErrorCode, number> = {
  bad_request: 400,
  unauthorized: 403,
  version_mismatch: 400,
  not_found: 404,
  busy: 503,
  conflict: 409,
  limit: 429,
  rate_limited: 429,
  failed: 502,
  internal: 500,
};
const MAX_BODY = 4096;

export interface ApiDeps {
  origins: ReadonlySet<string>;
  tokens: Tokens;
  sessions: SessionService;
  agents: AgentHub;
  store: SessionStore;
  secureCookies: boolean;
  /** Trusted reverse proxies in front (config trustProxyHops): where the client's address comes from. */
  trustProxyHops: number;
  version: string;
  log: Logger;
}

/**
 * The live part of the HTTP API, served by the gateway process itself (it needs
 * the agents): thin handlers that check Origin and input, then call the service.
 * Answers true when it handled the request; everything else goes to Next.js.
 */
export function createApi(deps: ApiDeps) {
  return async function handleApi(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
    const url = new URL(req.url ?? '/', 'http://local');
    try {
      if (url.pathname === '/api/health' && req.method === 'GET') {
        await health(res);
        return true;
      }
      if (url.pathname === '/api/sessions' && req.method === 'POST') {
        checkOrigin(req);
        const body = StartSessionRequest.safeParse(await readJson(req));
        if (!body.success) throw new BerthError('bad_request', 'send {"lessonId": "..."}');
        const visitorId = await visitor(req, res);
        send(res, 200, await deps.sessions.start(visitorId, body.data.lessonId, clientAddress(req, deps.trustProxyHops)));
        return true;
      }
      const token = /^\/api\/sessions\/([A-Za-z0-9_-]{8,64})\/token$/.exec(url.pathname);
      if (token && req.method === 'POST') {
        checkOrigin(req);
        const visitorId = await deps.tokens.visitorFrom(parseCookie(req.headers.cookie ?? '')[VISITOR_COOKIE]);
        if (!visitorId) throw new BerthError('unauthorized', 'no visitor cookie');
        send(res, 200, await deps.sessions.grant(token[1]!, visitorId));
        return true;
      }
      if (url.pathname.startsWith('/api/sessions')) throw new BerthError('not_found', 'no such API');
      return false;
    } catch (err) {
      const error = toProtocolError(err);
      if (error.code === 'internal') deps.log.error({ err, path: url.pathname }, 'API request failed');
      send(res, STATUS[error.code], { error: { code: error.code, message: error.message } });
      return true;
    }
  };

  async function health(res: ServerResponse): Promise<void> {
    let database = 'ok';
    try {
      await deps.store.ping();
    } catch (err) {
      database = `error: ${(err as Error).message}`;
    }
    const agents = await deps.agents.agents();
    const status = database === 'ok' ? 'ok' : 'degraded';
    send(res, database === 'ok' ? 200 : 503, { status, service: 'web', version: deps.version, database, agents });
  }

  /** Cross-site requests are refused: only the site's own pages may start sessions. */
  function checkOrigin(req: IncomingMessage): void {
    const origin = req.headers.origin;
    if (!origin || !deps.origins.has(origin)) throw new BerthError('unauthorized', 'requests must come from the site itself');
  }

  /** The anonymous visitor behind the signed cookie; a new one gets a cookie. */
  async function visitor(req: IncomingMessage, res: ServerResponse): Promise<string> {
    const known = await deps.tokens.visitorFrom(parseCookie(req.headers.cookie ?? '')[VISITOR_COOKIE]);
    if (known) return known;
    const id = Tokens.newId(12);
    const value = await deps.tokens.visitorCookie(id);
    res.setHeader(
      'set-cookie',
      stringifySetCookie({
        name: VISITOR_COOKIE,
        value,
        httpOnly: true,
        sameSite: 'lax',
        secure: deps.secureCookies,
        path: '/',
        maxAge: 365 * 24 * 3600,
      }),
    );
    return id;
  }
}

/**
 * The client's address (for the per-address rate limit). With no trusted proxy it is
 * the TCP peer's, whatever X-Forwarded-For says: a client can write anything there.
 * Behind `trustedHops` reverse proxies that each append the address they were reached
 * from, the peer is the last proxy and the client is the `trustedHops`th entry from
 * the right (entries further left were written by the client). A shorter header means
 * the request passed fewer proxies: its leftmost entry, written by a trusted proxy.
 */
export function clientAddress(req: IncomingMessage, trustedHops: number): string | null {
  const peer = req.socket.remoteAddress ?? null;
  if (trustedHops <= 0) return peer;
  const header = req.headers['x-forwarded-for'];
  const forwarded = (Array.isArray(header) ? header.join(',') : (header ?? ''))
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  if (forwarded.length === 0) return peer;
  const client = forwarded[Math.max(0, forwarded.length - trustedHops)]!;
  return isIP(client) ? client : peer;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new BerthError('bad_request', 'send JSON (content-type: application/json)');
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new BerthError('bad_request', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
  } catch {
    throw new BerthError('bad_request', 'the body is not valid JSON');
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}
