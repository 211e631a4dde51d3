import { execFileSync } from 'node:child_process';
import { readFileSync, statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_INPUT_CHARS, type ProtocolError, type SandboxStateEvent } from '@berth/protocol';
import { openTerminal, sessionId, sh, startTestAgent, stripAnsi, type TestAgent } from './harness';

// The bar: a learner who runs a fork bomb, fills memory, fills the disk or floods
// output affects only their own session, and the agent keeps serving the others.
// VICTIM misbehaves; NEIGHBOUR is someone else on the same agent. Every test prints
// what it measured, so the CI log carries the numbers behind the assertions.

const MiB = 1024 * 1024;
const LIMITS = { memoryMiB: 512, pids: 256, diskMiB: 512, tmpMiB: 64, cpus: 1 };
/**
 * The kernel lets a task that is already being OOM-killed finish its allocation
 * (a forced charge), so a cgroup's high-water mark may end a few pages above its
 * limit (one page was seen). A hog the limit did not hold would be hundreds of MiB over.
 */
const OOM_SLACK = 1 * MiB;
const VICTIM = sessionId('victim');
const NEIGHBOUR = sessionId('neighbour');

let t: TestAgent;
const states: SandboxStateEvent[] = [];

beforeAll(async () => {
  t = await startTestAgent('quotas', { first: 32, count: 4 });
  t.client.socket.on('sandbox:state', (e) => states.push(e));
  await Promise.all([VICTIM, NEIGHBOUR].map((id) => t.client.request('sandbox:create', { sessionId: id, limits: LIMITS })));
});

afterAll(async () => {
  await t?.stop();
});

// ---- helpers -------------------------------------------------------------

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The host engine's full id of a session's sandbox container (cgroups are named by it). */
function containerId(session: string): string {
  return execFileSync('docker', ['inspect', '-f', '{{.Id}}', `berth-${t.config.agentId}-${session}`]).toString().trim();
}

/** A file of the sandbox's cgroup (v1, cgroupfs driver), read from the host. */
function cgroup(controller: 'pids' | 'memory', cid: string, file: string): string {
  return readFileSync(`/sys/fs/cgroup/${controller}/docker/${cid}/${file}`, 'utf8').trim();
}

/** A named counter of a cgroup file such as pids.events ("max 12") or memory.oom_control. */
function counter(controller: 'pids' | 'memory', cid: string, file: string, name: string): number {
  const line = cgroup(controller, cid, file)
    .split('\n')
    .find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1] ?? NaN);
}

/** Samples a number every `everyMs` until stopped; keeps the highest. */
function peakOf(read: () => number, everyMs = 50) {
  let peak = read();
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, read());
    } catch {
      // the cgroup is gone (the sandbox died): the assertions after say so
    }
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

function summary(ms: number[]) {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { n: sorted.length, p50: Math.round(at(0.5)), p95: Math.round(at(0.95)), max: Math.round(at(1)) };
}

/**
 * What NEIGHBOUR's learner and the control plane see while `work` runs: the round
 * trip of `echo ok` through the agent, and the agent answering agent:capacity.
 */
async function neighbourDuring(work: Promise<unknown>) {
  const echo: number[] = [];
  const capacity: number[] = [];
  const failures: string[] = [];
  let done = false;
  void work.finally(() => (done = true)).catch(() => undefined);
  while (!done || echo.length < 3) {
    let start = performance.now();
    const r = await sh(t, NEIGHBOUR, 'echo ok', 10_000);
    echo.push(performance.now() - start);
    if (r.exitCode !== 0 || r.stdout.trim() !== 'ok') failures.push(`echo: ${r.exitCode} ${r.stdout} ${r.stderr}`);
    start = performance.now();
    const cap = await t.client.request('agent:capacity', {}, 10_000);
    capacity.push(performance.now() - start);
    if (cap.running !== 2) failures.push(`capacity: ${JSON.stringify(cap)}`);
    await sleep(250);
  }
  return { echo: summary(echo), capacity: summary(capacity), failures };
}

