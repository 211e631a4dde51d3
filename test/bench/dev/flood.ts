// Dev aid: echo in one session while another floods, through the gateway and by plain exec.
import Docker from 'dockerode';
import { devStack } from './dev-stack';
import { BerthVisitor, execTerminal } from '../terminals';
import { echoLatencies, floodElsewhere, summary } from '../measure';

const stack = devStack();
const fmt = (x: { p50: number; p99: number }) => `p50 ${x.p50.toFixed(2)} p99 ${x.p99.toFixed(2)}`;
try {
  await stack.start(0);
  const open = async () => {
    const v = new BerthVisitor(stack.url);
    const s = await v.connect(await v.start('first-steps'));
    await s.ready();
    const t = await s.openTerminal();
    await t.ready;
    return { t, sessionId: s.sessionId };
  };
  const { t: b, sessionId: bId } = await open();
  const { sessionId: aId } = await open(); // its sandbox floods in the exec case
  const agent = await stack.agentClient();
  const ia = await agent.request('sandbox:get', { sessionId: aId });
  const ib = await agent.request('sandbox:get', { sessionId: bId });
  const docker = new Docker();
  const ea = await execTerminal(docker, `berth-${stack.agentId}-${ia.sandboxId}`, ia.hostUid! - 3e6);
  const eb = await execTerminal(docker, `berth-${stack.agentId}-${ib.sandboxId}`, ib.hostUid! - 3e6);
  await ea.ready;
  await eb.ready;
  for (let round = 0; round < 2; round++) {
    const quietB = summary(await echoLatencies(b, 150));
    const fa = await floodElsewhere({ kind: 'berth', url: stack.url });
    const floodB = summary(await echoLatencies(b, 150));
    await fa.stop();
    const quietE = summary(await echoLatencies(eb, 150));
    const fe = await floodElsewhere({ kind: 'exec', container: `berth-${stack.agentId}-${ia.sandboxId}`, uid: ia.hostUid! - 3e6 });
    const floodE = summary(await echoLatencies(eb, 150));
    await fe.stop();
    console.log(`berth quiet ${fmt(quietB)} | flood ${fmt(floodB)} || exec quiet ${fmt(quietE)} | flood ${fmt(floodE)} | load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
  }
  agent.close();
} finally {
  await stack.stop();
}
