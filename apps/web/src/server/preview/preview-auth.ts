import { createHmac, randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/**
 * Who may see a preview, and where it lives. A preview of port P of session S is
 * served on its own origin, http://P-<slug>.<preview domain>, where slug is a keyed
 * hash of S: another origin than the site's (a page a learner serves cannot read the
 * site's cookies or call its API as the learner) and than every other session's or
 * port's. It is open to whoever holds that origin's cookie, which the gateway sets
 * only after a one-time ticket that the session's own page asked for.
 */
export const PREVIEW_COOKIE = '__Host-berth_preview';
export const PREVIEW_AUTH_PATH = '/__berth/preview-auth';
const ISSUER = 'berth';
const TICKET_SECONDS = 60;
const COOKIE_HOURS = 12;
const SLUG_CHARS = 16;
const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export interface PreviewClaims {
  sessionId: string;
  visitorId: string;
  port: number;
}

export class PreviewAuth {
  private readonly key: Uint8Array;
  /** Tickets already used (until they expire): each opens a preview once. */
  private readonly usedTickets = new Map<string, number>();
  readonly base: URL;

  constructor(
    private readonly secret: string,
    /** e.g. http://preview.localhost:3000: previews are http://PORT-SLUG.preview.localhost:3000 */
    baseUrl: string,
  ) {
    this.key = new TextEncoder().encode(secret);
    this.base = new URL(baseUrl);
  }

  /** The session's part of its previews' host names (lower-case, DNS-safe, not reversible). */
  slug(sessionId: string): string {
    const digest = createHmac('sha256', this.secret).update(`preview-host:${sessionId}`).digest();
    let bits = 0;
    let value = 0;
    let out = '';
    for (const byte of digest) {
      value = (value << 8) | byte;
      bits += 8;
      while (bits >= 5 && out.length < SLUG_CHARS) {
        out += BASE32[(value >>> (bits - 5)) & 31];
        bits -= 5;
      }
      if (out.length >= SLUG_CHARS) break;
    }
    return out;
  }

  origin(sessionId: string, port: number): string {
    const url = new URL(this.base.href);
    url.hostname = `${port}-${this.slug(sessionId)}.${this.base.hostname}`;
    return url.origin;
  }

  /** The port and slug a request's Host names, when it is a preview host. */
  parseHost(host: string | undefined): { port: number; slug: string } | null {
    if (!host) return null;
    const name = host.replace(/:\d+$/, '').toLowerCase();
    const suffix = `.${this.base.hostname}`;
    if (!name.endsWith(suffix)) return null;
    const m = /^(\d{1,5})-([a-z2-7]{16})$/.exec(name.slice(0, -suffix.length));
    if (!m) return null;
    const port = Number(m[1]);
    return port >= 1 && port <= 65_535 ? { port, slug: m[2]! } : null;
  }

  isPreviewHost(host: string | undefined): boolean {
    if (!host) return false;
    return host.replace(/:\d+$/, '').toLowerCase().endsWith(`.${this.base.hostname}`);
  }

  /** A URL that opens the preview at `path` once (within a minute) and sets its cookie. */
  async ticketUrl(claims: PreviewClaims, path: string): Promise<string> {
    const ticket = await new SignJWT({ sid: claims.sessionId, port: claims.port, path })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.visitorId)
      .setIssuer(ISSUER)
      .setAudience('preview-ticket')
      .setJti(randomBytes(12).toString('base64url'))
      .setExpirationTime(Math.floor(Date.now() / 1000) + TICKET_SECONDS)
      .sign(this.key);
    return `${this.origin(claims.sessionId, claims.port)}${PREVIEW_AUTH_PATH}?ticket=${encodeURIComponent(ticket)}`;
  }

  /** Checks a ticket (once) for the host it arrived on; returns its claims and path. */
  async redeemTicket(ticket: string, host: { port: number; slug: string }): Promise<(PreviewClaims & { path: string }) | null> {
    try {
      const { payload } = await jwtVerify(ticket, this.key, { issuer: ISSUER, audience: 'preview-ticket', algorithms: ['HS256'] });
      const { sid, port, path, sub, jti, exp } = payload as { sid?: unknown; port?: unknown; path?: unknown; sub?: unknown; jti?: unknown; exp?: number };
      if (typeof sid !== 'string' || typeof sub !== 'string' || typeof jti !== 'string' || typeof path !== 'string') return null;
      if (port !== host.port || this.slug(sid) !== host.slug) return null;
      this.forgetExpired();
      if (this.usedTickets.has(jti)) return null;
      this.usedTickets.set(jti, (exp ?? 0) * 1000);
      return { sessionId: sid, visitorId: sub, port, path: /^\/(?!\/)/.test(path) ? path : '/' };
    } catch {
      return null;
    }
  }

  /** The value of the preview origin's cookie (host-only: it never reaches the site or other previews). */
  async cookie(claims: PreviewClaims): Promise<{ value: string; maxAgeSeconds: number }> {
    const value = await new SignJWT({ sid: claims.sessionId, port: claims.port })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.visitorId)
      .setIssuer(ISSUER)
      .setAudience('preview')
      .setExpirationTime(`${COOKIE_HOURS}h`)
      .sign(this.key);
    return { value, maxAgeSeconds: COOKIE_HOURS * 3600 };
  }

  /** A preview cookie's claims when it is valid for this host (this session and port), else null. */
  async verifyCookie(value: string | undefined, host: { port: number; slug: string }): Promise<PreviewClaims | null> {
    if (!value) return null;
    try {
      const { payload } = await jwtVerify(value, this.key, { issuer: ISSUER, audience: 'preview', algorithms: ['HS256'] });
      const { sid, port, sub } = payload as { sid?: unknown; port?: unknown; sub?: unknown };
      if (typeof sid !== 'string' || typeof sub !== 'string' || port !== host.port || this.slug(sid) !== host.slug) return null;
      return { sessionId: sid, visitorId: sub, port };
    } catch {
      return null;
    }
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [jti, expires] of this.usedTickets) if (expires < now) this.usedTickets.delete(jti);
  }
}
