import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http, { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Socket as NetSocket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import type { DirListing, FileContent, PreviewGrant, SandboxWriteFileResult } from '@berth/protocol';
import { createGateway } from '../../apps/web/src/server/gateway';
import { WebConfig } from '../../apps/web/src/server/config';
import { routePreviewHosts } from '../../apps/web/src/server/http/host-routing';
import { MemorySessionStore } from '../../apps/web/src/server/sessions/store';
import { CourseSource } from '../../apps/web/src/server/lessons/course-source';
import { dialControlPlane } from '../../worker-agent/src/transport/dial-out';
import { fakeManager } from '../../worker-agent/src/testing/fake-agent';
import { joinAsLearner } from '../integration/learner';

// The workspace's file API and previews through the real gateway and a dialling agent
// whose sandboxes are folders on this machine (the file scripts run for real) and
// whose "ports" are local servers.
const log = pino({ level: 'silent' });
const course = new CourseSource(new URL('../../content', import.meta.url).pathname, false);
const AGENT_TOKEN = 'agent-token-for-tests-0123';
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stack() {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-gw-files-'));
  cleanups.push(() => rmSync(root, { recursive: true, force: true }));
  const server: HttpServer = createServer((req, res) => {
    void api(req, res).then((handled) => handled || res.writeHead(404).end('site'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const config = WebConfig.parse({ port, secret: 'a-secret-of-at-least-thirty-two-characters', agentToken: AGENT_TOKEN });
  const store = new MemorySessionStore();
  const gateway = await createGateway({ config, http: server, origins: new Set([base]), store, course, version: 'test', log });
  const api = gateway.api;
  routePreviewHosts(server, gateway.preview);
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())), () => gateway.close());
  const agent = fakeManager({ filesRoot: root });
  const link = dialControlPlane({ url: base, agentId: 'fake', token: AGENT_TOKEN, manager: agent.manager, warnings: () => [], log });
  cleanups.push(() => link.close(), () => agent.driver.close());
  await expect.poll(async () => (await gateway.agents.agents()).length).toBe(1);
  return { base, port, gateway, agent, store };
}

/** A visitor's page on the gateway (its fake agent's sandbox is ready at once), closed after the test. */
async function learner(base: string) {
  const joined = await joinAsLearner(base, 'why-containers', { readyWithinMs: 1000, askTimeoutMs: 5000 });
  cleanups.push(() => joined.socket.close());
  return joined;
}

/** A request to the gateway with a Host of our choosing (fetch does not allow that). */
function request(port: number, host: string, pathname: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: pathname, headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A stand-in for what a learner runs in the sandbox: HTTP (with a redirect) and a raw upgrade that echoes. */
async function sandboxServer() {
  const seen: IncomingMessage['headers'][] = [];
  const server = createServer((req, res) => {
    seen.push(req.headers);
    if (req.url === '/docs') return void res.writeHead(301, { location: 'http://localhost:80/docs/' }).end();
    if (req.url === '/login') return void res.writeHead(200, { 'set-cookie': ['app=1; Domain=localhost; Path=/', 'theme=dark; domain=.preview.localhost'] }).end('ok');
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1>Welcome to nginx!</h1> path=${req.url}`);
  });
  server.on('upgrade', (_req, socket: NetSocket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nconnection: Upgrade\r\nupgrade: echo\r\n\r\n');
    socket.on('data', (d: Buffer) => socket.write(Buffer.from(d.toString().toUpperCase())));
    socket.on('end', () => socket.end());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return { port: (server.address() as { port: number }).port, seen, server };
}

describe('files through the gateway', { timeout: 30_000 }, () => {
  it('lists, reads, saves with a version, reports a conflict, and refuses paths outside the home', async () => {
    const { base, agent } = await stack();
    const { ask, socket, sessionId } = await learner(base);
    const home = agent.driver.home(sessionId);
    writeFileSync(path.join(home, 'Dockerfile'), 'FROM nginx\n');
    symlinkSync('/etc', path.join(home, 'etc'));
    const changes: { dirs: string[]; files: { path: string; etag: string | null }[] }[] = [];
    socket.on('fs:changed', (c) => changes.push(c));
    expect(await ask('fs:watch', { dirs: [''], files: ['Dockerfile'] })).toMatchObject({ ok: true, data: { ports: [] } });

    const listing = (await ask<DirListing>('fs:list', { path: '' })) as { ok: true; data: DirListing };
    expect(listing.data.entries.map((e) => e.name)).toEqual(['Dockerfile', 'etc']);
    const file = (await ask<FileContent>('fs:read', { path: 'Dockerfile' })) as { ok: true; data: FileContent & { kind: 'text' } };
    expect(file.data.content).toBe('FROM nginx\n');

    const saved = (await ask<SandboxWriteFileResult>('fs:write', { path: 'Dockerfile', content: 'FROM nginx:stable\n', ifMatch: file.data.etag })) as {
      ok: true;
      data: SandboxWriteFileResult;
    };
    expect(saved.ok).toBe(true);
    // Someone changes it in the terminal: the page hears of it, and a stale save is refused.
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(path.join(home, 'Dockerfile'), 'FROM busybox\n');
    await expect.poll(() => changes.flatMap((c) => c.files.map((f) => f.path)), { timeout: 4000 }).toContain('Dockerfile');
    expect(await ask('fs:write', { path: 'Dockerfile', content: 'FROM mine\n', ifMatch: saved.data.etag })).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'changed', current: { size: 13 } } },
    });
    // Bytes travel as bytes.
    expect(await ask('fs:write', { path: 'logo.bin', content: new Uint8Array([0, 255, 1]), ifMatch: null })).toMatchObject({ ok: true, data: { bytes: 3 } });
    expect(await ask('fs:read', { path: 'logo.bin' })).toMatchObject({ ok: true, data: { kind: 'binary', size: 3 } });

    for (const p of ['../secret', '/etc/passwd', 'a/../../x']) {
      expect(await ask('fs:read', { path: p }), p).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    expect(await ask('fs:read', { path: 'etc/passwd' })).toMatchObject({ ok: false, error: { code: 'bad_request', details: { reason: 'outside' } } });
    expect(await ask('fs:write', { path: 'etc/evil', content: 'x' })).toMatchObject({ ok: false, error: { details: { reason: 'outside' } } });
  });
});

describe('previews through the gateway', { timeout: 30_000 }, () => {
  it('open on their own origin with a one-time ticket, carry HTTP and upgrades, and refuse everyone else', async () => {
    const { base, port, agent, gateway } = await stack();
    const mine = await learner(base);
    const other = await learner(base);
    const app = await sandboxServer();
    agent.driver.forwards.set(`${mine.sessionId}:8080`, app.port);
    agent.driver.forwards.set(`${other.sessionId}:8080`, app.port);

    const grant = ((await mine.ask<PreviewGrant>('preview:open', { port: 8080, path: '/hello?x=1' })) as { ok: true; data: PreviewGrant }).data;
    const origin = new URL(grant.origin);
    expect(origin.hostname).toMatch(/^8080-[a-z2-7]{16}\.preview\.localhost$/);
    expect(origin.port).toBe(String(port));
    const host = origin.host;
    const ticketPath = grant.url.slice(grant.origin.length);

    // Without the cookie: refused (not the site, not the API, not another app).
    const anonymous = await request(port, host, '/');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['x-berth-preview']).toBe('unauthorized');
    expect((await request(port, host, '/api/health')).status).toBe(401);

    // The ticket sets a cookie for this origin only and sends the browser where it wanted to go.
    const redeemed = await request(port, host, ticketPath);
    expect(redeemed.status).toBe(302);
    expect(redeemed.headers.location).toBe('/hello?x=1');
    const setCookie = redeemed.headers['set-cookie']![0]!;
    expect(setCookie).toMatch(/^__Host-berth_preview=/);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/Partitioned/);
    expect(setCookie).not.toMatch(/Domain=/i);
    const cookie = setCookie.split(';')[0]!;
    // A ticket works once.
    expect((await request(port, host, ticketPath)).status).toBe(403);

    const page = await request(port, host, '/hello?x=1', { cookie: `${cookie}; theirs=1` });
    expect(page.status).toBe(200);
    expect(page.body).toBe('<h1>Welcome to nginx!</h1> path=/hello?x=1');
    // The app sees its own cookies, never the preview's, and the original host.
    expect(app.seen.at(-1)?.cookie).toBe('theirs=1');
    expect(app.seen.at(-1)?.host).toBe(host);
    // An absolute redirect to the sandbox's own address stays in the preview.
    expect((await request(port, host, '/docs', { cookie })).headers.location).toBe(`http://${host}/docs/`);
    // Its cookies stay on the preview's own host (no Domain= the site would receive).
    expect((await request(port, host, '/login', { cookie })).headers['set-cookie']).toEqual(['app=1; Path=/', 'theme=dark']);

    // Another session's preview origin does not take this cookie, and the other learner's
    // cookie does not open this one.
    const theirs = ((await other.ask<PreviewGrant>('preview:open', { port: 8080, path: '/' })) as { ok: true; data: PreviewGrant }).data;
    const theirHost = new URL(theirs.origin).host;
    expect(theirHost).not.toBe(host);
    expect((await request(port, theirHost, '/', { cookie })).status).toBe(401);
    const theirCookie = (await request(port, theirHost, theirs.url.slice(theirs.origin.length))).headers['set-cookie']![0]!.split(';')[0]!;
    expect((await request(port, host, '/', { cookie: theirCookie })).status).toBe(401);
    expect((await request(port, theirHost, '/', { cookie: theirCookie })).status).toBe(200);
    // Nor does this port's cookie open another port of the same session.
    const otherPort = new URL(((await mine.ask<PreviewGrant>('preview:open', { port: 3000 })) as { ok: true; data: PreviewGrant }).data.origin).host;
    expect((await request(port, otherPort, '/', { cookie })).status).toBe(401);

    // An upgrade (WebSocket) goes through both ways.
    const upgraded = await new Promise<string>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/ws', headers: { host, cookie, connection: 'Upgrade', upgrade: 'echo' } });
      req.on('upgrade', (res, socket) => {
        expect(res.statusCode).toBe(101);
        socket.write('ping');
        socket.once('data', (d: Buffer) => {
          resolve(d.toString());
          socket.destroy();
        });
      });
      req.on('error', reject);
      req.end();
    });
    expect(upgraded).toBe('PING');
    await expect.poll(() => gateway.tunnels.size).toBe(0);
  });

  it('says "waiting for port" while nothing listens, tells the page which ports listen, and ends with the session', async () => {
    const { base, port, agent, store } = await stack();
    const mine = await learner(base);
    const ports: unknown[] = [];
    mine.socket.on('preview:ports', (p) => ports.push(p));
    expect(await mine.ask('fs:watch', { dirs: [''], files: [] })).toMatchObject({ ok: true, data: { ports: [] } });
    const grant = ((await mine.ask<PreviewGrant>('preview:open', { port: 8080 })) as { ok: true; data: PreviewGrant }).data;
    const host = new URL(grant.origin).host;
    const cookie = (await request(port, host, grant.url.slice(grant.origin.length))).headers['set-cookie']![0]!.split(';')[0]!;
    const waiting = await request(port, host, '/', { cookie, 'accept-language': 'ko-KR,ko;q=0.9' });
    expect(waiting.status).toBe(503);
    expect(waiting.headers['x-berth-preview']).toBe('waiting');
    expect(waiting.body).toContain('8080번 포트를 기다리는 중');
    expect(waiting.body).toContain('http-equiv="refresh"');

    const app = await sandboxServer();
    agent.driver.forwards.set(`${mine.sessionId}:8080`, app.port);
    agent.driver.setListening(mine.sessionId, [{ port: 8080 }]);
    await expect.poll(() => ports.at(-1), { timeout: 4000 }).toMatchObject({ ports: [{ port: 8080, scope: 'any' }] });
    expect((await request(port, host, '/', { cookie })).status).toBe(200);

    await store.updateState(mine.sessionId, 'stopped');
    await new Promise((r) => setTimeout(r, 3100)); // the owner lookup is cached for 3 s
    expect((await request(port, host, '/', { cookie })).headers['x-berth-preview']).toBe('ended');
  });
});