/** Asserts that nothing happened to NEIGHBOUR: still ready, never reported otherwise. */
async function expectNeighbourUntouched() {
  expect(t.agent.manager.get(NEIGHBOUR).state).toBe('ready');
  expect(states.filter((s) => s.sessionId === NEIGHBOUR).map((s) => s.state)).toEqual(['creating', 'ready']);
  const r = await sh(t, NEIGHBOUR, 'echo still-here > ~/probe && cat ~/probe && docker info --format "{{.ServerVersion}}"');
  expect(r.exitCode, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^still-here\n\d+\./);
}

/** Kills, from the host, VICTIM's processes whose command line carries `marker`; returns how many. */
function killStrays(cid: string, marker: string): number {
  let killed = 0;
  for (const pid of cgroup('pids', cid, 'cgroup.procs').split('\n').filter(Boolean)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
      process.kill(Number(pid), 'SIGKILL');
      killed++;
    } catch {
      // it ended meanwhile
    }
  }
  return killed;
}

/** The milliseconds each typed character takes to come back as the shell's echo, typed at ~15 keys/s. */
async function echoLatencies(term: Awaited<ReturnType<typeof openTerminal>>, session: string, viewerId: string, count: number) {
  const ms: number[] = [];
  for (let i = 0; i < count; i++) {
    const echoed = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        t.client.socket.off('term:data', onData);
        reject(new Error(`keystroke ${i} did not echo within 5 s`));
      }, 5000);
      const onData = (d: { sessionId: string; termId: string; viewerId: string; data: unknown }) => {
        if (d.sessionId !== session || d.termId !== term.termId || d.viewerId !== viewerId) return;
        if (!Buffer.from(d.data as Uint8Array).includes('k')) return;
        clearTimeout(timer);
        t.client.socket.off('term:data', onData);
        resolve();
      };
      t.client.socket.on('term:data', onData);
    });
    const start = performance.now();
    term.type('k');
    await echoed;
    ms.push(performance.now() - start);
    await sleep(60);
    // Readline redraws long lines: start a fresh one now and then (Ctrl-U clears it).
    if (i % 20 === 19) {
      term.type('\x15');
      await sleep(50);
    }
  }
  term.type('\x15');
  return summary(ms);
}

const terminalEnd = (session: string, termId: string) =>
  t.agent.manager.get(session).terminals.find((x) => x.termId === termId)?.endSeq ?? NaN;

/** Waits until a terminal's output stops growing; returns how long that took (ms). */
async function untilQuiet(session: string, termId: string, timeoutMs: number) {
  const start = performance.now();
  let last = terminalEnd(session, termId);
  let stableSince = performance.now();
  while (performance.now() - stableSince < 500) {
    if (performance.now() - start > timeoutMs) throw new Error(`terminal ${termId} was still producing output after ${timeoutMs} ms`);
    await sleep(50);
    const now = terminalEnd(session, termId);
    if (now !== last) {
      last = now;
      stableSince = performance.now();
    }
  }
  return stableSince - start;
}

// ---- the tests -------------------------------------------------------------

