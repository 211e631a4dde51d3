import { afterEach, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type Server as HttpServer } from 'node:http';
import { decodeJwt, SignJWT } from 'jose';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type LearnerSessionView, type Result, wireParser, type SessionGrant } from '@berth/protocol';
import { createGateway } from '../../apps/web/src/server/gateway';
import { WebConfig } from '../../apps/web/src/server/config';
import { MemorySessionStore } from '../../apps/web/src/server/sessions/store';
import { dialControlPlane } from '../../worker-agent/src/transport/dial-out';
import { fakeManager } from '../../worker-agent/src/testing/fake-agent';
import { CourseSource } from '../../apps/web/src/server/lessons/course-source';

const testCourse = new CourseSource(new URL('../../content', import.meta.url).pathname, false);

// The gateway between pages and agents, with a real socket.io stack on loopback, an
// agent that dials in (its manager over the in-memory driver) and page-like clients.
const log = pino({ level: 'silent' });
const AGENT_TOKEN = 'agent-token-for-tests-0123';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stack(opts: { agent?: boolean; perVisitor?: number; perAddress?: number; trustProxyHops?: number } = {}) {
  const http: HttpServer = createServer((req, res) => {
    void api(req, res).then((handled) => handled || res.writeHead(404).end());
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const config = WebConfig.parse({
    port,
    secret: 'a-secret-of-at-least-thirty-two-characters',
    agentToken: AGENT_TOKEN,
    rateLimits: { sessionsPerVisitorPerHour: opts.perVisitor ?? 20, sessionsPerAddressPerHour: opts.perAddress ?? 100 },
    ...(opts.trustProxyHops !== undefined ? { trustProxyHops: opts.trustProxyHops } : {}),
  });
  const store = new MemorySessionStore();
  const gateway = await createGateway({ config, http, origins: new Set([base]), store, course: testCourse, version: 'test', log });
  const api = gateway.api;
  cleanups.push(() => new Promise<void>((r) => http.close(() => r())), () => gateway.close());
  const agent = fakeManager();
  let link: ReturnType<typeof dialControlPlane> | null = null;
  const connectAgent = async () => {
    link = dialControlPlane({ url: base, agentId: 'fake', token: AGENT_TOKEN, manager: agent.manager, warnings: () => [], log });
    cleanups.push(() => link?.close());
    await expect.poll(async () => (await gateway.agents.agents()).length).toBe(1);
  };
  if (opts.agent !== false) await connectAgent();
  return { base, port, store, gateway, agent, connectAgent, dropAgent: () => link?.close(), agentLink: () => link };
}

async function startSession(base: string, cookie?: string, origin = base) {
  const res = await fetch(`${base}/api/sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin, ...(cookie ? { cookie } : {}) },
    body: JSON.stringify({ lessonId: 'why-containers' }),
  });
  const setCookie = res.headers.get('set-cookie')?.split(';')[0];
  return { status: res.status, body: (await res.json()) as SessionGrant & { error?: { code: string; message: string } }, cookie: setCookie ?? cookie };
}

function page(base: string, token: string, cookie: string | undefined, origin = base): Promise<Socket> {
  const socket = io(`${base}/learner`, {
    transports: ['websocket'],
    parser: wireParser,
    reconnection: false,
    // A connection of its own, as a page has (not multiplexed over the agent's).
    forceNew: true,
    auth: { token, protocolVersion: PROTOCOL_VERSION },
    extraHeaders: { origin, ...(cookie ? { cookie } : {}) },
  });
  cleanups.push(() => socket.close());
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

const ask = <T>(s: Socket, event: string, payload: unknown) => s.timeout(5000).emitWithAck(event, payload) as Promise<Result<T>>;

describe('the gateway', () => {
  it('starts a session for a visitor, and the page reaches the terminal through it', async () => {
    const { base } = await stack();
    const { status, body, cookie } = await startSession(base);
    expect(status).toBe(200);
    expect(cookie).toMatch(/^berth_visitor=/);
    const s = await page(base, body.token, cookie);
    await expect.poll(async () => ((await ask<LearnerSessionView>(s, 'session:info', {})) as { data: LearnerSessionView }).data.state).toBe('ready');
    const term = (await ask<{ termId: string }>(s, 'term:open', { cols: 80, rows: 24 })) as { ok: true; data: { termId: string } };
    const out: string[] = [];
    s.on('term:data', (d: { seq: number; data: ArrayBuffer }) => {
      out.push(Buffer.from(d.data).toString());
      s.emit('term:ack', { termId: term.data.termId, seq: d.seq + d.data.byteLength });
    });
    await ask(s, 'term:attach', { termId: term.data.termId, fromSeq: 0 });
    s.emit('term:input', { termId: term.data.termId, data: 'echo 안녕\r' });
    await expect.poll(() => out.join('')).toBe('echo 안녕\r');
    // The same visitor asking again for the same lesson gets the same session.
    const again = await startSession(base, cookie);
    expect(again.body.session.sessionId).toBe(body.session.sessionId);
  });

  it('refuses a foreign Origin, another visitor, a bad or missing token', async () => {
    const { base } = await stack();
    const mine = await startSession(base);
    const other = await startSession(base);
    expect(other.body.session.sessionId).not.toBe(mine.body.session.sessionId);
    await expect(page(base, mine.body.token, mine.cookie, 'http://evil.example')).rejects.toThrow();
    await expect(page(base, mine.body.token, other.cookie)).rejects.toThrow(/another visitor/);
    await expect(page(base, mine.body.token, undefined)).rejects.toThrow(/another visitor/);
    await expect(page(base, `${mine.body.token.slice(0, -4)}AAAA`, mine.cookie)).rejects.toThrow(/invalid token/);
    // The HTTP API refuses cross-site requests too.
    expect((await startSession(base, undefined, 'http://evil.example')).status).toBe(403);
    // A token is only handed to the session's own visitor.
    const stolen = await fetch(`${base}/api/sessions/${mine.body.session.sessionId}/token`, {
      method: 'POST',
      headers: { origin: base, cookie: other.cookie! },
    });
    expect(stolen.status).toBe(404);
  });

  it('answers malformed and oversized messages with an error and keeps serving', async () => {
    const { base } = await stack();
    const { body, cookie } = await startSession(base);
    const s = await page(base, body.token, cookie);
    expect(await ask(s, 'term:open', { cols: 'wide' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    const refused = new Promise((resolve) => s.once('protocol:error', resolve));
    s.emit('term:input', { termId: 'tX', data: 'x'.repeat(70_000) });
    await expect(refused).resolves.toMatchObject({ code: 'bad_request', event: 'term:input' });
    expect(await ask(s, 'session:info', {})).toMatchObject({ ok: true });
  });

  it('says "all sandboxes are busy" when no agent has room, and limits sessions per visitor', async () => {
    const empty = await stack({ agent: false });
    const busy = await startSession(empty.base);
    expect(busy.status).toBe(503);
    expect(busy.body.error).toMatchObject({ code: 'busy', message: expect.stringMatching(/busy, try again in a minute/) });
    const limited = await stack({ perVisitor: 1 });
    const first = await startSession(limited.base);
    await expect.poll(async () => (await limited.store.get(first.body.session.sessionId))?.state).toBe('ready');
    await limited.store.updateState(first.body.session.sessionId, 'stopped');
    const second = await startSession(limited.base, first.cookie);
    expect(second.status).toBe(429);
    expect(second.body.error?.code).toBe('rate_limited');
  });

  it('marks sessions interrupted when their agent goes away, and brings them back when it returns', async () => {
    const { base, dropAgent, connectAgent, store } = await stack();
    const { body, cookie } = await startSession(base);
    const s = await page(base, body.token, cookie);
    await expect.poll(async () => (await store.get(body.session.sessionId))?.state).toBe('ready');
    const states: string[] = [];
    s.on('session:state', (v: LearnerSessionView) => states.push(v.state));
    dropAgent();
    await expect.poll(() => states.at(-1)).toBe('interrupted');
    await connectAgent();
    await expect.poll(() => states.at(-1)).toBe('ready');
  });

  it("runs a step's check from the lesson in the learner's language, and refuses steps and files the lesson does not have", async () => {
    const { base, agent } = await stack();
    const { body, cookie } = await startSession(base);
    const s = await page(base, body.token, cookie);
    await expect.poll(async () => ((await ask<LearnerSessionView>(s, 'session:info', {})) as { data: LearnerSessionView }).data.state).toBe('ready');

    agent.driver.respond = () => ({ exitCode: 1, stdout: '먼저 터미널에서 uname -r 을 실행하세요.\n', stderr: '' });
    const failed = await ask<{ passed: boolean; message: string }>(s, 'lesson:check', { stepId: 'same-kernel', lang: 'ko' });
    expect(failed).toEqual({ ok: true, data: { passed: false, message: '먼저 터미널에서 uname -r 을 실행하세요.', durationMs: expect.any(Number) } });
    // The script is the lesson's (library + check), not anything the page sent.
    const script = agent.driver.runs.at(-1)!.argv;
    expect(script.slice(0, 2)).toEqual(['bash', '-c']);
    expect(script[2]).toMatch(/^export BERTH_LANG=ko\n/);
    expect(script[2]).toContain("ran '^uname -r'");

    agent.driver.respond = () => ({ exitCode: 0, stdout: '', stderr: '' });
    expect(await ask(s, 'lesson:check', { stepId: 'same-kernel', lang: 'en' })).toMatchObject({ ok: true, data: { passed: true } });
    expect(await ask(s, 'lesson:check', { stepId: 'no-such-step', lang: 'en' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ask(s, 'lesson:createFile', { stepId: 'same-kernel', lang: 'en', path: 'app/x.txt' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    expect(await ask(s, 'lesson:createFile', { stepId: 'same-kernel', lang: 'en', path: '../../etc/passwd' })).toMatchObject({
      ok: false,
      error: { code: 'bad_request' },
    });
    expect(await ask(s, 'lesson:check', { stepId: 'same-kernel', lang: 'fr' })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
  });
});

/** A pino logger that keeps what it writes (JSON lines) for the test to read. */
function capturingLog() {
  const lines: { level: number; msg: string; code?: string }[] = [];
  return { lines, log: pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) }) };
}

/** A socket.io client on /agent with the handshake the test chooses; resolves with the refusal (or null if it was let in). */
function agentHandshake(base: string, auth: Record<string, unknown>): Promise<(Error & { data?: { code?: string } }) | null> {
  const socket = io(`${base}/agent`, { transports: ['websocket'], parser: wireParser, reconnection: false, forceNew: true, auth });
  cleanups.push(() => socket.close());
  return new Promise((resolve) => {
    socket.once('connect', () => resolve(null));
    socket.once('connect_error', (err) => resolve(err));
  });
}

describe('the gateway refuses agents without the right credentials', () => {
  it('refuses an agent dialling in with a wrong token: a clear error, no replacement of the real agent, no session traffic', async () => {
    const { base, gateway, agent, agentLink } = await stack();
    // An impostor dials in under the real agent's id with a wrong token, as a misconfigured
    // (or hostile) agent would, through the agent's own dial-out code.
    const impostor = fakeManager();
    const { lines, log: impostorLog } = capturingLog();
    const link = dialControlPlane({ url: base, agentId: 'fake', token: 'not-the-agent-token-0123', manager: impostor.manager, warnings: () => [], log: impostorLog });
    cleanups.push(() => link.close());
    const refused = await new Promise<(Error & { data?: { code?: string } }) | null>((resolve) => {
      link.socket.once('connect_error', resolve);
      link.socket.once('connect', () => resolve(null));
    });
    expect(refused?.message).toBe('unauthorized: wrong agent token');
    expect(refused?.data?.code).toBe('unauthorized');
    // The agent says so in its log, and does not pretend to retry.
    await expect.poll(() => lines.find((l) => l.level === 50)?.msg).toMatch(/the control plane refused this agent \(unauthorized: wrong agent token\); not retrying/);
    expect(lines.some((l) => /retrying/.test(l.msg) && !/not retrying/.test(l.msg))).toBe(false);
    expect(link.socket.active).toBe(false);
    expect(link.socket.connected).toBe(false);

    // The real agent is still the one connected (a refused handshake replaces nobody)...
    expect(agentLink()?.socket.connected).toBe(true);
    expect((await gateway.agents.agents()).map((a) => a.agentId)).toEqual(['fake']);
    // ...and sessions and their terminals go to it, never to the impostor.
    const { body, cookie } = await startSession(base);
    const s = await page(base, body.token, cookie);
    await expect.poll(async () => ((await ask<LearnerSessionView>(s, 'session:info', {})) as { data: LearnerSessionView }).data.state).toBe('ready');
    const term = (await ask<{ termId: string }>(s, 'term:open', { cols: 80, rows: 24 })) as { ok: true; data: { termId: string } };
    expect(term.ok).toBe(true);
    expect(agent.manager.list().map((x) => x.sessionId)).toEqual([body.session.sessionId]);
    expect(impostor.manager.list()).toEqual([]);
  });

  it('refuses an agent with a missing token or another protocol version, with the reason', async () => {
    const { base, gateway } = await stack({ agent: false });
    const wrongVersion = await agentHandshake(base, { token: AGENT_TOKEN, protocolVersion: PROTOCOL_VERSION + 1, agentId: 'newer' });
    expect(wrongVersion?.data?.code).toBe('version_mismatch');
    expect(wrongVersion?.message).toBe(`protocol version mismatch: this side speaks ${PROTOCOL_VERSION}, the peer ${PROTOCOL_VERSION + 1}`);
    const noToken = await agentHandshake(base, { protocolVersion: PROTOCOL_VERSION, agentId: 'anon' });
    expect(noToken?.data?.code).toBe('unauthorized');
    expect(noToken?.message).toMatch(/missing agent credentials/);
    const wrongToken = await agentHandshake(base, { token: `${AGENT_TOKEN}x`, protocolVersion: PROTOCOL_VERSION, agentId: 'longer' });
    expect(wrongToken?.message).toBe('unauthorized: wrong agent token');
    expect(await gateway.agents.agents()).toEqual([]);
    // The same handshake with the right token and version is let in (the refusals above were for their reason).
    expect(await agentHandshake(base, { token: AGENT_TOKEN, protocolVersion: PROTOCOL_VERSION, agentId: 'right' })).toBeNull();
    await expect.poll(async () => (await gateway.agents.agents()).map((a) => a.agentId)).toEqual(['right']);
  });
});

const SECRET = 'a-secret-of-at-least-thirty-two-characters';
const visitorOf = (cookie: string) => decodeJwt(cookie.slice(cookie.indexOf('=') + 1)).sub!;
/** A socket token signed with the site's own key, with the claims the test chooses. */
const signToken = (claims: { sid: string; sub: string; exp: number; iat?: number }) =>
  new SignJWT({ sid: claims.sid })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(claims.sub)
    .setIssuer('berth')
    .setAudience('learner-socket')
    .setIssuedAt(claims.iat ?? Math.floor(Date.now() / 1000))
    .setExpirationTime(claims.exp)
    .sign(new TextEncoder().encode(SECRET));

describe('socket tokens', () => {
  it('refuses a token past its expiry with "token expired", and takes the same token while it is valid', async () => {
    const { base } = await stack();
    const { body, cookie } = await startSession(base);
    const sub = visitorOf(cookie!);
    const now = Math.floor(Date.now() / 1000);
    // Issued 6 minutes ago with the 5-minute lifetime: expired a minute ago.
    const expired = await signToken({ sid: body.session.sessionId, sub, iat: now - 360, exp: now - 60 });
    const refusal = await page(base, expired, cookie).then(
      () => null,
      (err: Error & { data?: { code?: string } }) => err,
    );
    expect(refusal?.message).toBe('token expired');
    expect(refusal?.data?.code).toBe('unauthorized');
    // Only the expiry differs from a token that is let in.
    const fresh = await signToken({ sid: body.session.sessionId, sub, exp: now + 300 });
    await expect(page(base, fresh, cookie)).resolves.toBeTruthy();
    // The grant says when its token expires: 5 minutes after it was made.
    expect(Date.parse(body.tokenExpiresAt) - Date.now()).toBeGreaterThan(4 * 60_000);
    expect(Date.parse(body.tokenExpiresAt) - Date.now()).toBeLessThanOrEqual(5 * 60_000);
  });

  it("binds a socket to its token's session: no way into another session, of another visitor or the same one", async () => {
    const { base } = await stack();
    const a = await startSession(base);
    const other = await startSession(base);
    // A validly signed token naming the other visitor's session, with this visitor's cookie and id:
    // the gateway checks the session's owner too, not only the token.
    const now = Math.floor(Date.now() / 1000);
    const crossed = await signToken({ sid: other.body.session.sessionId, sub: visitorOf(a.cookie!), exp: now + 300 });
    await expect(page(base, crossed, a.cookie)).rejects.toThrow(/^no such session$/);

    // The same visitor with two sessions (two lessons): A's socket reaches A only.
    const lessonB = testCourse.course.lessons[1]!.manifest.id;
    const bRes = await fetch(`${base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: base, cookie: a.cookie! },
      body: JSON.stringify({ lessonId: lessonB }),
    });
    const b = (await bRes.json()) as SessionGrant;
    expect(b.session.sessionId).not.toBe(a.body.session.sessionId);
    const sa = await page(base, a.body.token, a.cookie);
    const sb = await page(base, b.token, a.cookie);
    const info = async (s: Socket) => ((await ask<LearnerSessionView>(s, 'session:info', {})) as { data: LearnerSessionView }).data;
    await expect.poll(async () => (await info(sb)).state).toBe('ready');
    expect((await info(sa)).sessionId).toBe(a.body.session.sessionId);
    const termB = ((await ask<{ termId: string }>(sb, 'term:open', { cols: 80, rows: 24 })) as { ok: true; data: { termId: string } }).data.termId;
    const outB: string[] = [];
    sb.on('term:data', (d: { seq: number; data: ArrayBuffer }) => {
      outB.push(Buffer.from(d.data).toString());
      sb.emit('term:ack', { termId: termB, seq: d.seq + d.data.byteLength });
    });
    await ask(sb, 'term:attach', { termId: termB, fromSeq: 0 });
    // From A's socket, B's terminal does not exist.
    expect(await ask(sa, 'term:attach', { termId: termB, fromSeq: 0 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    sa.emit('term:input', { termId: termB, data: 'typed from A\r' });
    // A's socket makes a round trip to the agent after its input (same socket, same agent link),
    // so what B types next reaches the agent after A's attempt.
    expect(await ask(sa, 'session:info', {})).toMatchObject({ ok: true });
    sb.emit('term:input', { termId: termB, data: 'typed in B\r' });
    await expect.poll(() => outB.join('')).toBe('typed in B\r');
  });
});

/** POST /api/sessions over a connection from `from` (a loopback address), with the headers given. */
function startFrom(port: number, o: { from: string; cookie?: string; forwardedFor?: string }) {
  return new Promise<{ status: number; body: SessionGrant & { error?: { code: string; message: string } }; cookie?: string }>((resolve, reject) => {
    const base = `http://127.0.0.1:${port}`;
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        localAddress: o.from,
        method: 'POST',
        path: '/api/sessions',
        agent: false,
        headers: {
          'content-type': 'application/json',
          origin: base,
          ...(o.cookie ? { cookie: o.cookie } : {}),
          ...(o.forwardedFor ? { 'x-forwarded-for': o.forwardedFor } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()), cookie: res.headers['set-cookie']?.[0]?.split(';')[0] ?? o.cookie }),
        );
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ lessonId: 'why-containers' }));
  });
}

