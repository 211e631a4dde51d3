// Dev aid: where the time of a warm start goes (socket client, no browser).
import { devStack } from './dev-stack';
import { BerthVisitor } from '../terminals';
import { sleep } from '../measure';

const stack = devStack();
try {
  await stack.start(Number(process.env.POOL ?? 2));
  const agent = await stack.agentClient();
  for (let i = 0; i < Number(process.env.RUNS ?? 6); i++) {
    await stack.poolFull();
    await sleep(1500);
    const v = new BerthVisitor(stack.url);
    const t0 = performance.now();
    const grant = await v.start('first-steps');
    const t1 = performance.now();
    const s = await v.connect(grant);
    const t2 = performance.now();
    await s.ready();
    const t3 = performance.now();
    const term = await s.openTerminal();
    const t4 = performance.now();
    const t5 = await term.ready;
    console.log(`post ${(t1 - t0).toFixed(0)} (state ${grant.session.state}) | connect ${(t2 - t1).toFixed(0)} | ready ${(t3 - t2).toFixed(0)} | term:open+attach ${(t4 - t3).toFixed(0)} | prompt ${(t5 - t4).toFixed(0)} | total ${(t5 - t0).toFixed(0)} ms`);
    s.close();
    for (const x of await agent.request('sandbox:list', {})) await agent.request('sandbox:destroy', { sessionId: x.sessionId });
  }
  agent.close();
} finally {
  await stack.stop();
}