describe('a learner misbehaving in their own sandbox', () => {
  it('runs a fork bomb into the pids limit without touching the neighbour or the agent', async () => {
    const cid = containerId(VICTIM);
    const pidsMax = Number(cgroup('pids', cid, 'pids.max'));
    expect(pidsMax).toBe(LIMITS.pids);
    const idlePids = Number(cgroup('pids', cid, 'pids.current'));
    const refusedBefore = counter('pids', cid, 'pids.events', 'max');
    const baseline = await neighbourDuring(sleep(1000));

    // The classic bomb, bounded: the top bash stays alive without forking (read on a
    // FIFO opened read-write never gets data) so that `timeout` is still watching
    // when the time is up, and then kills its whole process group, bomb included.
    // (A bare `timeout 15 bash -c ':(){ :|:& };:'` returns at once and leaves the bomb running.)
    //
    // pids.current is sampled only while no other exec enters VICTIM: a process that `docker exec` moves
    // into the cgroup is not checked against pids.max (cgroup v1 counts but never refuses a migration).
    const pids = peakOf(() => Number(cgroup('pids', cid, 'pids.current')), 100);
    let strays: number;
    let peak: number;
    let during: Awaited<ReturnType<typeof neighbourDuring>>;
    let result: Awaited<ReturnType<typeof sh>>;
    try {
      const bomb = sh(
        t,
        VICTIM,
        "mkfifo /tmp/bomb-wait; timeout -s KILL 12 bash -c 'berth_bomb(){ berth_bomb | berth_bomb & }; berth_bomb; read -t 60 <>/tmp/bomb-wait' 2>/dev/null; echo bomb-exit=$?",
        60_000,
      );
      during = await neighbourDuring(bomb);
      result = await bomb;
      await sleep(500);
    } finally {
      // The bomb must have ended by itself (asserted below); this host-side kill only
      // keeps a failure here from spoiling the tests after it.
      strays = killStrays(cid, 'berth_bomb');
      peak = pids.stop();
    }
    const refused = counter('pids', cid, 'pids.events', 'max') - refusedBefore;
    const after = await sh(t, VICTIM, 'docker ps --format "{{.ID}}" | wc -l && docker run --rm busybox echo alive', 60_000);
    console.log(
      `fork bomb: ${result.stdout.trim()}, pids peak ${peak}/${pidsMax} (idle ${idlePids}), forks refused ${refused}, strays left ${strays}; ` +
        `victim afterwards: ${t.agent.manager.get(VICTIM).state}, docker ps exit ${after.exitCode}, docker run -> ${after.stdout.trim().split('\n').pop()}\n` +
        `  neighbour echo ok ms: idle ${JSON.stringify(baseline.echo)}, during ${JSON.stringify(during.echo)}; agent:capacity ms during ${JSON.stringify(during.capacity)}`,
    );

    expect(result.stdout).toMatch(/bomb-exit=137/);
    expect(refused, 'the bomb reached the limit (otherwise this test proves nothing)').toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(LIMITS.pids);
    expect(strays, 'bomb processes left after timeout').toBe(0);
    expect(during.failures).toEqual([]);
    expect(during.echo.p95).toBeLessThan(2000);
    // What happens to VICTIM: it survives and its Docker still answers.
    expect(t.agent.manager.get(VICTIM).state).toBe('ready');
    expect(after.exitCode, after.stderr).toBe(0);
    expect(after.stdout.trim()).toMatch(/alive$/);
    await expectNeighbourUntouched();
  });

  it('kills what outgrows the memory limit, inside the sandbox only', async () => {
    const cid = containerId(VICTIM);
    const limit = Number(cgroup('memory', cid, 'memory.limit_in_bytes'));
    expect(limit).toBe(LIMITS.memoryMiB * MiB);
    // No swap to escape into: memory+swap has the same limit.
    expect(Number(cgroup('memory', cid, 'memory.memsw.limit_in_bytes'))).toBe(limit);
    const usage = () => Number(cgroup('memory', cid, 'memory.usage_in_bytes'));
    const kills = () => counter('memory', cid, 'memory.oom_control', 'oom_kill');

    // tail keeps a "line" of /dev/zero in memory: it grows until something stops it.
    const killsBefore = kills();
    const peak = peakOf(usage);
    const hog = sh(t, VICTIM, 'head -c 2000m /dev/zero | tail; echo "tail-exit=${PIPESTATUS[1]}"', 60_000);
    const neighbour = await neighbourDuring(hog);
    const result = await hog;
    const peakBytes = peak.stop();
    const info = await sh(t, VICTIM, 'docker info --format "{{.ServerVersion}}"');
    console.log(
      `memory hog: ${result.stdout.trim()} (${result.stderr.trim().split('\n').pop()}), peak ${(peakBytes / MiB).toFixed(0)} MiB sampled, ` +
        `max_usage ${cgroup('memory', cid, 'memory.max_usage_in_bytes')} B for a limit of ${limit} B, ` +
        `OOM kills in the sandbox cgroup +${kills() - killsBefore}; victim ${t.agent.manager.get(VICTIM).state}, docker info exit ${info.exitCode}; ` +
        `neighbour echo ok ms ${JSON.stringify(neighbour.echo)}`,
    );
    expect(result.stdout).toMatch(/tail-exit=137/);
    expect(kills() - killsBefore).toBeGreaterThanOrEqual(1);
    expect(Number(cgroup('memory', cid, 'memory.max_usage_in_bytes'))).toBeLessThanOrEqual(limit + OOM_SLACK);
    // The kernel chose the hog, not the inner daemon: the session stays usable.
    expect(t.agent.manager.get(VICTIM).state).toBe('ready');
    expect(info.exitCode, info.stderr).toBe(0);
    expect(neighbour.failures).toEqual([]);
    await expectNeighbourUntouched();
  });

  it('holds the sandbox-wide memory limit when an inner container ignores its own -m', async () => {
    const cid = containerId(VICTIM);
    const limit = LIMITS.memoryMiB * MiB;
    const kills = () => counter('memory', cid, 'memory.oom_control', 'oom_kill');
    // Rootless Docker on cgroup v1 has no cgroups of its own: it says so, and -m is not applied.
    const memoryLimitSupport = (await sh(t, VICTIM, 'docker info --format "{{.MemoryLimit}}"')).stdout.trim();
    await sh(t, VICTIM, 'docker pull -q busybox', 60_000);

    const killsBefore = kills();
    const peak = peakOf(() => Number(cgroup('memory', cid, 'memory.usage_in_bytes')));
    const run = await sh(t, VICTIM, "docker run --rm -m 64m busybox sh -c 'head -c 1000m /dev/zero | tail'; echo run-exit=$?", 60_000);
    const peakBytes = peak.stop();
    const after = await sh(t, VICTIM, 'docker run --rm busybox echo inner-ok', 60_000);
    console.log(
      `inner docker run -m 64m: ${run.stdout.trim()}; inner daemon MemoryLimit support: ${memoryLimitSupport}; ` +
        `sandbox peak ${(peakBytes / MiB).toFixed(0)} MiB of ${LIMITS.memoryMiB} (-m ${peakBytes > 128 * MiB ? 'NOT enforced' : 'enforced'}), ` +
        `max_usage ${cgroup('memory', cid, 'memory.max_usage_in_bytes')} B, ` +
        `OOM kills by the sandbox cgroup +${kills() - killsBefore}; victim ${t.agent.manager.get(VICTIM).state}`,
    );
    expect(run.stdout).toMatch(/run-exit=137/);
    expect(peakBytes).toBeLessThanOrEqual(limit + OOM_SLACK);
    expect(Number(cgroup('memory', cid, 'memory.max_usage_in_bytes'))).toBeLessThanOrEqual(limit + OOM_SLACK);
    if (memoryLimitSupport === 'false') {
      // The inner limit was not there, so it was the sandbox's own cgroup that killed the hog.
      expect(kills() - killsBefore).toBeGreaterThanOrEqual(1);
    }
    expect(t.agent.manager.get(VICTIM).state).toBe('ready');
    expect(after.stdout.trim()).toBe('inner-ok');
    await expectNeighbourUntouched();
  });

  it('fills only its own disk and its own /tmp, and recovers after rm', async () => {
    const disk = join(t.config.stateDir, t.config.agentId, 'sessions', VICTIM, 'disk.ext4');
    const hostFree = () => {
      const s = statfsSync(t.config.stateDir);
      return (s.bavail * s.bsize) / MiB;
    };
    const hostFreeBefore = hostFree();

    const size = await sh(t, VICTIM, 'df -m --output=size ~ | tail -1');
    const fill = await sh(t, VICTIM, 'dd if=/dev/zero of=~/fill bs=1M 2>&1; echo dd-exit=$?', 120_000);
    const written = Number(/(\d+) bytes/.exec(fill.stdout)?.[1] ?? NaN) / MiB;
    const allocated = (statSync(disk).blocks * 512) / MiB;
    const neighbourWrite = await sh(t, NEIGHBOUR, 'dd if=/dev/zero of=~/ten bs=1M count=10 2>/dev/null && du -m ~/ten | cut -f1 && rm ~/ten');
    await sh(t, VICTIM, 'rm ~/fill');
    const recovered = await sh(t, VICTIM, 'echo back > ~/back.txt && cat ~/back.txt && docker run --rm busybox echo inner-ok', 60_000);

    const tmp = await sh(t, VICTIM, 'dd if=/dev/zero of=/tmp/fill bs=1M count=200 2>&1; echo dd-exit=$?; df -m --output=size /tmp | tail -1; rm -f /tmp/fill');
    const tmpWritten = Number(/(\d+) bytes/.exec(tmp.stdout)?.[1] ?? NaN) / MiB;
    console.log(
      `disk: home is ${size.stdout.trim()} MiB for diskMiB ${LIMITS.diskMiB}; dd wrote ${written.toFixed(0)} MiB before "No space left"; ` +
        `the session's disk file holds ${allocated.toFixed(0)} MiB on the host (host free ${hostFreeBefore.toFixed(0)} -> ${hostFree().toFixed(0)} MiB); ` +
        `neighbour wrote ${neighbourWrite.stdout.trim()} MiB; ` +
        `after rm: ${recovered.stdout.trim().replace(/\n/g, ', ')}; /tmp: wrote ${tmpWritten.toFixed(0)} MiB of 200 for tmpMiB ${LIMITS.tmpMiB}`,
    );

    expect(fill.stdout).toMatch(/No space left on device/);
    expect(Number(size.stdout.trim())).toBeGreaterThan(LIMITS.diskMiB * 0.85);
    expect(Number(size.stdout.trim())).toBeLessThanOrEqual(LIMITS.diskMiB);
    expect(written).toBeGreaterThan(LIMITS.diskMiB * 0.8);
    expect(written).toBeLessThanOrEqual(LIMITS.diskMiB);
    // "Well before the host disk fills": the session can never take more than its own file.
    expect(allocated).toBeLessThanOrEqual(LIMITS.diskMiB);
    expect(neighbourWrite.exitCode, neighbourWrite.stderr).toBe(0);
    expect(neighbourWrite.stdout.trim()).toBe('10');
    expect(recovered.exitCode, recovered.stderr).toBe(0);
    expect(recovered.stdout.trim()).toBe("back\ninner-ok");

    expect(tmp.stdout).toMatch(/No space left on device/);
    expect(tmpWritten).toBeLessThanOrEqual(LIMITS.tmpMiB);
    expect(tmpWritten).toBeGreaterThan(LIMITS.tmpMiB * 0.9);
    expect(t.agent.manager.get(VICTIM).state).toBe('ready');
    await expectNeighbourUntouched();
  });
});

