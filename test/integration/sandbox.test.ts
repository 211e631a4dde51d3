import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxStateEvent } from '@berth/protocol';
import { openTerminal, sessionId, sh, startTestAgent, type TestAgent } from './harness';

// What a learner does first: a terminal in a fresh sandbox, and Docker working offline.
let t: TestAgent;
const id = sessionId('basics');
const states: SandboxStateEvent[] = [];

beforeAll(async () => {
  t = await startTestAgent('basics', { first: 24, count: 4 });
  t.client.socket.on('sandbox:state', (e) => states.push(e));
  const started = Date.now();
  const info = await t.client.request('sandbox:create', { sessionId: id });
  console.log(`sandbox ready in ${Date.now() - started} ms`);
  expect(info.state).toBe('ready');
});

afterAll(async () => {
  await t?.stop();
});

describe('a fresh sandbox', () => {
  it('went through creating to ready', () => {
    expect(states.filter((s) => s.sessionId === id).map((s) => s.state)).toEqual(['creating', 'ready']);
  });

  it('gives the learner a shell as an unprivileged user with a working Docker', async () => {
    const term = await openTerminal(t, id);
    await term.waitFor(/learner@sandbox:~\$ $/);
    term.type('id -u; docker run --rm hello-world\r');
    await term.waitFor(/Hello from Berth!/);
    await term.waitFor(/learner@sandbox:~\$ $/);
    expect(term.text()).toMatch(/^\r?100024\r?$/m);
  });

  it('answers docker version, pull, run and run -it offline through the mirror', async () => {
    const version = await sh(t, id, 'docker version --format "{{.Server.Version}}"');
    expect(version.exitCode).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+/);
    const pull = await sh(t, id, 'docker pull busybox');
    expect(pull.stdout).toMatch(/busybox:latest/);
    const run = await sh(t, id, 'docker run --rm debian:bookworm cat /etc/debian_version');
    expect(run.stdout.trim()).toMatch(/^12\./);
    // An interactive container in a real TTY, as `docker run -it debian bash` is typed.
    const term = await openTerminal(t, id, 'it');
    await term.waitFor(/\$ $/);
    term.type('docker run -it --rm debian:bookworm bash\r');
    await term.waitFor(/root@[0-9a-f]+:\/# $/);
    term.type('echo inside-$((6*7)); exit\r');
    await term.waitFor(/inside-42[\s\S]*learner@sandbox:~\$ $/);
  });

  it('builds an image with BuildKit and runs a compose project', async () => {
    const build = await sh(
      t,
      id,
      'mkdir -p app && cd app && printf "FROM busybox\\nRUN echo built-by-buildkit > /msg\\nCMD cat /msg\\n" > Dockerfile && docker build -q -t mine . && docker run --rm mine',
      120_000,
    );
    expect(build.stderr + build.stdout).toMatch(/built-by-buildkit/);
    expect(build.exitCode).toBe(0);
    const compose = await sh(
      t,
      id,
      [
        'mkdir -p stack && cd stack',
        'printf "services:\\n  web:\\n    image: busybox\\n    command: httpd -f -p 8000 -h /etc\\n    ports: [\\"8000:8000\\"]\\n" > compose.yaml',
        'docker compose up -d',
        'for i in $(seq 50); do curl -fsS -o /dev/null http://127.0.0.1:8000/hostname && break; sleep 0.1; done',
        'curl -fsS http://127.0.0.1:8000/hostname',
        'docker compose ps --format "{{.Service}} {{.State}}"',
        'docker compose down --timeout 1',
      ].join(' && '),
      120_000,
    );
    expect(compose.exitCode, compose.stderr).toBe(0);
    expect(compose.stdout).toMatch(/web running/);
    // docker-compose, the older spelling, also answers.
    expect((await sh(t, id, 'docker-compose version')).stdout).toMatch(/version v?2\./);
  });

  it('publishes a low port and pings without any capability', async () => {
    const web = await sh(
      t,
      id,
      'docker run -d --name low -p 80:8080 busybox httpd -f -p 8080 -h /etc >/dev/null && ' +
        'for i in $(seq 50); do curl -fsS -o /dev/null http://127.0.0.1/hostname && break; sleep 0.1; done; ' +
        'curl -fsS http://127.0.0.1/hostname; docker rm -f low >/dev/null; ping -c 1 -W 2 127.0.0.1 >/dev/null && echo ping-ok',
    );
    expect(web.stdout).toMatch(/ping-ok/);
    expect(web.exitCode, web.stderr).toBe(0);
    expect((await sh(t, id, 'grep CapEff /proc/self/status')).stdout).toMatch(/CapEff:\s+0+\s*$/);
  });

  it('follows a resize of the terminal', async () => {
    const term = await openTerminal(t, id, 'resize');
    await term.waitFor(/\$ $/);
    t.client.send('term:resize', { sessionId: id, termId: term.termId, cols: 132, rows: 43 });
    await new Promise((r) => setTimeout(r, 200));
    term.type('stty size\r');
    await term.waitFor(/^\r?43 132\r?$/m);
  });

  it('replays exactly the bytes a viewer missed after a dropped connection', async () => {
    const term = await openTerminal(t, id, 'drop');
    await term.waitFor(/\$ $/);
    const before = term.chunks.reduce((n, c) => n + c.data.length, 0);
    // The connection drops: the viewer detaches without a word.
    await t.client.request('term:detach', { sessionId: id, termId: term.termId, viewerId: 'drop' });
    t.client.send('term:input', { sessionId: id, termId: term.termId, data: 'for i in $(seq 1 2000); do echo line-$i; done\r' });
    await new Promise((r) => setTimeout(r, 1500));
    // It comes back and asks for everything after the last byte it has.
    const got: { seq: number; data: Buffer }[] = [];
    t.client.socket.on('term:data', (d) => {
      if (d.termId === term.termId && d.viewerId === 'back') {
        got.push({ seq: d.seq, data: Buffer.from(d.data as Uint8Array) });
        t.client.send('term:ack', { sessionId: id, termId: term.termId, viewerId: 'back', seq: d.seq + d.data.byteLength });
      }
    });
    const resumed = await t.client.request('term:attach', { sessionId: id, termId: term.termId, viewerId: 'back', fromSeq: before });
    expect(resumed).toMatchObject({ fromSeq: before, lost: 0 });
    const until = Date.now() + 10_000;
    while (!/line-2000\r\n/.test(Buffer.concat(got.map((g) => g.data)).toString()) && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    // Contiguous: every chunk starts where the previous ended, from exactly `before`.
    let expected = before;
    for (const g of got) {
      expect(g.seq).toBe(expected);
      expected += g.data.length;
    }
    const text = Buffer.concat([...term.chunks.map((c) => c.data), ...got.map((g) => g.data)]).toString();
    const lines = text.match(/^line-\d+\r$/gm) ?? [];
    expect(lines).toHaveLength(2000);
    expect(new Set(lines).size).toBe(2000);
  });

  it('reports an exit code when the shell exits', async () => {
    const term = await openTerminal(t, id, 'exit');
    await term.waitFor(/\$ $/);
    const exited = new Promise((resolve) => t.client.socket.on('term:exit', (e) => e.termId === term.termId && resolve(e.exitCode)));
    term.type('exit 7\r');
    await expect(exited).resolves.toBe(7);
  });
});

describe('the lifecycle of a sandbox', () => {
  it('stops keeping the learner files, starts again, and resets to a fresh disk', async () => {
    await sh(t, id, 'echo keep-me > ~/notes.txt');
    expect((await t.client.request('sandbox:stop', { sessionId: id })).state).toBe('stopped');
    expect((await t.client.request('sandbox:start', { sessionId: id })).state).toBe('ready');
    expect((await sh(t, id, 'cat ~/notes.txt')).stdout.trim()).toBe('keep-me');
    const reset = await t.client.request('sandbox:reset', { sessionId: id });
    expect(reset.state).toBe('ready');
    expect((await sh(t, id, 'test -e ~/notes.txt && echo still-there || echo gone')).stdout.trim()).toBe('gone');
    expect((await sh(t, id, 'docker images -q | wc -l')).stdout.trim()).toBe('0');
  });

  it('refuses a session beyond capacity with a clear busy error', async () => {
    const small = await startTestAgent('capacity', { first: 28, count: 1 });
    try {
      await small.client.request('sandbox:create', { sessionId: sessionId('cap1') });
      await expect(small.client.request('sandbox:create', { sessionId: sessionId('cap2') })).rejects.toMatchObject({
        code: 'busy',
        message: expect.stringMatching(/busy, try again/),
      });
    } finally {
      await small.stop();
    }
  });

  it('ends a session at its lifetime with a warning first', async () => {
    const short = sessionId('short');
    const warnings: unknown[] = [];
    const ends: SandboxStateEvent[] = [];
    t.client.socket.on('sandbox:warning', (w) => w.sessionId === short && warnings.push(w));
    t.client.socket.on('sandbox:state', (s) => s.sessionId === short && s.state === 'stopped' && ends.push(s));
    await t.client.request('sandbox:create', { sessionId: short, limits: { lifetimeSeconds: 8, warnSecondsBefore: 4 } });
    const until = Date.now() + 30_000;
    while (ends.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    expect(warnings).toEqual([expect.objectContaining({ kind: 'lifetime' })]);
    expect(ends[0]?.reason).toMatchObject({ code: 'lifetime' });
    await expect(t.agent.driver.discover()).resolves.not.toContainEqual(expect.objectContaining({ sessionId: short }));
  });
});
