import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { sessionId, sh, startTestAgent, type TestAgent } from './harness';

// A session must not reach other machines on the operator's private networks (a
// database server, a cloud metadata service) through the host. The test builds
// such a machine itself: a network namespace behind a veth pair on a private
// address, with a web server in it. It probes nothing else.
const NS = 'berth-egress-test';
const HOST_SIDE = '192.168.213.1';
const PEER = '192.168.213.2';
const PORT = 8099;
let t: TestAgent;
let server: ChildProcess;
const id = sessionId('egress');

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });

beforeAll(async () => {
  try {
    ip('netns', 'del', NS);
  } catch {
    // not there
  }
  ip('netns', 'add', NS);
  ip('link', 'add', 'brt-egress0', 'type', 'veth', 'peer', 'name', 'brt-egress1');
  ip('link', 'set', 'brt-egress1', 'netns', NS);
  ip('addr', 'add', `${HOST_SIDE}/30`, 'dev', 'brt-egress0');
  ip('link', 'set', 'brt-egress0', 'up');
  ip('netns', 'exec', NS, 'ip', 'addr', 'add', `${PEER}/30`, 'dev', 'brt-egress1');
  ip('netns', 'exec', NS, 'ip', 'link', 'set', 'brt-egress1', 'up');
  ip('netns', 'exec', NS, 'ip', 'link', 'set', 'lo', 'up');
  ip('netns', 'exec', NS, 'ip', 'route', 'add', 'default', 'via', HOST_SIDE);
  server = spawn('ip', ['netns', 'exec', NS, 'busybox', 'httpd', '-f', '-p', String(PORT), '-h', '/etc'], { stdio: 'ignore' });
  t = await startTestAgent('egress', { first: 31, count: 1 });
  await t.client.request('sandbox:create', { sessionId: id });
});

afterAll(async () => {
  await t?.stop();
  server?.kill();
  try {
    ip('netns', 'del', NS);
  } catch {
    // already gone
  }
});

describe('traffic a session sends through the host', () => {
  it('reaches the test machine from the host (control), but not from the sandbox or its containers', async () => {
    const fromHost = execFileSync('curl', ['-fsS', '--max-time', '5', `http://${PEER}:${PORT}/hostname`], { encoding: 'utf8' });
    expect(fromHost.length).toBeGreaterThan(0);
    const fromSandbox = await sh(t, id, `curl -fsS --max-time 3 http://${PEER}:${PORT}/hostname && echo REACHED || echo blocked`);
    expect(fromSandbox.stdout).toMatch(/blocked/);
    const fromInner = await sh(
      t,
      id,
      `docker run --rm busybox sh -c 'wget -q -O- http://${PEER}:${PORT}/hostname >/dev/null 2>&1 & sleep 3; kill $! 2>/dev/null && echo blocked || echo REACHED'`,
    );
    expect(fromInner.stdout).toMatch(/blocked/);
  });
});
