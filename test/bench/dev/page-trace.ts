// Dev aid: a Chromium trace (devtools.timeline) of the page while MB of output go
// through it, summed per event on the page's main thread: where its time goes.
import { startedPage, withDevStack } from './dev-stack';
import { bulkFile } from '../measure';
import { pageBulk } from '../page';

type TraceEvent = { name: string; ph: string; ts: number; dur?: number; tid: number; pid: number; args?: { name?: string; data?: { url?: string; functionName?: string } } };
const bulk = bulkFile(Number(process.env.MB ?? 40) * 1e6);
await withDevStack(1, async (stack, browser) => {
  const p = await startedPage(stack, browser, bulk);
  await pageBulk(p, bulk.expected); // warm-up
  const cdp = await p.context.newCDPSession(p.page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const done = new Promise<void>((r) => cdp.once('Tracing.tracingComplete', () => r()));
  await cdp.send('Tracing.start', { categories: 'devtools.timeline,v8.execute,disabled-by-default-devtools.timeline', transferMode: 'ReportEvents' });
  const b = await pageBulk(p, bulk.expected);
  await cdp.send('Tracing.end');
  await done;
  const main = events.find((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  // Self time per event name (minus the events nested in it), and per JS entry point.
  const mine = events.filter((e) => main && e.tid === main.tid && e.pid === main.pid && e.ph === 'X' && e.dur).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const totals = new Map<string, { ms: number; n: number }>();
  const open: { e: TraceEvent; key: string; self: number }[] = [];
  const close = (until: number) => {
    while (open.length && open.at(-1)!.e.ts + open.at(-1)!.e.dur! <= until) {
      const top = open.pop()!;
      const t = totals.get(top.key) ?? { ms: 0, n: 0 };
      t.ms += top.self / 1000;
      t.n++;
      totals.set(top.key, t);
    }
  };
  for (const e of mine) {
    close(e.ts);
    if (open.length) open.at(-1)!.self -= e.dur!;
    const d = e.args?.data;
    const key = e.name === 'FunctionCall' && d ? `FunctionCall ${d.functionName ?? ''} ${(d.url ?? '').split('/').pop()}` : e.name;
    open.push({ e, key, self: e.dur! });
  }
  close(Infinity);
  const busy = mine.filter((e) => e.name === 'RunTask').reduce((n, e) => n + e.dur!, 0) / 1000;
  console.log(`bulk ${b.mbPerSecond.toFixed(1)} MB/s in ${b.ms.toFixed(0)} ms; main thread tasks ${busy.toFixed(0)} ms; self time:`);
  for (const [name, t] of [...totals].sort((a, b) => b[1].ms - a[1].ms).slice(0, 30)) console.log(`${t.ms.toFixed(0).padStart(7)} ms ${String(t.n).padStart(6)}x ${name}`);
  await p.close();
});