describe('a learner flooding a terminal', () => {
  let flood: Awaited<ReturnType<typeof openTerminal>>;

  it('is paused by a viewer that stops acknowledging, and stops on Ctrl-C', async () => {
    const { highWater, maxChunk } = t.config.terminal;
    flood = await openTerminal(t, VICTIM, 'flood');
    await flood.waitFor(/learner@sandbox:~\$ $/);
    // The viewer stops acknowledging (a slow browser tab): the agent must stop reading.
    flood.setAutoAck(false);
    const received = () => flood.chunks.reduce((n, c) => n + c.data.length, 0);
    const rssBefore = process.memoryUsage().rss;
    // `timeout` bounds the flood even if Ctrl-C were lost.
    flood.type('timeout 60 yes\r');
    await sleep(2000);
    const stats = t.agent.manager.terminalStats(VICTIM, flood.termId);
    const receivedAt2s = received();
    await sleep(1000);
    const rssGrowth = (process.memoryUsage().rss - rssBefore) / MiB;
    console.log(
      `back-pressure: after 2 s paused=${stats.paused}, unacknowledged ${stats.unacknowledged} B (highWater ${highWater}, maxChunk ${maxChunk}), ` +
        `viewer got ${receivedAt2s} B, +${received() - receivedAt2s} B in the next second; agent RSS +${rssGrowth.toFixed(1)} MiB`,
    );
    expect(stats.paused).toBe(true);
    expect(stats.unacknowledged).toBeGreaterThanOrEqual(highWater);
    expect(stats.unacknowledged).toBeLessThanOrEqual(highWater + maxChunk);
    expect(received() - receivedAt2s).toBe(0);
    expect(rssGrowth).toBeLessThan(30);

    // Ctrl-C, then the viewer catches up: what was in flight drains and the prompt comes back.
    const start = performance.now();
    flood.type('\x03');
    const last = flood.chunks.at(-1);
    flood.setAutoAck(true);
    if (last) t.client.send('term:ack', { sessionId: VICTIM, termId: flood.termId, viewerId: 'flood', seq: last.seq + last.data.length });
    await flood.waitFor(/\^C\s*learner@sandbox:~\$ $/, 5000);
    const stopMs = performance.now() - start;
    // And nothing comes after the prompt: the flood is over, not just paused.
    await untilQuiet(VICTIM, flood.termId, 5000);
    console.log(`back-pressure: prompt back ${stopMs.toFixed(0)} ms after Ctrl-C, silent after it`);
    expect(stopMs).toBeLessThan(3000);
    expect(t.agent.manager.terminalStats(VICTIM, flood.termId).paused).toBe(false);
  });

  it('free-running into the replay log with nobody watching, barely slows the neighbour terminal', async () => {
    const neighbour = await openTerminal(t, NEIGHBOUR, 'typist');
    await neighbour.waitFor(/learner@sandbox:~\$ $/);
    const quiet = await echoLatencies(neighbour, NEIGHBOUR, 'typist', 50);

    // The flooding learner closes the tab: no interactive viewer, so nothing gates `yes`.
    await t.client.request('term:detach', { sessionId: VICTIM, termId: flood.termId, viewerId: 'flood' });
    const seqBefore = terminalEnd(VICTIM, flood.termId);
    const rssBefore = process.memoryUsage().rss;
    // The agent runs in this process: its CPU time is this process's.
    const cpuBefore = process.cpuUsage();
    const start = performance.now();
    t.client.send('term:input', { sessionId: VICTIM, termId: flood.termId, data: 'timeout 60 yes\r' });
    await sleep(500);
    const loud = await echoLatencies(neighbour, NEIGHBOUR, 'typist', 50);
    const seconds = (performance.now() - start) / 1000;
    const rate = (terminalEnd(VICTIM, flood.termId) - seqBefore) / MiB / seconds;
    const cpu = process.cpuUsage(cpuBefore);
    const agentCpu = (cpu.user + cpu.system) / 1e6 / seconds;
    const rssGrowth = (process.memoryUsage().rss - rssBefore) / MiB;
    expect(t.agent.manager.terminalStats(VICTIM, flood.termId).paused).toBe(false);

    t.client.send('term:input', { sessionId: VICTIM, termId: flood.termId, data: '\x03' });
    const quietMs = await untilQuiet(VICTIM, flood.termId, 10_000);
    // A viewer coming back finds the prompt at the end of the replay log.
    const back = await openTail(VICTIM, flood.termId, 'back');
    console.log(
      `flood with no viewer: ${rate.toFixed(1)} MiB/s into the replay log, agent CPU ${(agentCpu * 100).toFixed(0)}% of a core, RSS +${rssGrowth.toFixed(1)} MiB; ` +
        `neighbour keystroke echo ms: quiet ${JSON.stringify(quiet)}, during the flood ${JSON.stringify(loud)}; ` +
        `flood quiet ${quietMs.toFixed(0)} ms after Ctrl-C`,
    );
    expect(rate).toBeGreaterThan(1);
    expect(loud.p95).toBeLessThan(250);
    expect(back).toMatch(/learner@sandbox:~\$ $/);
    await expectNeighbourUntouched();
  });
});

