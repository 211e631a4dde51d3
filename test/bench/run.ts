/**
 * npm run bench: Berth against its targets (issue #7) and its peers, in one run on
 * this machine. Starts the real stack (web + gateway + embedded PostgreSQL + an
 * agent with a warm pool) on the benchmark's own ports and slots, drives real
 * sockets and headless Chromium, and measures the same things for wetty (serving
 * `docker exec -it` into the same kind of sandbox) and for a plain Docker API exec
 * from Node. Prints one table and writes the figures as JSON.
 *
 *   npm run bench                 the full run (about 10 minutes)
 *   npm run bench -- --quick      fewer samples (about 4 minutes)
 *   npm run bench -- --out FILE   where the JSON goes (default test-results/bench/)
 *
 * Not part of the test suite's pass/fail. Needs root, a prepared host
 * (infra/setup.sh), Debian's chromium, and the npm registry the first time (wetty).
 * Uses web ports 3200-3299, agent ports 7200-7299, agent slots 40-47 and 52-55, and
 * /var/lib/berth/speed/bench; override with BERTH_BENCH_* (see the README), the
 * sandbox image with BERTH_BENCH_IMAGE (default berth/session:latest).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import type { Browser } from 'playwright-core';
import { berthTerminalOpener, inBatches, rampLoad, stopLoad, type LoadLevel } from './load';
import {
  bulkFile,
  bulkOutput,
  ctrlC,
  echoLatencies,
  percentile,
  run,
  sleep,
  startFlood,
  stopFlood,
  summary,
  type BulkResult,
} from './measure';
import { berthRenderer, berthStart, launchBrowser, openPage, pageBulk, pageCtrlC, pageEcho, pageRun, wettyStart, type StartTiming } from './page';
import { BenchStack, REPO } from './stack';
import { BerthVisitor, dockerExecCommand, execTerminal, wettyTerminal, type BenchTerminal, type BerthSocket } from './terminals';
import { ensureWetty, startWetty, WETTY_VERSION, type WettyServer } from './wetty';

const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const OUT = args.includes('--out') ? args[args.indexOf('--out') + 1] : undefined;
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

const DIR = process.env.BERTH_BENCH_DIR ?? '/var/lib/berth/speed/bench';
const PEERS_DIR = process.env.BERTH_BENCH_PEERS_DIR ?? '/var/lib/berth/speed/peers';
const WEB_PORT = env('BERTH_BENCH_WEB_PORT', 3200);
const AGENT_PORT = env('BERTH_BENCH_AGENT_PORT', 7200);
const WETTY_PORT = WEB_PORT + 10;
const SLOTS = { first: env('BERTH_BENCH_SLOT', 40), count: env('BERTH_BENCH_SLOTS', 8) };
const PEER_SLOTS = { first: env('BERTH_BENCH_PEER_SLOT', 52), count: env('BERTH_BENCH_PEER_SLOTS', 4) };
const POOL = env('BERTH_BENCH_POOL', 2);
const IMAGE = process.env.BERTH_BENCH_IMAGE ?? 'berth/session:latest';
const LESSON = 'first-steps';
const MAX_TERMINALS = 40;

const RUNS = {
  warm: QUICK ? 5 : 12,
  cold: QUICK ? 3 : 6,
  echo: QUICK ? 150 : 400,
  pageEcho: QUICK ? 60 : 150,
  ctrlC: QUICK ? 3 : 5,
  bulkMB: 40,
  loadLevels: QUICK ? [50, 200] : [50, 100, 200, 280],
  probeSeconds: QUICK ? 6 : 10,
};

const started = new Date();
const log = (line: string) => console.log(`[bench ${((Date.now() - started.getTime()) / 1000).toFixed(0).padStart(4)}s] ${line}`);
const docker = new Docker({ socketPath: '/var/run/docker.sock' });

type Who = 'berth' | 'wetty' | 'exec';
interface Row {
  key: string;
  metric: string;
  target: string;
  unit: string;
  values: Partial<Record<Who, string>>;
  raw: Partial<Record<Who, unknown>>;
  pass?: boolean;
}
const rows: Row[] = [];
function row(key: string, metric: string, target: string, unit: string): Row {
  const r: Row = { key, metric, target, unit, values: {}, raw: {} };
  rows.push(r);
  return r;
}
const ms = (v: number) => (Number.isFinite(v) ? (v < 10 ? v.toFixed(2) : v.toFixed(0)) : '-');
const pair = (a: number, b: number) => `${ms(a)} / ${ms(b)}`;

async function main(): Promise<void> {
  preflight();
  const wettyMain = ensureWetty(PEERS_DIR, log);
  mkdirSync(DIR, { recursive: true });
  const stack = new BenchStack({
    dir: DIR,
    ports: { web: WEB_PORT, postgres: WEB_PORT + 99, agent: AGENT_PORT, peersAgent: AGENT_PORT + 1 },
    slots: SLOTS,
    peerSlots: PEER_SLOTS,
    maxTerminals: MAX_TERMINALS,
    image: IMAGE,
    log,
  });
  const loadStart = os.loadavg();
  let browser: Browser | null = null;
  const wettys: WettyServer[] = [];
  const meta: Record<string, unknown> = {};
  try {
    log(`starting the stack on ${stack.url} (agent slots ${SLOTS.first}-${SLOTS.first + SLOTS.count - 1}, peers ${PEER_SLOTS.first}-${PEER_SLOTS.first + PEER_SLOTS.count - 1}), no warm pool`);
    await stack.start(0);
    browser = await launchBrowser();
    meta.chromium = browser.version();
    const agent = await stack.agentClient();
    const peers = await stack.peersClient();
    const destroyAll = async () => {
      for (const s of await agent.request('sandbox:list', {})) await agent.request('sandbox:destroy', { sessionId: s.sessionId }).catch(() => undefined);
    };
    const learnerUid = (hostUid: number | undefined) => (hostUid ?? 0) - 3_000_000;

    // ---------------------------------------------------------------- cold starts
    const cold = row('start_cold', 'Start -> first prompt byte, empty pool (p50 / p95)', 'p50 <= 1000', 'ms');
    {
      const berth: StartTiming[] = [];
      // One run first that is not counted: the web process's first page and the browser's first start.
      for (let i = -1; i < RUNS.cold; i++) {
        const p = await openPage(browser, 'berth');
        const timing = await berthStart(p, stack.url, LESSON);
        if (i < 0) {
          await p.close();
          await destroyAll();
          continue;
        }
        berth.push(timing);
        await p.close();
        await destroyAll();
        log(`  cold start ${i + 1}/${RUNS.cold}: prompt byte after ${ms(berth.at(-1)!.promptByteMs)} ms`);
      }
      const exec: number[] = [];
      const wetty: number[] = [];
      for (let i = 0; i < RUNS.cold; i++) {
        // Plain Docker: boot the same sandbox (same recipe and flags), then exec the login shell.
        const id = `cold-exec-${i}-${Date.now()}`;
        const t0 = performance.now();
        const info = await peers.request('sandbox:create', { sessionId: id });
        const term = await execTerminal(docker, `berth-${stack.peersAgentId}-${info.sandboxId}`, learnerUid(info.hostUid));
        exec.push((await term.ready) - t0);
        await term.close();
        await peers.request('sandbox:destroy', { sessionId: id });
        // wetty: boot the sandbox, then open the wetty page (wetty runs docker exec -it at connect).
        const wid = `cold-wetty-${i}-${Date.now()}`;
        const w = await startWetty(wettyMain, WETTY_PORT + 5, dockerExecCommand(`berth-${stack.peersAgentId}-${wid}`, 100_000 + PEER_SLOTS.first), path.join(DIR, 'wetty-cold.log'));
        wettys.push(w);
        const p = await openPage(browser, 'wetty');
        const w0 = performance.now();
        const winfo = await peers.request('sandbox:create', { sessionId: wid });
        if (winfo.sandboxId !== wid || learnerUid(winfo.hostUid) !== 100_000 + PEER_SLOTS.first) throw new Error('the wetty sandbox is not where wetty looks');
        const boot = performance.now() - w0;
        wetty.push(boot + (await wettyStart(p, w.url)).promptByteMs);
        await p.close();
        await w.stop();
        wettys.splice(wettys.indexOf(w), 1);
        await peers.request('sandbox:destroy', { sessionId: wid });
      }
      const bp = berth.map((s) => s.promptByteMs);
      cold.values = { berth: pair(percentile(bp, 50), percentile(bp, 95)), wetty: pair(percentile(wetty, 50), percentile(wetty, 95)), exec: pair(percentile(exec, 50), percentile(exec, 95)) };
      cold.raw = { berth: { promptByte: summary(bp), promptShown: summary(berth.map((s) => s.promptShownMs)), firstByte: summary(berth.map((s) => s.firstByteMs)) }, wetty: summary(wetty), exec: summary(exec) };
      cold.pass = percentile(bp, 50) <= 1000;
    }

    // ---------------------------------------------------------------- warm starts
    log(`restarting the agent with a warm pool of ${POOL}`);
    await stack.startAgent(POOL);
    await stack.poolFull();
    const agent2 = await stack.agentClient();
    agent.close();
    const destroyAll2 = async () => {
      for (const s of await agent2.request('sandbox:list', {})) await agent2.request('sandbox:destroy', { sessionId: s.sessionId }).catch(() => undefined);
    };
    const warm = row('start_warm', 'Start -> first prompt byte, warm pool (p50 / p95)', 'p50 <= 250, p95 <= 500', 'ms');
    const shown = row('start_warm_shown', 'Start -> prompt on screen, warm pool (p50 / p95)', '-', 'ms');
    // Two long-lived peer sandboxes: A (wetty's and exec's terminals) and B (their floods).
    const pa = await peers.request('sandbox:create', { sessionId: `peer-a-${Date.now()}` });
    const pb = await peers.request('sandbox:create', { sessionId: `peer-b-${Date.now()}` });
    const peerA = { container: `berth-${stack.peersAgentId}-${pa.sandboxId}`, uid: learnerUid(pa.hostUid) };
    const peerB = { container: `berth-${stack.peersAgentId}-${pb.sandboxId}`, uid: learnerUid(pb.hostUid) };
    const wettyA = await startWetty(wettyMain, WETTY_PORT, dockerExecCommand(peerA.container, peerA.uid), path.join(DIR, 'wetty-a.log'));
    const wettyB = await startWetty(wettyMain, WETTY_PORT + 1, dockerExecCommand(peerB.container, peerB.uid), path.join(DIR, 'wetty-b.log'));
    wettys.push(wettyA, wettyB);
    let renderer = 'unknown';
    {
      const berth: StartTiming[] = [];
      for (let i = -1; i < RUNS.warm; i++) {
        await stack.poolFull();
        await sleep(1500); // the pool's low-priority boot is over; the machine is quiet again
        const p = await openPage(browser, 'berth');
        const timing = await berthStart(p, stack.url, LESSON);
        if (i < 0) {
          await p.close();
          await destroyAll2();
          continue;
        }
        berth.push(timing);
        if (i === 0) renderer = await berthRenderer(p);
        await p.close();
        await destroyAll2();
        log(`  warm start ${i + 1}/${RUNS.warm}: prompt byte after ${ms(berth.at(-1)!.promptByteMs)} ms`);
      }
      const wetty: StartTiming[] = [];
      for (let i = -1; i < RUNS.warm; i++) {
        const p = await openPage(browser, 'wetty');
        const timing = await wettyStart(p, wettyA.url);
        if (i >= 0) wetty.push(timing);
        await p.close();
      }
      const exec: number[] = [];
      for (let i = 0; i < RUNS.warm; i++) {
        const t0 = performance.now();
        const term = await execTerminal(docker, peerA.container, peerA.uid);
        exec.push((await term.ready) - t0);
        await term.close();
      }
      const bp = berth.map((s) => s.promptByteMs);
      const wp = wetty.map((s) => s.promptByteMs);
      warm.values = { berth: pair(percentile(bp, 50), percentile(bp, 95)), wetty: pair(percentile(wp, 50), percentile(wp, 95)), exec: pair(percentile(exec, 50), percentile(exec, 95)) };
      warm.raw = { berth: { promptByte: summary(bp), firstByte: summary(berth.map((s) => s.firstByteMs)) }, wetty: summary(wp), exec: summary(exec) };
      warm.pass = percentile(bp, 50) <= 250 && percentile(bp, 95) <= 500;
      const bs = berth.map((s) => s.promptShownMs);
      const ws = wetty.map((s) => s.promptShownMs);
      shown.values = { berth: pair(percentile(bs, 50), percentile(bs, 95)), wetty: pair(percentile(ws, 50), percentile(ws, 95)) };
      shown.raw = { berth: summary(bs), wetty: summary(ws) };
    }
    meta.renderer = renderer;

    // ---------------------------------------------------------------- socket terminals
    const visitor = new BerthVisitor(stack.url);
    const openBerth = async (): Promise<{ socket: BerthSocket; term: BenchTerminal }> => {
      const grant = await visitor.start(LESSON);
      const socket = await visitor.connect(grant);
      await socket.ready();
      const term = await socket.openTerminal();
      await term.ready;
      return { socket, term };
    };
    const b1 = await openBerth();
    const b2 = await openBerth();
    const w1 = await wettyTerminal(wettyA.url);
    await w1.ready;
    const e1 = await execTerminal(docker, peerA.container, peerA.uid);
    await e1.ready;
    const terms: Record<Who, BenchTerminal> = { berth: b1.term, wetty: w1, exec: e1 };

    // Idle memory: the sandbox with its inner Docker and one shell, a few seconds after it started.
    const memory = row('idle_memory', 'Idle session memory (sandbox incl. its Docker)', '<= 80', 'MiB');
    await sleep(5000);
    {
      const b1Info = await agent2.request('sandbox:get', { sessionId: b1.socket.sessionId });
      const mem = async (container: string) => containerMemoryMiB(container);
      const berthMiB = await mem(`berth-${stack.agentId}-${b1Info.sandboxId}`);
      const peerMiB = await mem(peerA.container);
      memory.values = { berth: berthMiB.toFixed(1), wetty: peerMiB.toFixed(1), exec: peerMiB.toFixed(1) };
      memory.raw = { berth: berthMiB, wetty: peerMiB, exec: peerMiB };
      memory.pass = berthMiB <= 80;
    }

    const echo = row('echo_socket', 'Keystroke echo, socket client (p50 / p99)', 'p50 <= 2, p99 <= 5', 'ms');
    for (const who of ['berth', 'wetty', 'exec'] as Who[]) {
      const times = await echoLatencies(terms[who], RUNS.echo);
      echo.values[who] = pair(percentile(times, 50), percentile(times, 99));
      echo.raw[who] = summary(times);
      log(`  echo ${who}: ${echo.values[who]} ms`);
    }
    echo.pass = (echo.raw.berth as { p50: number }).p50 <= 2 && (echo.raw.berth as { p99: number }).p99 <= 5;

    // Bulk output. The file is made once per sandbox (A serves wetty and exec).
    const bulk = bulkFile(RUNS.bulkMB * 1_000_000);
    await run(b1.term, bulk.command);
    await run(e1, bulk.command);
    const bulkRow = row('bulk_socket', `Bulk output (cat of ${RUNS.bulkMB} MB) into a socket client`, '>= 35', 'MB/s');
    const memRow = row('buffered', 'Held for that terminal during the flood: in flight (max) + replay log', '<= 1 MB per session', 'KiB');
    for (const who of ['berth', 'wetty', 'exec'] as Who[]) {
      const pids = who === 'berth' ? [stack.pids().web, stack.pids().agent] : who === 'wetty' ? [wettyA.child.pid] : [];
      const rss = watchRss(pids.filter((p): p is number => !!p));
      const held = who === 'berth' ? watchAgentBuffers(AGENT_PORT) : null;
      const r: BulkResult = await bulkOutput(terms[who], bulk.expected);
      const growth = rss.stop();
      bulkRow.values[who] = `${r.mbPerSecond.toFixed(1)}${r.intact ? '' : ' (BYTES LOST)'}`;
      bulkRow.raw[who] = r;
      if (held) {
        const h = await held.stop();
        memRow.values[who] = `${(h.maxInFlightBytes / 1024).toFixed(0)} + ${(h.replayPerTerminal / 1024).toFixed(0)}`;
        memRow.raw[who] = { ...h, rssGrowthBytes: growth };
        memRow.pass = h.maxInFlightBytes + h.replayPerTerminal <= 1024 * 1024;
      } else if (pids.length) {
        memRow.values[who] = `RSS +${(growth / 1024).toFixed(0)}`;
        memRow.raw[who] = { rssGrowthBytes: growth };
      }
      log(`  bulk ${who}: ${r.mbPerSecond.toFixed(1)} MB/s, intact ${r.intact}`);
    }
    bulkRow.pass = (bulkRow.raw.berth as BulkResult).mbPerSecond >= 35 && (bulkRow.raw.berth as BulkResult).intact;

    const ctrl = row('ctrl_c_socket', 'Ctrl-C during a flood: output stops / prompt back (median)', 'stops <= 100', 'ms');
    for (const who of ['berth', 'wetty', 'exec'] as Who[]) {
      const results = [];
      for (let i = 0; i < RUNS.ctrlC; i++) results.push(await ctrlC(terms[who]));
      const stop = percentile(results.map((r) => r.stopMs), 50);
      const prompt = percentile(results.map((r) => r.promptMs), 50);
      ctrl.values[who] = pair(stop, prompt);
      ctrl.raw[who] = results;
      log(`  ctrl-c ${who}: ${ctrl.values[who]} ms`);
    }
    ctrl.pass = percentile((ctrl.raw.berth as { stopMs: number }[]).map((r) => r.stopMs), 50) <= 100;

    // Flood isolation: another session floods while this one is typed into.
    const iso = row('echo_flood', 'Keystroke echo while another session floods (p50 / p99)', 'p50 <= 2, p99 <= 5', 'ms');
    {
      const w2 = await wettyTerminal(wettyB.url);
      await w2.ready;
      const e2 = await execTerminal(docker, peerB.container, peerB.uid);
      await e2.ready;
      const floods: Record<Who, BenchTerminal> = { berth: b2.term, wetty: w2, exec: e2 };
      for (const who of ['berth', 'wetty', 'exec'] as Who[]) {
        await startFlood(floods[who]);
        const times = await echoLatencies(terms[who], Math.round(RUNS.echo / 2));
        await stopFlood(floods[who]);
        iso.values[who] = pair(percentile(times, 50), percentile(times, 99));
        iso.raw[who] = summary(times);
        log(`  echo during a flood ${who}: ${iso.values[who]} ms`);
      }
      iso.pass = (iso.raw.berth as { p50: number }).p50 <= 2 && (iso.raw.berth as { p99: number }).p99 <= 5;
      await w2.close();
      await e2.close();
    }

    // ---------------------------------------------------------------- in the browser
    const pEcho = row('echo_page', 'Keystroke echo typed in xterm.js in Chromium: key -> parsed (p50 / p99)', 'p50 <= 8, p99 <= 16', 'ms');
    const pEchoPaint = row('echo_page_painted', '  the same, key -> next frame (painted) (p50 / p99)', '-', 'ms');
    const pBulk = row('bulk_page', `Bulk output (${RUNS.bulkMB} MB) into xterm.js in Chromium`, '>= 25, no byte lost', 'MB/s');
    const pCtrl = row('ctrl_c_page', 'Ctrl-C during a flood in Chromium: key -> prompt on screen', '<= 100 (output stops)', 'ms');
    {
      const bp = await openPage(browser, 'berth');
      await berthStart(bp, stack.url, LESSON);
      await pageRun(bp, `${bulk.command}; echo GEN$((40+2))`, 'GEN42');
      const wp = await openPage(browser, 'wetty');
      await wettyStart(wp, wettyA.url);
      const pages = { berth: bp, wetty: wp };
      for (const who of ['berth', 'wetty'] as const) {
        const times = await pageEcho(pages[who], RUNS.pageEcho);
        pEcho.values[who] = pair(percentile(times.parsed, 50), percentile(times.parsed, 99));
        pEcho.raw[who] = summary(times.parsed);
        pEchoPaint.values[who] = pair(percentile(times.painted, 50), percentile(times.painted, 99));
        pEchoPaint.raw[who] = summary(times.painted);
        log(`  page echo ${who}: parsed ${pEcho.values[who]} ms, painted ${pEchoPaint.values[who]} ms`);
        const r = await pageBulk(pages[who], bulk.expected);
        pBulk.values[who] = `${r.mbPerSecond.toFixed(1)}${r.intact ? '' : ' (BYTES LOST)'}`;
        pBulk.raw[who] = r;
        log(`  page bulk ${who}: ${r.mbPerSecond.toFixed(1)} MB/s, intact ${r.intact}`);
        await sleep(500);
        const c = await pageCtrlC(pages[who]);
        pCtrl.values[who] = ms(c);
        pCtrl.raw[who] = c;
        log(`  page ctrl-c ${who}: ${ms(c)} ms`);
      }
      pEcho.pass = (pEcho.raw.berth as { p50: number }).p50 <= 8 && (pEcho.raw.berth as { p99: number }).p99 <= 16;
      pBulk.pass = (pBulk.raw.berth as { mbPerSecond: number; intact: boolean }).mbPerSecond >= 25 && (pBulk.raw.berth as { intact: boolean }).intact;
      pCtrl.pass = (pCtrl.raw.berth as number) <= 100;
      await bp.close();
      await wp.close();
    }

    // ---------------------------------------------------------------- many terminals
    b1.socket.close();
    b2.socket.close();
    await w1.close();
    await e1.close();
    await destroyAll2();
    const load = row('gateway_terminals', 'Concurrent streaming terminals with echo p99 <= 50 ms', '>= 200', 'terminals');
    {
      const best = (levels: LoadLevel[]) => levels.filter((l) => l.p99 <= 50).reduce((m, l) => Math.max(m, l.terminals), 0);
      const at = (levels: LoadLevel[], n: number) => levels.find((l) => l.terminals === n);
      // Berth: one socket per terminal (a page per tab), up to MAX_TERMINALS per session, through the gateway.
      log('many terminals through the gateway');
      const opener = berthTerminalOpener(stack.url, LESSON, MAX_TERMINALS);
      const berthLoad = await rampLoad({ levels: RUNS.loadLevels, probeSeconds: RUNS.probeSeconds, limitMs: 50, log, open: opener.open });
      await stopLoad(berthLoad.terminals);
      for (const s of opener.sockets) s.close();
      // The peers' terminals go to four sandboxes: runc makes a kernel keyring for every
      // exec, and one uid may hold only about a hundred (kernel.keys.maxkeys).
      const pc = await peers.request('sandbox:create', { sessionId: `peer-c-${Date.now()}` });
      const pd = await peers.request('sandbox:create', { sessionId: `peer-d-${Date.now()}` });
      const peerC = { container: `berth-${stack.peersAgentId}-${pc.sandboxId}`, uid: learnerUid(pc.hostUid) };
      const peerD = { container: `berth-${stack.peersAgentId}-${pd.sandboxId}`, uid: learnerUid(pd.hostUid) };
      const wettyC = await startWetty(wettyMain, WETTY_PORT + 2, dockerExecCommand(peerC.container, peerC.uid), path.join(DIR, 'wetty-c.log'));
      const wettyD = await startWetty(wettyMain, WETTY_PORT + 3, dockerExecCommand(peerD.container, peerD.uid), path.join(DIR, 'wetty-d.log'));
      wettys.push(wettyC, wettyD);
      const peerSandboxes = [peerA, peerB, peerC, peerD];
      const peerWettys = [wettyA, wettyB, wettyC, wettyD];
      log('many terminals: wetty (one process per sandbox, one docker exec -it per connection)');
      let flip = 0;
      const wettyLoad = await rampLoad({
        levels: RUNS.loadLevels,
        probeSeconds: RUNS.probeSeconds,
        limitMs: 50,
        log,
        open: inBatches(() => wettyTerminal(peerWettys[flip++ % peerWettys.length]!.url)),
      });
      await stopLoad(wettyLoad.terminals);
      log('many terminals: plain docker exec from this process');
      let next = 0;
      const execLoad = await rampLoad({
        levels: RUNS.loadLevels,
        probeSeconds: RUNS.probeSeconds,
        limitMs: 50,
        log,
        open: inBatches(() => {
          const peer = peerSandboxes[next++ % peerSandboxes.length]!;
          return execTerminal(docker, peer.container, peer.uid);
        }),
      });
      await stopLoad(execLoad.terminals);
      const fmt = (levels: LoadLevel[]) => {
        const n = best(levels);
        const l200 = at(levels, 200);
        return `${n}${l200 ? ` (p99 ${ms(l200.p99)} at 200)` : ''}`;
      };
      load.values = { berth: fmt(berthLoad.levels), wetty: fmt(wettyLoad.levels), exec: fmt(execLoad.levels) };
      load.raw = { berth: berthLoad.levels, wetty: wettyLoad.levels, exec: execLoad.levels };
      load.pass = best(berthLoad.levels) >= 200;
    }
    agent2.close();
    peers.close();
  } finally {
    for (const w of wettys) await w.stop().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    log('stopping the stack (its agents remove their sandboxes)');
    await stack.stop();
  }
  report(meta, loadStart);
}

function preflight(): void {
  if (process.getuid?.() !== 0) throw new Error('run the benchmark as root (it starts an agent, which drives the host engine)');
  try {
    execFileSync('docker', ['image', 'inspect', IMAGE], { stdio: 'ignore' });
  } catch {
    throw new Error(`the session image ${IMAGE} is missing: run \`bash infra/setup.sh\` first`);
  }
  if (!existsSync('/usr/bin/chromium')) throw new Error("Debian's chromium is missing: apt-get install chromium");
  if (!existsSync(path.join(REPO, 'apps/web/.next/BUILD_ID'))) {
    log('building the web app (npm run build -w apps/web)');
    execFileSync('npm', ['run', 'build', '-w', 'apps/web'], { cwd: REPO, stdio: 'inherit' });
  }
}

/** What `docker stats` shows as a container's memory: usage minus inactive file cache. */
async function containerMemoryMiB(name: string): Promise<number> {
  const stats = (await docker.getContainer(name).stats({ stream: false })) as unknown as {
    memory_stats: { usage: number; stats: Record<string, number> };
  };
  const s = stats.memory_stats.stats;
  const cache = s.total_inactive_file ?? s.inactive_file ?? s.cache ?? 0;
  return (stats.memory_stats.usage - cache) / 1024 / 1024;
}

