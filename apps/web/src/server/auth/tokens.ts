import { randomBytes } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';

/**
 * Two signed things: the anonymous visitor's cookie (long-lived, names the visitor)
 * and the socket token (minutes, bound to one session AND that visitor).
 */
export const VISITOR_COOKIE = 'berth_visitor';
const ISSUER = 'berth';

export class Tokens {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly tokenMinutes: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  static newId(bytes = 18): string {
    return randomBytes(bytes).toString('base64url');
  }

  async visitorCookie(visitorId: string): Promise<string> {
    return new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(visitorId).setIssuer(ISSUER).setAudience('visitor').setIssuedAt().sign(this.key);
  }

  /** The visitor id of a valid cookie, or null. */
  async visitorFrom(cookie: string | undefined): Promise<string | null> {
    if (!cookie) return null;
    try {
      const { payload } = await jwtVerify(cookie, this.key, { issuer: ISSUER, audience: 'visitor', algorithms: ['HS256'] });
      return typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }

  async sessionToken(sessionId: string, visitorId: string): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.tokenMinutes * 60_000);
    const token = await new SignJWT({ sid: sessionId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(visitorId)
      .setIssuer(ISSUER)
      .setAudience('learner-socket')
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  /** Checks a socket token: signature, expiry, audience; returns its session and visitor. */
  async verifySessionToken(token: string): Promise<{ sessionId: string; visitorId: string }> {
    const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: 'learner-socket', algorithms: ['HS256'] });
    if (typeof payload.sid !== 'string' || typeof payload.sub !== 'string') throw new Error('malformed token');
    return { sessionId: payload.sid, visitorId: payload.sub };
  }
}