/** The last bytes of a terminal's replay log, as a viewer attaching near the end sees them. */
async function openTail(session: string, termId: string, viewerId: string): Promise<string> {
  const got: Buffer[] = [];
  const onData = (d: { termId: string; viewerId: string; seq: number; data: unknown }) => {
    if (d.termId !== termId || d.viewerId !== viewerId) return;
    const data = Buffer.from(d.data as Uint8Array);
    got.push(data);
    t.client.send('term:ack', { sessionId: session, termId, viewerId, seq: d.seq + data.length });
  };
  t.client.socket.on('term:data', onData);
  await t.client.request('term:attach', { sessionId: session, termId, viewerId, fromSeq: Math.max(0, terminalEnd(session, termId) - 256) });
  await sleep(300);
  t.client.socket.off('term:data', onData);
  await t.client.request('term:detach', { sessionId: session, termId, viewerId });
  return stripAnsi(Buffer.concat(got).toString('utf8'));
}

describe('bad requests', () => {
  it('refuses terminal input above the protocol maximum with a typed error, and nothing reaches the shell', async () => {
    const term = await openTerminal(t, VICTIM, 'big');
    await term.waitFor(/learner@sandbox:~\$ $/);
    const refused = new Promise<ProtocolError & { event: string }>((resolve) => t.client.socket.once('protocol:error', resolve));
    const endBefore = terminalEnd(VICTIM, term.termId);
    t.client.send('term:input', { sessionId: VICTIM, termId: term.termId, data: `echo ${'Z'.repeat(MAX_INPUT_CHARS)}\r` });
    const error = await refused;
    await sleep(300);
    console.log(`oversized input (${MAX_INPUT_CHARS + 6} chars): ${error.code} ${error.message}`);
    expect(error).toMatchObject({ code: 'bad_request', event: 'term:input' });
    expect(terminalEnd(VICTIM, term.termId)).toBe(endBefore);
    // The connection and the terminal still work, and the refused text never arrived.
    term.type('echo fine-$((6*7))\r');
    await term.waitFor(/fine-42\s+learner@sandbox:~\$ $/, 10_000);
    expect(term.text()).not.toMatch(/ZZZZ/);
  });

  it('caps limits above the operator maximum and refuses a negative memory', async () => {
    const max = t.config.maxLimits;
    const capped = sessionId('capped');
    const before = t.agent.manager.capacity().running;
    const info = await t.client.request('sandbox:create', {
      sessionId: capped,
      limits: { memoryMiB: 256, pids: max.pids * 2, cpus: max.cpus * 4, maxTerminals: max.maxTerminals * 4, lifetimeSeconds: max.lifetimeSeconds * 3 },
    });
    try {
      const host = JSON.parse(
        execFileSync('docker', ['inspect', '-f', '{{json .HostConfig}}', `berth-${t.config.agentId}-${capped}`]).toString(),
      ) as { PidsLimit: number; NanoCpus: number };
      console.log(`capped: asked pids ${max.pids * 2}, cpus ${max.cpus * 4} -> got ${JSON.stringify(info.limits)}; engine PidsLimit ${host.PidsLimit}, NanoCpus ${host.NanoCpus}`);
      expect(info.limits).toMatchObject({
        memoryMiB: 256,
        pids: max.pids,
        cpus: max.cpus,
        maxTerminals: max.maxTerminals,
        lifetimeSeconds: max.lifetimeSeconds,
      });
      expect(host.PidsLimit).toBe(max.pids);
      expect(host.NanoCpus).toBe(max.cpus * 1e9);
    } finally {
      await t.client.request('sandbox:destroy', { sessionId: capped });
    }

    const negative = sessionId('negative');
    await expect(t.client.request('sandbox:create', { sessionId: negative, limits: { memoryMiB: -512 } })).rejects.toMatchObject({
      code: 'bad_request',
    });
    expect(t.agent.manager.list().map((s) => s.sessionId)).not.toContain(negative);
    expect(t.agent.manager.capacity().running).toBe(before);
    await expectNeighbourUntouched();
  });
});
