import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http, { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import pino from 'pino';
import { type FileContent, type PreviewGrant, type SandboxWriteFileResult } from '@berth/protocol';
import { WebConfig } from '../../apps/web/src/server/config';
import { createGateway } from '../../apps/web/src/server/gateway';
import { routePreviewHosts } from '../../apps/web/src/server/http/host-routing';
import { CourseSource } from '../../apps/web/src/server/lessons/course-source';
import { MemorySessionStore } from '../../apps/web/src/server/sessions/store';
import { dialControlPlane } from '../../worker-agent/src/transport/dial-out';
import { sh, startTestAgent, type TestAgent } from './harness';
import { joinAsLearner, type Learner } from './learner';

// The workspace on the real engine: a real agent (its own slots) dials an in-process
// gateway; two visitors each get a real sandbox. Files go through the agent as the
// learner; a real nginx in one sandbox is previewed on its own origin, and only with
// that session's cookie.
const log = pino({ level: 'silent' });
const AGENT_TOKEN = 'workspace-integration-agent-token';
const course = new CourseSource(new URL('../../content', import.meta.url).pathname, false);
const LESSON = course.course.lessons[0]!.manifest.id;

let t: TestAgent;
let server: HttpServer;
let base = '';
let port = 0;
let closeAll: (() => Promise<void>) | null = null;

function request(host: string, path: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; headers: IncomingMessage['headers']; body: string }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function previewCookie(l: Learner, forPort: number): Promise<{ host: string; cookie: string }> {
  const grant = ((await l.ask<PreviewGrant>('preview:open', { port: forPort })) as { ok: true; data: PreviewGrant }).data;
  const host = new URL(grant.origin).host;
  const redeemed = await request(host, grant.url.slice(grant.origin.length));
  expect(redeemed.status).toBe(302);
  return { host, cookie: redeemed.headers['set-cookie']![0]!.split(';')[0]! };
}

beforeAll(async () => {
  t = await startTestAgent('workspace', { first: 60, count: 4 }, { stateDir: process.env.BERTH_IT_STATE_DIR ?? '/var/lib/berth/test-agents' });
  server = createServer((req, res) => void api(req, res).then((handled) => handled || res.writeHead(404).end()));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  base = `http://127.0.0.1:${port}`;
  const config = WebConfig.parse({ port, secret: 'workspace-integration-secret-0123456789abcdef', agentToken: AGENT_TOKEN });
  const gateway = await createGateway({ config, http: server, origins: new Set([base]), store: new MemorySessionStore(), course, version: 'it', log });
  const api = gateway.api;
  routePreviewHosts(server, gateway.preview);
  const link = dialControlPlane({ url: base, agentId: t.config.agentId, token: AGENT_TOKEN, manager: t.agent.manager, warnings: () => [], log });
  for (let i = 0; i < 100 && (await gateway.agents.agents()).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
  closeAll = async () => {
    link.close();
    await gateway.close();
    await new Promise<void>((r) => server.close(() => r()));
  };
}, 180_000);

afterAll(async () => {
  await closeAll?.();
  await t?.stop();
}, 180_000);

describe('the workspace on real sandboxes', () => {
  let a: Learner;
  let b: Learner;

  it('reads and writes as the learner, refuses ways out of the home, and detects a conflict', async () => {
    a = await joinAsLearner(base, LESSON);
    const id = a.sessionId;
    const owner = await sh(t, id, 'ln -s /etc ~/etc-link; ln -s ../../etc/hostname ~/host-name; echo from-shell > ~/notes.txt; stat -c %u ~/notes.txt; id -u');
    const [fileUid, learnerUid] = owner.stdout.trim().split('\n');
    expect(fileUid).toBe(learnerUid);

    // Ways out: refused by the schema before they reach the agent, or by the agent in the sandbox.
    for (const path of ['../etc/passwd', '/etc/passwd', 'a/../../etc/passwd']) {
      expect(await a.ask('fs:read', { path })).toMatchObject({ ok: false, error: { code: 'bad_request' } });
    }
    for (const path of ['etc-link/passwd', 'host-name']) {
      expect(await a.ask('fs:read', { path }), path).toMatchObject({ ok: false, error: { code: 'bad_request', details: { reason: 'outside' } } });
    }
    expect(await a.ask('fs:write', { path: 'etc-link/evil', content: 'x' })).toMatchObject({ ok: false, error: { details: { reason: 'outside' } } });
    expect(await a.ask('fs:list', { path: 'etc-link' })).toMatchObject({ ok: false, error: { details: { reason: 'outside' } } });

    // A save runs as the learner: the file belongs to the learner, in place.
    const read = (await a.ask<FileContent>('fs:read', { path: 'notes.txt' })) as { ok: true; data: FileContent & { kind: 'text' } };
    expect(read.data.content).toBe('from-shell\n');
    const inode = (await sh(t, id, 'stat -c %i ~/notes.txt')).stdout.trim();
    const saved = (await a.ask<SandboxWriteFileResult>('fs:write', { path: 'notes.txt', content: 'from the editor\n', ifMatch: read.data.etag })) as {
      ok: true;
      data: SandboxWriteFileResult;
    };
    expect(saved.ok).toBe(true);
    const after = await sh(t, id, 'cat ~/notes.txt; stat -c "%u %i" ~/notes.txt');
    expect(after.stdout).toBe(`from the editor\n${learnerUid} ${inode}\n`);

    // Changed in the sandbox meanwhile: the page hears it, and a save over it is refused.
    const changes: { files: { path: string; etag: string | null }[] }[] = [];
    a.socket.on('fs:changed', (c) => changes.push(c));
    expect(await a.ask('fs:watch', { dirs: [''], files: ['notes.txt'] })).toMatchObject({ ok: true });
    await sh(t, id, 'echo "from a container" > ~/notes.txt');
    await expect.poll(() => changes.flatMap((c) => c.files.map((f) => f.path)), { timeout: 5_000 }).toContain('notes.txt');
    expect(await a.ask('fs:write', { path: 'notes.txt', content: 'mine\n', ifMatch: saved.data.etag })).toMatchObject({
      ok: false,
      error: { code: 'conflict', details: { reason: 'changed' } },
    });
    expect((await sh(t, id, 'cat ~/notes.txt')).stdout).toBe('from a container\n');
  });

  it('previews a real nginx on its own origin, for its own session only, and says when nothing listens', async () => {
    const id = a.sessionId;
    const ports: { ports: { port: number }[] }[] = [];
    a.socket.on('preview:ports', (p) => ports.push(p));
    const { host, cookie } = await previewCookie(a, 8080);
    expect((await request(host, '/', { cookie })).headers['x-berth-preview']).toBe('waiting');

    const started = Date.now();
    const run = await sh(t, id, 'mkdir -p ~/site && echo "<h1>Hello from a real nginx</h1>" > ~/site/index.html && docker run -d --name web -p 8080:80 -v ~/site:/usr/share/nginx/html:ro nginx:latest', 120_000);
    expect(run.exitCode, run.stderr).toBe(0);
    await expect.poll(() => ports.at(-1)?.ports.map((p) => p.port) ?? [], { timeout: 10_000 }).toContain(8080);
    const detectedMs = Date.now() - started;

    await expect.poll(async () => (await request(host, '/', { cookie })).body, { timeout: 15_000 }).toContain('<h1>Hello from a real nginx</h1>');
    // nginx's own redirect (to port 80 inside) stays in the preview.
    await sh(t, id, 'mkdir -p ~/site/docs && echo docs > ~/site/docs/index.html');
    const redirect = await request(host, '/docs', { cookie });
    expect(redirect.status).toBe(301);
    expect(redirect.headers.location).toBe(`http://${host}/docs/`);

    // Another visitor's session: its cookie does not open this preview, this cookie not theirs.
    b = await joinAsLearner(base, LESSON);
    const theirs = await previewCookie(b, 8080);
    expect(theirs.host).not.toBe(host);
    expect((await request(host, '/', { cookie: theirs.cookie })).status).toBe(401);
    expect((await request(theirs.host, '/', { cookie })).status).toBe(401);
    // Their sandbox has no nginx: their preview waits, and never shows this one's page.
    const their = await request(theirs.host, '/', { cookie: theirs.cookie });
    expect(their.headers['x-berth-preview']).toBe('waiting');
    expect(their.body).not.toContain('Hello from a real nginx');
    console.log(`[workspace] port 8080 detected ${detectedMs} ms after docker run started (pull included)`);

    // A hundred requests in a row through the preview (timing for the report).
    const t0 = Date.now();
    for (let i = 0; i < 100; i++) expect((await request(host, '/', { cookie })).status).toBe(200);
    console.log(`[workspace] 100 preview requests: ${Date.now() - t0} ms`);
  });
});
