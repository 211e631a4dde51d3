// Dev aid: when output arrives in the page during a bulk `cat`, and when xterm.js is done
// with it: the time xterm.js had nothing to do (waiting on the network) and the chunk sizes.
import { startedPage, withDevStack } from './dev-stack';
import { bulkFile } from '../measure';
import { pageBulk } from '../page';

type Log = { arrivals: [number, number][]; done: number[] };
const bulk = bulkFile(Number(process.env.MB ?? 40) * 1e6);
await withDevStack(1, async (stack, browser) => {
  const p = await startedPage(stack, browser, bulk);
  if (process.env.MIN_FRAME_MS)
    await p.page.evaluate((min) => {
      type D = { _innerRefresh(): void; _animationFrame?: number };
      const g = globalThis as unknown as { __bench: { term: { _core: { _renderService: { _renderDebouncer: D } } } }; requestAnimationFrame(cb: () => void): number };
      const d = g.__bench.term._core._renderService._renderDebouncer;
      const inner = d._innerRefresh.bind(d);
      let last = 0;
      d._innerRefresh = () => {
        const now = performance.now();
        if (now - last < min) {
          d._animationFrame = g.requestAnimationFrame(() => d._innerRefresh());
          return;
        }
        last = now;
        inner();
      };
    }, Number(process.env.MIN_FRAME_MS));
  for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
    await p.page.evaluate(() => {
      const g = globalThis as unknown as { __log: Log; __bench: { term: { write(d: Uint8Array, cb?: () => void): void } } };
      const t = g.__bench.term;
      const log: Log = { arrivals: [], done: [] };
      g.__log = log;
      const original = (t as unknown as { __orig?: typeof t.write }).__orig ?? t.write.bind(t);
      (t as unknown as { __orig?: typeof t.write }).__orig = original;
      t.write = (d, cb) => {
        const i = log.arrivals.push([performance.now(), d.length]) - 1;
        original(d, () => {
          log.done[i] = performance.now();
          cb?.();
        });
      };
    });
    if (process.env.OFFSCREEN && round % 2 === 1)
      await p.page.evaluate(() => {
        const el = (globalThis as unknown as { document: { querySelector(s: string): { style: Record<string, string> } } }).document.querySelector('.xterm-screen');
        el.style.transform = 'translateX(-5000px)';
      });
    if (process.env.OFFSCREEN && round % 2 === 0 && round > 0)
      await p.page.evaluate(() => {
        const el = (globalThis as unknown as { document: { querySelector(s: string): { style: Record<string, string> } } }).document.querySelector('.xterm-screen');
        el.style.transform = '';
      });
    const b = await pageBulk(p, bulk.expected);
    const log = await p.page.evaluate(() => (globalThis as unknown as { __log: Log }).__log);
    let idle = 0;
    let busyUntil = 0;
    const sizes: number[] = [];
    for (let i = 0; i < log.arrivals.length; i++) {
      const [at, n] = log.arrivals[i]!;
      if (n > 1000) sizes.push(n);
      if (busyUntil && at > busyUntil) idle += at - busyUntil;
      busyUntil = Math.max(busyUntil, log.done[i] ?? at);
    }
    sizes.sort((a, b) => a - b);
    const q = (f: number) => sizes[Math.floor(f * (sizes.length - 1))] ?? 0;
    console.log(
      `${process.env.OFFSCREEN && round % 2 === 1 ? 'offscreen ' : ''}bulk ${b.mbPerSecond.toFixed(1)} MB/s in ${b.ms.toFixed(0)} ms; ${log.arrivals.length} writes, size p10 ${q(0.1)} p50 ${q(0.5)} p90 ${q(0.9)}; xterm idle (all written data parsed, waiting) ${idle.toFixed(0)} ms`,
    );
  }
  await p.close();
});
