// Dev aid: where the time between the Start click and the prompt goes in the page.
import { devStack } from './dev-stack';
import { sleep } from '../measure';
import { launchBrowser, openPage, berthStart } from '../page';

const stack = devStack();
const browser = await launchBrowser();
try {
  await stack.start(Number(process.env.POOL ?? 2));
  const agent = await stack.agentClient();
  for (let i = 0; i < Number(process.env.RUNS ?? 5); i++) {
    await stack.poolFull();
    await sleep(1500);
    const p = await openPage(browser, 'berth');
    await p.context.addInitScript(() => {
      const marks: [string, number][] = [];
      (globalThis as unknown as { __marks: typeof marks }).__marks = marks;
      const g = globalThis as unknown as { fetch: (...a: unknown[]) => Promise<unknown>; WebSocket: new (...a: unknown[]) => { addEventListener(t: string, l: () => void): void } };
      const f = g.fetch;
      g.fetch = async (...a: unknown[]) => { marks.push([`fetch ${String(a[0]).slice(0, 30)}`, performance.now()]); const r = await f(...a); marks.push(['fetch done', performance.now()]); return r; };
      const W = g.WebSocket;
      g.WebSocket = class extends W { constructor(...a: unknown[]) { super(...a); marks.push(['ws new', performance.now()]); this.addEventListener('open', () => marks.push(['ws open', performance.now()])); } } as never;
      new PerformanceObserver((l) => { for (const e of l.getEntries()) marks.push([`res ${e.name.split('/').pop()?.slice(0, 40)} (${Math.round(e.duration)} ms)`, e.startTime]); }).observe({ type: 'resource', buffered: false });
    });
    const t = await berthStart(p, stack.url, 'first-steps');
    const b = await p.page.evaluate(() => ({ marks: (globalThis as unknown as { __marks: [string, number][] }).__marks, bench: (globalThis as unknown as { __bench: { clickAt: number; firstByteAt: number; promptByteAt: number } }).__bench }));
    const click = b.bench.clickAt;
    console.log(`run ${i}: prompt byte ${t.promptByteMs.toFixed(0)} ms, shown ${t.promptShownMs.toFixed(0)}`);
    for (const [name, at] of b.marks) if (at >= click - 5) console.log(`   +${(at - click).toFixed(0).padStart(5)}  ${name}`);
    console.log(`   +${(b.bench.firstByteAt - click).toFixed(0).padStart(5)}  first byte written to xterm`);
    await p.close();
    for (const x of await agent.request('sandbox:list', {})) await agent.request('sandbox:destroy', { sessionId: x.sessionId });
  }
  agent.close();
} finally {
  await browser.close();
  await stack.stop();
}