describe('the per-address limit on new sessions', () => {
  it('stops many visitors from one address, whatever X-Forwarded-For they send, while another address still gets a session', async () => {
    const { port, store } = await stack({ perAddress: 3 });
    // Three new visitors (no cookie each time) from 127.0.0.1, each forging another X-Forwarded-For.
    for (const forged of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
      const r = await startFrom(port, { from: '127.0.0.1', forwardedFor: forged });
      expect(r.status).toBe(200);
      expect((await store.get(r.body.session.sessionId))?.clientAddress).toBe('127.0.0.1');
    }
    const fourth = await startFrom(port, { from: '127.0.0.1', forwardedFor: '198.51.100.4' });
    expect(fourth.status).toBe(429);
    expect(fourth.body.error).toEqual({ code: 'rate_limited', message: 'many sandboxes were started from your network in the last hour; try again later' });
    expect(fourth.cookie).toMatch(/^berth_visitor=/); // a new visitor, so it is the address that was limited
    // A visitor from another address is not affected.
    const elsewhere = await startFrom(port, { from: '127.0.0.2' });
    expect(elsewhere.status).toBe(200);
    expect((await store.get(elsewhere.body.session.sessionId))?.clientAddress).toBe('127.0.0.2');
  });

  it('behind one trusted proxy, counts the address the proxy appended to X-Forwarded-For, not what the client wrote', async () => {
    const { port, store } = await stack({ perAddress: 3, trustProxyHops: 1 });
    // The proxy is 127.0.0.1; it appends the address it was reached from to what the client sent.
    for (let i = 0; i < 3; i++) {
      const r = await startFrom(port, { from: '127.0.0.1', forwardedFor: '203.0.113.7' });
      expect(r.status).toBe(200);
      expect((await store.get(r.body.session.sessionId))?.clientAddress).toBe('203.0.113.7');
    }
    expect((await startFrom(port, { from: '127.0.0.1', forwardedFor: '203.0.113.7' })).body.error?.code).toBe('rate_limited');
    // The same client writing another address first does not get round the limit.
    const forged = await startFrom(port, { from: '127.0.0.1', forwardedFor: '203.0.113.99, 203.0.113.7' });
    expect(forged.status).toBe(429);
    // Another client behind the same proxy does get a session.
    const other = await startFrom(port, { from: '127.0.0.1', forwardedFor: '203.0.113.99, 203.0.113.8' });
    expect(other.status).toBe(200);
    expect((await store.get(other.body.session.sessionId))?.clientAddress).toBe('203.0.113.8');
  });
});