/** Samples the agent's /healthz every 50 ms: the most terminal output it held in flight, and its replay log per terminal. */
function watchAgentBuffers(port: number): { stop(): Promise<{ maxInFlightBytes: number; replayPerTerminal: number }> } {
  let maxInFlightBytes = 0;
  let replayPerTerminal = 0;
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const h = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as {
          terminals: { terminals: number; replayBytes: number; maxInFlightBytes: number };
        };
        maxInFlightBytes = Math.max(maxInFlightBytes, h.terminals.maxInFlightBytes);
        if (h.terminals.terminals) replayPerTerminal = h.terminals.replayBytes / h.terminals.terminals;
      } catch {
        // the next sample
      }
      await sleep(50);
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return { maxInFlightBytes, replayPerTerminal };
    },
  };
}

/** Samples resident memory of some processes every 50 ms; stop() returns the largest growth of their sum. */
function watchRss(pids: number[]): { stop(): number } {
  const read = () =>
    pids.reduce((sum, pid) => {
      try {
        const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
        return sum + Number(kb ?? 0) * 1024;
      } catch {
        return sum;
      }
    }, 0);
  const base = read();
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, read())), 50);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.max(0, peak - base);
    },
  };
}

function gitInfo(): { commit: string; dirty: boolean; branch: string } {
  const git = (...a: string[]) => execFileSync('git', a, { cwd: REPO, encoding: 'utf8' }).trim();
  try {
    return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain').length > 0, branch: git('rev-parse', '--abbrev-ref', 'HEAD') };
  } catch {
    return { commit: 'unknown', dirty: false, branch: 'unknown' };
  }
}

