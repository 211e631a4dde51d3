// Dev aid: N streaming terminals through the gateway (as the bench's load level), for
// profiling the agent and the web process (BERTH_BENCH_NODE_ARGS="--cpu-prof ...").
// LEVELS=100,200 ramps; SECONDS is the probe time per level.
import { devStack } from './dev-stack';
import { berthTerminalOpener, rampLoad, stopLoad } from '../load';

const stack = devStack();
try {
  await stack.start(0);
  const opener = berthTerminalOpener(stack.url, 'first-steps', 40);
  const r = await rampLoad({
    levels: (process.env.LEVELS ?? process.env.N ?? '200').split(',').map(Number),
    probeSeconds: Number(process.env.SECONDS ?? 10),
    limitMs: Infinity,
    log: (line) => console.log(line),
    open: opener.open,
  });
  await stopLoad(r.terminals);
  for (const s of opener.sockets) s.close();
} finally {
  await stack.stop();
}
