// Dev aid: the same terminal measured at each hop, back to back: Docker API exec, the
// agent's own socket API, the gateway's learner socket.
import Docker from 'dockerode';
import { devStack } from './dev-stack';
import { BerthVisitor, execTerminal, type BenchTerminal } from '../terminals';
import { bulkFile, bulkOutput, echoLatencies, run, stripAnsi, summary } from '../measure';
import type { AgentClient } from '../../../worker-agent/src/client/agent-client';

const stack = devStack();

async function agentTerminal(client: AgentClient, sessionId: string): Promise<BenchTerminal> {
  const info = await client.request('term:open', { sessionId, cols: 100, rows: 30 });
  const listeners = new Set<(c: Buffer, at: number) => void>();
  let ready: (at: number) => void = () => {};
  let tail = '';
  const readyP = new Promise<number>((r) => (ready = r));
  client.socket.on('term:data', (d) => {
    if (d.termId !== info.termId) return;
    const chunk = Buffer.from(d.data as Uint8Array);
    const at = performance.now();
    tail = (tail + chunk.toString('latin1')).slice(-200);
    if (stripAnsi(tail).endsWith('$ ')) ready(at);
    for (const l of listeners) l(chunk, at);
    client.send('term:ack', { sessionId, termId: info.termId, viewerId: 'hop', seq: d.seq + chunk.length });
  });
  await client.request('term:attach', { sessionId, termId: info.termId, viewerId: 'hop', fromSeq: 0 });
  return { kind: 'berth', ready: readyP, write: (data) => client.send('term:input', { sessionId, termId: info.termId, data }), onData: (l) => { listeners.add(l); return () => listeners.delete(l); }, close: async () => {} };
}

import { readFileSync } from 'node:fs';
/** CPU time (ms) a process has used so far. */
const cpuMs = (pid: number | undefined) => {
  if (!pid) return 0;
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
};
/** CPU of the process and its children that are still alive (tsx runs node as a child). */
const treeCpu = (pid: number | undefined): number => {
  if (!pid) return 0;
  let total = cpuMs(pid);
  try {
    for (const c of readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean)) total += treeCpu(Number(c));
  } catch {
    // gone
  }
  return total;
};
try {
  await stack.start(0);
  const agent = await stack.agentClient();
  const v = new BerthVisitor(stack.url);
  const grant = await v.start('first-steps');
  const s = await v.connect(grant);
  await s.ready();
  const info = await agent.request('sandbox:get', { sessionId: s.sessionId });
  const gw = await s.openTerminal();
  await gw.ready;
  const ag = await agentTerminal(agent, s.sessionId);
  await ag.ready;
  const ex = await execTerminal(new Docker(), `berth-${stack.agentId}-${info.sandboxId}`, info.hostUid! - 3_000_000);
  await ex.ready;
  const bulk = bulkFile(Number(process.env.MB ?? 40) * 1e6);
  await run(ex, bulk.command);
  for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
    const only = process.env.ONLY?.split(',');
    for (const [name, term] of ([['exec', ex], ['agent', ag], ['gateway', gw]] as const).filter(([n]) => !only || only.includes(n))) {
      const { web, agent: ap } = stack.pids();
      const c0 = [treeCpu(web), treeCpu(ap), process.cpuUsage()];
      const n = Number(process.env.KEYS ?? (process.env.BULK_ONLY ? 0 : 200));
      const e = summary(await echoLatencies(term, n));
      const c1 = [treeCpu(web), treeCpu(ap), process.cpuUsage()];
      let msgs = 0;
      const offCount = term.onData(() => msgs++);
      const b = process.env.KEYS ? { mbPerSecond: 0, intact: true, bytes: 1 } : await bulkOutput(term, bulk.expected);
      offCount();
      const c2 = [treeCpu(web), treeCpu(ap), process.cpuUsage()];
      const us = (a: unknown, z: unknown, per: number) => (((z as number) - (a as number)) * 1000) / per;
      const mine = (a: NodeJS.CpuUsage, z: NodeJS.CpuUsage) => (z.user + z.system - a.user - a.system) / 1000;
      const keys = n + 20 + 8;
      console.log(
        `${name.padEnd(8)} echo p50 ${e.p50.toFixed(2)} p99 ${e.p99.toFixed(2)} ms | bulk ${b.mbPerSecond.toFixed(1)} MB/s ${b.intact ? '' : 'LOST'} | ` +
          `cpu/key gw ${us(c0[0], c1[0], keys).toFixed(0)} ag ${us(c0[1], c1[1], keys).toFixed(0)} client ${((mine(c0[2] as NodeJS.CpuUsage, c1[2] as NodeJS.CpuUsage) * 1000) / keys).toFixed(0)} us | ` +
          `cpu/MB gw ${us(c1[0], c2[0], (b.bytes / 1e6) * 1000).toFixed(1)} ag ${us(c1[1], c2[1], (b.bytes / 1e6) * 1000).toFixed(1)} client ${(mine(c1[2] as NodeJS.CpuUsage, c2[2] as NodeJS.CpuUsage) / (b.bytes / 1e6)).toFixed(1)} ms | ${(b.bytes / Math.max(1, msgs) / 1024).toFixed(0)} KiB/msg | load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`,
      );
    }
  }
  s.close();
  agent.close();
} finally {
  await stack.stop();
}
