import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import http, { createServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { io, type Socket } from 'socket.io-client';
import { PROTOCOL_VERSION, type Result, wireParser, type SessionGrant } from '@berth/protocol';
import { WebConfig } from '../../apps/web/src/server/config';
import { openDatabase, type Database } from '../../apps/web/src/server/db';
import { createGateway } from '../../apps/web/src/server/gateway';
import { freePort } from '../../apps/web/src/server/free-port';
import { routePreviewHosts } from '../../apps/web/src/server/http/host-routing';
import { postgresStore } from '../../apps/web/src/server/sessions/open-store';
import { dialControlPlane } from '../../worker-agent/src/transport/dial-out';
import { fakeManager } from '../../worker-agent/src/testing/fake-agent';
import { CourseSource } from '../../apps/web/src/server/lessons/course-source';

const testCourse = new CourseSource(new URL('../../content', import.meta.url).pathname, false);

// Several gateways behind a load balancer: they share sockets through Redis and
// sessions through PostgreSQL (both real here). The agent dials gateway A; a page
// served by gateway B must still start a session and type into its terminal.
const log = pino({ level: 'silent' });
const AGENT_TOKEN = 'multi-gateway-agent-token-0123';
let REDIS_PORT = 0;
let redis: ChildProcess;
let db: Database;
const closers: (() => unknown)[] = [];

async function gateway(name: string) {
  const http: HttpServer = createServer((req, res) => void api(req, res).then((handled) => handled || res.writeHead(404).end()));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const config = WebConfig.parse({
    port,
    secret: 'one-secret-shared-by-every-gateway-0123456789',
    agentToken: AGENT_TOKEN,
    redisUrl: `redis://127.0.0.1:${REDIS_PORT}`,
  });
  // Every gateway accepts the site's public origin (here: both test origins).
  const g = await createGateway({ config, http, origins: new Set([base, 'http://site.test']), store: postgresStore(db.sessions), course: testCourse, version: name, log });
  const api = g.api;
  routePreviewHosts(http, g.preview);
  closers.push(() => new Promise<void>((r) => http.close(() => r())), () => g.close());
  return { base, port, g };
}

beforeAll(async () => {
  REDIS_PORT = await freePort();
  redis = spawn('redis-server', ['--port', String(REDIS_PORT), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  db = await openDatabase({ embedded: { dataDir: mkdtempSync(join(tmpdir(), 'berth-multi-pg-')), port: await freePort(), settings: { fsync: 'off' } } });
  await new Promise((r) => setTimeout(r, 300));
});

afterAll(async () => {
  for (const c of closers.reverse()) await c();
  await db?.close();
  if (redis && redis.exitCode === null) {
    const exited = new Promise((r) => redis.once('exit', r));
    redis.kill();
    await exited;
  }
});

describe('two gateways with the Redis adapter', () => {
  it('let a page on gateway B use an agent connected to gateway A', async () => {
    const a = await gateway('a');
    const b = await gateway('b');
    const { manager, driver } = fakeManager();
    const link = dialControlPlane({ url: a.base, agentId: 'fake', token: AGENT_TOKEN, manager, warnings: () => [], log });
    closers.push(() => link.close());
    // Gateway B sees the agent that is connected to A.
    await expect.poll(async () => (await b.g.agents.agents()).map((x) => x.agentId), { timeout: 10_000 }).toEqual(['fake']);

    const res = await fetch(`${b.base}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://site.test' },
      body: JSON.stringify({ lessonId: 'why-containers' }),
    });
    expect(res.status).toBe(200);
    const grant = (await res.json()) as SessionGrant;
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    const page: Socket = io(`${b.base}/learner`, {
      transports: ['websocket'],
      parser: wireParser,
      forceNew: true,
      reconnection: false,
      auth: { token: grant.token, protocolVersion: PROTOCOL_VERSION },
      extraHeaders: { origin: 'http://site.test', cookie },
    });
    closers.push(() => page.close());
    await new Promise<void>((resolve, reject) => {
      page.once('connect', () => resolve());
      page.once('connect_error', reject);
    });
    const ask = (event: string, payload: unknown) => page.timeout(10_000).emitWithAck(event, payload) as Promise<Result<{ termId: string; state: string }>>;
    await expect.poll(async () => ((await ask('session:info', {})) as { data: { state: string } }).data.state).toBe('ready');
    const term = (await ask('term:open', { cols: 80, rows: 24 })) as { ok: true; data: { termId: string } };
    const out: string[] = [];
    page.on('term:data', (d: { seq: number; data: ArrayBuffer }) => {
      out.push(Buffer.from(d.data).toString());
      page.emit('term:ack', { termId: term.data.termId, seq: d.seq + d.data.byteLength });
    });
    await ask('term:attach', { termId: term.data.termId, fromSeq: 0 });
    page.emit('term:input', { termId: term.data.termId, data: 'across gateways\r' });
    await expect.poll(() => out.join('')).toBe('across gateways\r');
    // The session is in the shared database, owned by this visitor.
    expect(await db.sessions.getSession(grant.session.sessionId)).toMatchObject({ agentId: 'fake', state: 'ready' });

    // A preview served by gateway B: its stream goes to the agent on A through Redis, and
    // the agent's answer comes back to A, which hands it over to B.
    const app = createServer((_req, res) => res.end('<h1>across gateways</h1>'));
    await new Promise<void>((r) => app.listen(0, '127.0.0.1', () => r()));
    closers.push(() => new Promise<void>((r) => app.close(() => r())));
    driver.forwards.set(`${grant.session.sessionId}:8080`, (app.address() as { port: number }).port);
    const preview = (await page.timeout(10_000).emitWithAck('preview:open', { port: 8080, path: '/' })) as {
      ok: true;
      data: { origin: string; url: string };
    };
    const host = new URL(preview.data.origin).host;
    const get = (path: string, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string; cookie?: string }>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: b.port, path, headers: { host, ...headers } }, (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, cookie: res.headers['set-cookie']?.[0]?.split(';')[0] }));
        });
        req.on('error', reject);
        req.end();
      });
    const ticket = await get(preview.data.url.slice(preview.data.origin.length));
    expect(ticket.status).toBe(302);
    const shown = await get('/', { cookie: ticket.cookie! });
    expect(shown).toMatchObject({ status: 200, body: '<h1>across gateways</h1>' });
  });
});