function report(meta: Record<string, unknown>, loadStart: number[]): void {
  const headers = ['metric', 'unit', 'Berth', 'target', `wetty ${WETTY_VERSION}`, 'docker exec'];
  const table = rows.map((r) => [
    r.metric,
    r.unit,
    `${r.values.berth ?? '-'}${r.pass === undefined ? '' : r.pass ? '  ok' : '  MISS'}`,
    r.target,
    r.values.wetty ?? '-',
    r.values.exec ?? '-',
  ]);
  const widths = headers.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  console.log('');
  console.log(line(headers));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const t of table) console.log(line(t));
  const git = gitInfo();
  const webPkg = JSON.parse(readFileSync(path.join(REPO, 'apps/web/package.json'), 'utf8')) as { dependencies: Record<string, string> };
  let engine = 'unknown';
  try {
    engine = execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { encoding: 'utf8' }).trim();
  } catch {
    // leave unknown
  }
  const image = (() => {
    try {
      return `${IMAGE} ${execFileSync('docker', ['image', 'inspect', '-f', '{{.Id}} {{.Created}}', IMAGE], { encoding: 'utf8' }).trim()}`;
    } catch {
      return 'unknown';
    }
  })();
  const result = {
    startedAt: started.toISOString(),
    durationSeconds: Math.round((Date.now() - started.getTime()) / 1000),
    quick: QUICK,
    git,
    machine: {
      hostname: os.hostname(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
      kernel: os.release(),
      loadAverageStart: loadStart,
      loadAverageEnd: os.loadavg(),
    },
    versions: {
      node: process.version,
      dockerEngine: engine,
      sessionImage: image,
      chromium: meta.chromium,
      xterm: webPkg.dependencies['@xterm/xterm'],
      wetty: WETTY_VERSION,
      berthRenderer: meta.renderer,
    },
    config: { pool: POOL, slots: SLOTS, peerSlots: PEER_SLOTS, runs: RUNS },
    results: Object.fromEntries(rows.map((r) => [r.key, { metric: r.metric, unit: r.unit, target: r.target, pass: r.pass ?? null, shown: r.values, raw: r.raw }])),
  };
  const out = OUT ?? path.join(REPO, 'test-results/bench', `bench-${started.toISOString().replace(/[:.]/g, '-')}-${git.commit.slice(0, 8)}.json`);
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify(result, null, 2));
  console.log('');
  console.log(
    `machine: ${result.machine.cpus} x ${result.machine.cpuModel}, ${result.machine.memoryGiB} GiB, load ${loadStart.map((l) => l.toFixed(2)).join(' ')} -> ${result.machine.loadAverageEnd.map((l) => l.toFixed(2)).join(' ')}; engine ${engine}; ${meta.chromium}; Berth's terminal renderer: ${meta.renderer}`,
  );
  console.log(`commit ${git.commit.slice(0, 12)}${git.dirty ? ' (with local changes)' : ''}; figures written to ${out}`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    console.error(`bench failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
