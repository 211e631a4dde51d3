// Dev aid: system calls the gateway and the agent make per keystroke (strace -c).
import { spawn } from 'node:child_process';
import { devStack } from './dev-stack';
import { BerthVisitor } from '../terminals';
import { echoLatencies, summary } from '../measure';

const stack = devStack();
try {
  await stack.start(0);
  const v = new BerthVisitor(stack.url);
  const s = await v.connect(await v.start('first-steps'));
  await s.ready();
  const term = await s.openTerminal();
  await term.ready;
  await echoLatencies(term, 50);
  const { web, agent } = stack.pids();
  const traces = [web, agent].map((pid) => spawn('strace', ['-f', '-c', '-p', String(pid)], { stdio: ['ignore', 'ignore', 'pipe'] }));
  const outs = traces.map((t) => { let o = ''; t.stderr.on('data', (d) => (o += d)); return () => o; });
  await new Promise((r) => setTimeout(r, 1000));
  const keys = Number(process.env.KEYS ?? 300);
  const e = summary(await echoLatencies(term, keys, { warmup: 0 }));
  for (const t of traces) t.kill('SIGINT');
  await new Promise((r) => setTimeout(r, 1000));
  console.log(`echo p50 ${e.p50.toFixed(2)} ms over ${keys} keys (+${Math.ceil(keys / 30)} Ctrl-U)`);
  for (const [i, name] of ['gateway', 'agent'].entries()) {
    console.log(`--- ${name}`);
    console.log(outs[i]!().split('\n').filter((l) => /^\s*\d/.test(l)).slice(0, 12).join('\n'));
  }
  s.close();
} finally {
  await stack.stop();
}
