import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import type { SandboxStateEvent } from '@berth/protocol';
import { openTerminal, REPO, sessionId, sh, startTestAgent, type TestAgent } from './harness';

// The host engine restarts under running sessions (an upgrade, a crash). With
// live-restore the sandboxes keep running; terminals end (their exec streams were
// the engine's) and say so; the agent notices the engine is back and carries on.
let t: TestAgent;
const id = sessionId('engine');
const states: SandboxStateEvent[] = [];

beforeAll(async () => {
  t = await startTestAgent('engine', { first: 29, count: 2 });
  t.client.socket.on('sandbox:state', (e) => states.push(e));
  await t.client.request('sandbox:create', { sessionId: id });
});

afterAll(async () => {
  await t?.stop();
});

function restartEngine(): void {
  execFileSync('bash', ['-c', `. ${REPO}infra/lib/common.sh && . ${REPO}infra/lib/engine.sh && stop_dockerd && start_dockerd`], {
    stdio: 'inherit',
  });
}

describe('a host engine restart', () => {
  it('keeps the sandbox and its files; the open terminal ends with a clear exit', async () => {
    await sh(t, id, 'echo survived > ~/mark && docker run -d --name inner busybox sleep 600');
    const term = await openTerminal(t, id);
    await term.waitFor(/\$ $/);
    const exited = new Promise<number>((resolve) => t.client.socket.on('term:exit', (e) => e.termId === term.termId && resolve(e.exitCode)));
    const started = Date.now();
    restartEngine();
    console.log(`engine restarted in ${Date.now() - started} ms`);
    await expect(exited).resolves.toBeTypeOf('number');
    // The agent sees the engine again and re-reads it; the session stays ready.
    await expect.poll(() => t.agent.manager.get(id).state, { timeout: 30_000 }).toBe('ready');
    expect(states.filter((s) => s.sessionId === id && s.state === 'failed')).toEqual([]);
    const after = await sh(t, id, 'cat ~/mark && docker ps --format "{{.Names}}" && docker run --rm hello-world | head -2');
    expect(after.stdout).toMatch(/survived[\s\S]*inner[\s\S]*Hello from Berth/);
    const again = await openTerminal(t, id, 'again');
    await again.waitFor(/\$ $/);
  });

  it('still creates new sandboxes and follows their exits afterwards', async () => {
    const other = sessionId('after');
    await t.client.request('sandbox:create', { sessionId: other });
    const failed = new Promise<SandboxStateEvent>((resolve) =>
      t.client.socket.on('sandbox:state', (e) => e.sessionId === other && e.state === 'failed' && resolve(e)),
    );
    // The sandbox's main process dies (here: the engine kills it): the agent reports it.
    execFileSync('docker', ['kill', `berth-${t.config.agentId}-${other}`]);
    await expect(failed).resolves.toMatchObject({ reason: { code: 'exited' } });
  });
});
