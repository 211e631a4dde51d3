// Dev aid: N streaming terminals through the gateway (as the bench's load level), for
// profiling the agent and the web process (BERTH_BENCH_NODE_ARGS="--cpu-prof ...").
import { BenchStack } from '../stack';
import { BerthVisitor, type BerthSocket, type BenchTerminal } from '../terminals';
import { rampLoad, stopLoad } from '../load';

const N = Number(process.env.N ?? 200);
const stack = new BenchStack({ dir: '/var/lib/berth/speed/bench', ports: { web: 3200, postgres: 3299, agent: 7200, peersAgent: 7201 }, slots: { first: Number(process.env.SLOT ?? 40), count: 8 }, peerSlots: { first: Number(process.env.PEER_SLOT ?? 52), count: 4 }, maxTerminals: 40, image: process.env.BERTH_BENCH_IMAGE ?? 'berth/session:latest', log: () => {} });
try {
  await stack.start(0);
  const sockets: BerthSocket[] = [];
  let current: { visitor: BerthVisitor; grant: Awaited<ReturnType<BerthVisitor['start']>>; used: number } | null = null;
  const r = await rampLoad({
    levels: (process.env.LEVELS ?? String(N)).split(',').map(Number),
    probeSeconds: Number(process.env.SECONDS ?? 10),
    limitMs: 1e9,
    log: (l) => console.log(l),
    open: async (count) => {
      const opened: BenchTerminal[] = [];
      while (opened.length < count) {
        if (!current || current.used >= 40) {
          const v = new BerthVisitor(stack.url);
          const grant = await v.start('first-steps');
          const s = await v.connect(grant);
          await s.ready();
          sockets.push(s);
          current = { visitor: v, grant, used: 0 };
        }
        const batch = Math.min(count - opened.length, 40 - current.used, 10);
        const made = await Promise.all(
          Array.from({ length: batch }, async () => {
            const s = await current!.visitor.connect(current!.grant);
            sockets.push(s);
            const term = await s.openTerminal(100, 30);
            await term.ready;
            return term;
          }),
        );
        current.used += batch;
        opened.push(...made);
      }
      return opened;
    },
  });
  await stopLoad(r.terminals);
  for (const s of sockets) s.close();
} finally {
  await stack.stop();
}
