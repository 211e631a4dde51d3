import http, { type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { BerthError } from '@berth/protocol';
import type { Logger } from 'pino';
import en from '../../../messages/en.json';
import ko from '../../../messages/ko.json';
import { PREVIEW_AUTH_PATH, PREVIEW_COOKIE, type PreviewAuth, type PreviewClaims } from './preview-auth';
import type { GatewayTunnels } from './tunnels';

export interface PreviewSession {
  agentId: string;
  visitorId: string;
  /** The sandbox can be reached (ready, or creating). */
  live: boolean;
}

export interface PreviewProxyDeps {
  auth: PreviewAuth;
  tunnels: GatewayTunnels;
  /** The session's owner and agent (cached briefly by the caller). */
  lookup(sessionId: string): Promise<PreviewSession | null>;
  /** Origins allowed to frame previews (the site itself). */
  siteOrigins: ReadonlySet<string>;
  log: Logger;
}

type PageKind = 'waiting' | 'unauthorized' | 'ended' | 'unavailable' | 'notFound';
type PreviewMessages = (typeof en)['PreviewPage'];

const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Headers for the sandbox: the preview's cookie stays with the gateway, hop-by-hop headers go. */
function forwardHeaders(req: IncomingMessage, proto: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { ...req.headers };
  for (const h of HOP_BY_HOP) delete headers[h];
  const cookies = (req.headers.cookie ?? '')
    .split(';')
    .map((c) => c.trim())
    .filter((c) => c && !c.startsWith(`${PREVIEW_COOKIE}=`));
  if (cookies.length) headers.cookie = cookies.join('; ');
  else delete headers.cookie;
  headers['x-forwarded-host'] = req.headers.host ?? '';
  headers['x-forwarded-proto'] = proto;
  headers['x-forwarded-for'] = req.socket.remoteAddress ?? '';
  return headers;
}

/**
 * Serves previews: every request on a preview host (and nothing else) lands here. It
 * redeems tickets into the preview origin's cookie, checks that cookie against the host
 * (this session, this port), and carries the request (HTTP or WebSocket) through a
 * preview stream to the port in the sandbox.
 */
export function createPreviewProxy(deps: PreviewProxyDeps) {
  const proto = deps.auth.base.protocol.replace(':', '');
  const frameAncestors = [...deps.siteOrigins].join(' ') || "'self'";

  function messagesFor(req: IncomingMessage): PreviewMessages {
    return /^\s*ko\b/i.test(String(req.headers['accept-language'] ?? '')) ? ko.PreviewPage : en.PreviewPage;
  }

  /** One of the preview origin's own small pages (waiting, refused...), in the reader's language. */
  function page(req: IncomingMessage, res: ServerResponse, status: number, kind: PageKind, port: number): void {
    const m = messagesFor(req);
    const fill = (s: string) => s.replaceAll('{port}', String(port));
    const title = fill(m[`${kind}Title`]);
    const body = fill(m[`${kind}Body`]);
    const retry = kind === 'waiting' || kind === 'unavailable';
    const lang = m === ko.PreviewPage ? 'ko' : 'en';
    const html = `<!doctype html><html lang="${lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">${
      retry ? '<meta http-equiv="refresh" content="2">' : ''
    }<title>${escapeHtml(title)}</title><style>body{margin:0;min-height:100vh;display:grid;place-items:center;background:#0b1d35;color:#e6edf5;font:16px/1.5 system-ui,sans-serif}main{max-width:32rem;padding:2rem}h1{font-size:1.25rem;margin:0 0 .5rem}p{color:#a9bdd6;margin:0}</style></head><body><main data-preview-page="${kind}"><h1>${escapeHtml(
      title,
    )}</h1><p>${escapeHtml(body)}</p></main></body></html>`;
    const headers: OutgoingHttpHeaders = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': `default-src 'none'; style-src 'unsafe-inline'; frame-ancestors ${frameAncestors}`,
      'x-berth-preview': kind,
    };
    if (retry) headers['retry-after'] = '2';
    res.writeHead(status, headers).end(req.method === 'HEAD' ? undefined : html);
  }

  type Authorized = { claims: PreviewClaims; session: PreviewSession } | { status: number; kind: PageKind };

  async function authorize(req: IncomingMessage, host: { port: number; slug: string }): Promise<Authorized> {
    const claims = await deps.auth.verifyCookie(parseCookie(req.headers.cookie ?? '')[PREVIEW_COOKIE], host);
    if (!claims) return { status: 401, kind: 'unauthorized' };
    const session = await deps.lookup(claims.sessionId);
    if (!session || session.visitorId !== claims.visitorId) return { status: 401, kind: 'unauthorized' };
    if (!session.live) return { status: 410, kind: 'ended' };
    return { claims, session };
  }

  async function openStream(session: PreviewSession, claims: PreviewClaims): Promise<Duplex | { status: number; kind: PageKind }> {
    try {
      return await deps.tunnels.open(session.agentId, claims.sessionId, claims.port);
    } catch (err) {
      const code = (err as BerthError).code;
      if (code === 'not_found') return { status: 503, kind: 'waiting' };
      if (code === 'conflict') return { status: 410, kind: 'ended' };
      if (code !== 'failed') deps.log.warn({ err, sessionId: claims.sessionId }, 'opening a preview stream failed');
      return { status: 503, kind: 'unavailable' };
    }
  }

  /** An absolute redirect to the sandbox's own address (localhost:8080, nginx's port 80...) stays in the preview. */
  function rewriteLocation(location: string, req: IncomingMessage): string {
    try {
      const url = new URL(location);
      const previewHost = (req.headers.host ?? '').replace(/:\d+$/, '');
      if (['localhost', '127.0.0.1', '0.0.0.0', '[::1]', previewHost].includes(url.hostname)) {
        return `${proto}://${req.headers.host}${url.pathname}${url.search}${url.hash}`;
      }
    } catch {
      // relative: fine as it is
    }
    return location;
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const host = deps.auth.parseHost(req.headers.host);
    if (!host) return page(req, res, 404, 'notFound', 0);
    const url = new URL(req.url ?? '/', 'http://preview');
    if (url.pathname === PREVIEW_AUTH_PATH) {
      const claims = await deps.auth.redeemTicket(url.searchParams.get('ticket') ?? '', host);
      const session = claims ? await deps.lookup(claims.sessionId) : null;
      if (!claims || !session || session.visitorId !== claims.visitorId) return page(req, res, 403, 'unauthorized', host.port);
      const cookie = await deps.auth.cookie(claims);
      res
        .writeHead(302, {
          location: claims.path,
          // Partitioned: a preview framed by the site keeps a cookie of its own (third-party cookies are blocked).
          'set-cookie': stringifySetCookie({
            name: PREVIEW_COOKIE,
            value: cookie.value,
            httpOnly: true,
            secure: true,
            sameSite: 'none',
            partitioned: true,
            path: '/',
            maxAge: cookie.maxAgeSeconds,
          }),
          'cache-control': 'no-store',
          'referrer-policy': 'no-referrer',
        })
        .end();
      return;
    }
    const auth = await authorize(req, host);
    if ('kind' in auth) return page(req, res, auth.status, auth.kind, host.port);
    const stream = await openStream(auth.session, auth.claims);
    if ('kind' in stream) return page(req, res, stream.status, stream.kind, host.port);
    const upstream = http.request({
      createConnection: () => stream as never,
      method: req.method,
      path: req.url,
      headers: forwardHeaders(req, proto),
      setHost: false,
    });
    upstream.on('response', (answer) => {
      const headers = { ...answer.headers };
      for (const h of ['connection', 'keep-alive', 'transfer-encoding']) delete headers[h];
      if (typeof headers.location === 'string') headers.location = rewriteLocation(headers.location, req);
      // The app's cookies stay on its own preview host: no Domain= that a parent (the site) would receive.
      if (headers['set-cookie']) headers['set-cookie'] = headers['set-cookie'].map((c) => c.replace(/;\s*domain=[^;]*/gi, ''));
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, headers);
      answer.pipe(res);
    });
    upstream.on('error', (err) => {
      deps.log.debug?.({ err: err.message }, 'a preview request failed');
      if (!res.headersSent) page(req, res, 502, 'unavailable', host.port);
      else res.destroy();
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy();
    });
    req.pipe(upstream);
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const refuse = (status: number, text: string) => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    };
    socket.on('error', () => undefined);
    const host = deps.auth.parseHost(req.headers.host);
    if (!host) return refuse(404, 'Not Found');
    const auth = await authorize(req, host);
    if ('kind' in auth) return refuse(auth.status, auth.status === 410 ? 'Gone' : 'Unauthorized');
    const stream = await openStream(auth.session, auth.claims);
    if ('kind' in stream) return refuse(stream.status, 'Service Unavailable');
    // The request goes to the sandbox as it came (minus the preview's cookie); the answer
    // (101 Switching Protocols or a refusal) and every frame after it go back as bytes.
    const headers = forwardHeaders(req, proto);
    headers.connection = 'Upgrade';
    headers.upgrade = req.headers.upgrade ?? 'websocket';
    const lines = Object.entries(headers).flatMap(([k, v]) => (v === undefined ? [] : (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`)));
    stream.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    if (head.length) stream.write(head);
    stream.on('error', () => socket.destroy());
    // A browser that is done with a WebSocket is done with it both ways (no half-open leftovers).
    socket.on('end', () => socket.end());
    socket.on('close', () => stream.destroy());
    stream.on('close', () => socket.destroy());
    socket.pipe(stream).pipe(socket);
  }

  return {
    /** True for requests that belong to a preview (by their Host). */
    owns: (req: IncomingMessage) => deps.auth.isPreviewHost(req.headers.host),
    handleRequest: (req: IncomingMessage, res: ServerResponse) =>
      handleRequest(req, res).catch((err) => {
        deps.log.error({ err }, 'preview request failed');
        if (!res.headersSent) res.writeHead(500).end();
      }),
    handleUpgrade: (req: IncomingMessage, socket: Duplex, head: Buffer) =>
      handleUpgrade(req, socket, head).catch((err) => {
        deps.log.error({ err }, 'preview upgrade failed');
        socket.destroy();
      }),
  };
}

export type PreviewProxy = ReturnType<typeof createPreviewProxy>;
