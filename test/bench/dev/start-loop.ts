// Dev aid: many warm Starts in a row; on a Start whose prompt does not show, prints
// what the page's terminal holds and what went over its socket.
import { withDevStack } from './dev-stack';
import { sleep } from '../measure';
import { openPage } from '../page';

await withDevStack(Number(process.env.POOL ?? 2), async (stack, browser) => {
  for (let i = 0; i < Number(process.env.RUNS ?? 20); i++) {
    await stack.poolFull();
    await sleep(Number(process.env.GAP_MS ?? 300));
    const p = await openPage(browser, 'berth');
    const frames: string[] = [];
    p.page.on('console', (m) => frames.push(`console ${m.type()}: ${m.text().slice(0, 300)}`));
    p.page.on('pageerror', (e) => frames.push(`pageerror: ${e.message.slice(0, 300)}`));
    p.page.on('requestfailed', (r) => frames.push(`requestfailed: ${r.url()} ${r.failure()?.errorText}`));
    p.page.on('response', (r) => { if (r.status() >= 400) frames.push(`http ${r.status()} ${r.url()}`); });
    p.page.on('websocket', (ws) => {
      const t0 = Date.now();
      const peek = (d: string | Buffer) => (typeof d === 'string' ? d : d.toString('latin1')).slice(0, 120).replace(/[^\x20-\x7e]/g, '.');
      ws.on('framesent', (f) => frames.push(`+${Date.now() - t0} out ${peek(f.payload)}`));
      ws.on('framereceived', (f) => frames.push(`+${Date.now() - t0} in  ${peek(f.payload)}`));
    });
    await p.page.goto(`${stack.url}/lessons/first-steps`, { waitUntil: 'networkidle' });
    await p.page.getByTestId('start').click();
    try {
      const shown = await p.page.evaluate(() => (globalThis as unknown as { __benchPromptShown(ms: number): Promise<number> }).__benchPromptShown(8000));
      const b = await p.page.evaluate(() => (globalThis as unknown as { __bench: { clickAt: number } }).__bench.clickAt);
      console.log(`start ${i + 1}: prompt shown after ${(shown - b).toFixed(0)} ms`);
    } catch (err) {
      console.log(`start ${i + 1}: FAILED ${(err as Error).message}`);
      const screen = await p.page.evaluate(() => {
        const t = (globalThis as unknown as { __bench: { term: { buffer: { active: { length: number; cursorY: number; baseY: number; getLine(i: number): { translateToString(trim: boolean): string } | undefined } }; cols: number; rows: number } | null } }).__bench.term;
        if (!t) return '(no terminal)';
        const b = t.buffer.active;
        const lines: string[] = [];
        for (let y = 0; y < b.length; y++) lines.push(JSON.stringify(b.getLine(y)?.translateToString(true)));
        return `${t.cols}x${t.rows} cursor ${b.cursorY}+${b.baseY}\n${lines.join('\n')}`;
      });
      console.log(screen);
      console.log(frames.join('\n'));
      await p.page.screenshot({ path: `/tmp/start-loop-${i + 1}.png` });
    }
    await p.close();
  }
});
