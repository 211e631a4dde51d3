import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server as HttpServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createGateway } from '../../apps/web/src/server/gateway';
import { WebConfig } from '../../apps/web/src/server/config';
import { MemorySessionStore } from '../../apps/web/src/server/sessions/store';
import { CourseSource } from '../../apps/web/src/server/lessons/course-source';
import { AgentConfig } from '../../worker-agent/src/config';
import { REMAP_OFF_WARNING, type EngineInfoSource } from '../../worker-agent/src/docker/docker-driver';
import { startAgent } from '../../worker-agent/src/main';
import { FakeDriver } from '../../worker-agent/src/sandbox/fake-driver';

// The whole agent start-up (startAgent) against a stand-in engine and the in-memory driver:
// what an operator sees with and without user-namespace remapping, in the agent's log,
// its /healthz and the site's /api/health. The host's engine is not touched.
const AGENT_TOKEN = 'agent-token-for-tests-0123';
const profilesDir = new URL('../../content/sandbox-profiles', import.meta.url).pathname;
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function engine(remapped: boolean): EngineInfoSource {
  return {
    info: async () => ({
      SecurityOptions: ['name=seccomp,profile=default', ...(remapped ? ['name=userns'] : [])],
      DockerRootDir: remapped ? '/var/lib/docker/3000000.3000000' : '/var/lib/docker',
      ServerVersion: '26.1.5+dfsg1',
    }),
    getNetwork: () => {
      throw new Error('not asked: the mirror host is given');
    },
  } as unknown as EngineInfoSource;
}

/** Log lines as objects (pino's JSON). */
function logSink() {
  const lines: { level: number; msg: string }[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, stream };
}

function config(opts: { usernsRemap?: boolean; control?: string } = {}) {
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-remap-agent-'));
  cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
  const seccompProfile = join(stateDir, 'seccomp.json');
  writeFileSync(seccompProfile, '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}');
  return AgentConfig.parse({
    agentId: 'remap-test',
    token: AGENT_TOKEN,
    listen: { host: '127.0.0.1', port: 0 },
    ...(opts.control ? { control: { url: opts.control } } : {}),
    stateDir,
    profilesDir,
    sandbox: { seccompProfile, mirror: { host: '127.0.0.1', port: 5000 }, ...(opts.usernsRemap === undefined ? {} : { usernsRemap: opts.usernsRemap }) },
  });
}

async function start(remapped: boolean, opts: { usernsRemap?: boolean; control?: string } = {}) {
  const sink = logSink();
  const agent = await startAgent(config(opts), { engine: engine(remapped), driver: new FakeDriver(), logDestination: sink.stream });
  cleanups.push(() => agent.shutdown('test'));
  const healthz = (await (await fetch(`http://127.0.0.1:${agent.server!.port}/healthz`)).json()) as { status: string; warnings: string[] };
  const remapLogged = sink.lines.filter((l) => /remap/i.test(l.msg));
  return { agent, healthz, remapLogged };
}

// The host's kernel.keys.maxkeys may add a warning of its own: these look at remapping only.
const remapOnly = (warnings: string[]) => warnings.filter((w) => /remap/i.test(w));

async function site() {
  const http: HttpServer = createServer((req, res) => {
    void gateway.api(req, res).then((handled) => handled || res.writeHead(404).end());
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
  const port = (http.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const webConfig = WebConfig.parse({ port, secret: 'a-secret-of-at-least-thirty-two-characters', agentToken: AGENT_TOKEN });
  const course = new CourseSource(new URL('../../content', import.meta.url).pathname, false);
  const gateway = await createGateway({ config: webConfig, http, origins: new Set([base]), store: new MemorySessionStore(), course, version: 'test', log: pino({ level: 'silent' }) });
  cleanups.push(() => new Promise<void>((r) => http.close(() => r())), () => gateway.close());
  return { base, gateway };
}

describe('the agent on an engine with or without user-namespace remapping', () => {
  it('remapped engine, default config: starts, no remapping warning anywhere', async () => {
    const { healthz, remapLogged } = await start(true);
    expect(healthz.status).toBe('ok');
    expect(remapOnly(healthz.warnings)).toEqual([]);
    expect(remapLogged).toEqual([]);
  });

  it('engine not remapped, default config: refuses to start with a message that says what to do', async () => {
    const cfg = config();
    await expect(startAgent(cfg, { engine: engine(false), driver: new FakeDriver(), logDestination: logSink().stream })).rejects.toThrow(
      'the host Docker engine does not run with --userns-remap: run infra/setup-host.sh, or set sandbox.usernsRemap=false in the agent config to run without it (not recommended)',
    );
    // It left its lock free: the same agent id starts once the engine is remapped.
    const again = await startAgent(cfg, { engine: engine(true), driver: new FakeDriver(), logDestination: logSink().stream });
    await again.shutdown('test');
  });

  it('engine not remapped, usernsRemap: false: starts, logs the warning at start and reports it in /healthz and /api/health', async () => {
    const { base, gateway } = await site();
    const { healthz, remapLogged } = await start(false, { usernsRemap: false, control: base });
    expect(remapLogged).toEqual([expect.objectContaining({ level: 40, msg: REMAP_OFF_WARNING })]);
    expect(healthz.status).toBe('ok');
    expect(remapOnly(healthz.warnings)).toEqual([REMAP_OFF_WARNING]);
    await expect.poll(async () => (await gateway.agents.agents()).length).toBe(1);
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { agents: { agentId: string; warnings: string[] }[] };
    expect(body.agents.map((a) => a.agentId)).toEqual(['remap-test']);
    expect(remapOnly(body.agents[0]!.warnings)).toEqual([REMAP_OFF_WARNING]);
  });
});
