// Dev aid: where a keystroke's time goes in the page (keydown -> onData -> ws send ->
// ws message -> xterm write -> parsed -> frame).
import { devStack } from './dev-stack';
import { berthStart, launchBrowser, openPage } from '../page';

const stack = devStack();
const browser = await launchBrowser();
try {
  await stack.start(1);
  await stack.poolFull();
  for (const r of (process.env.RENDERERS ?? 'dom,webgl').split(',')) {
    const p = await openPage(browser, 'berth');
    await p.context.addInitScript({ content: `localStorage.setItem('berth:renderer', '${r}')` });
    await p.context.addInitScript(() => {
      const g = globalThis as unknown as Record<string, unknown> & { WebSocket: new (...a: unknown[]) => { send(d: unknown): void; addEventListener(t: string, l: (e: { data: unknown }) => void): void } };
      const marks: Record<string, number> = {};
      g.__marks = marks;
      const W = g.WebSocket;
      g.WebSocket = class extends W {
        constructor(...a: unknown[]) {
          super(...a);
          this.addEventListener('message', () => (marks.wsIn ??= performance.now()));
        }
        override send(d: unknown) {
          marks.wsOut ??= performance.now();
          return super.send(d);
        }
      } as never;
    });
    if (process.env.CSS) {
      await p.context.addInitScript({
        content: `document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style'); s.textContent = ${JSON.stringify(process.env.CSS)}; document.head.append(s); });`,
      });
    }
    await berthStart(p, stack.url, 'first-steps');
    await p.page.locator('.xterm').first().click({ position: { x: 40, y: 40 } });
    if (process.env.INJECT) await p.page.evaluate(() => ((globalThis as unknown as { __inject: boolean }).__inject = true));
    const rows: Record<string, number>[] = [];
    for (let i = 0; i < 40; i++) {
      const armed = p.page.evaluate(() => {
        const g = globalThis as unknown as {
          __marks: Record<string, number>;
          __bench: { term: { onData(l: () => void): { dispose(): void }; onWriteParsed(l: () => void): { dispose(): void }; write: unknown } };
          document: { addEventListener(t: string, l: (e: { timeStamp: number }) => void, o: object): void };
          requestAnimationFrame(cb: () => void): void;
        };
        for (const k of Object.keys(g.__marks)) delete g.__marks[k];
        const t = g.__bench.term;
        const m = g.__marks;
        return new Promise<Record<string, number>>((resolve) => {
          g.document.addEventListener('keydown', (e) => (m.key = e.timeStamp), { once: true, capture: true });
          if ((globalThis as unknown as { __inject?: boolean }).__inject) {
            setTimeout(() => {
              m.key = performance.now();
              (t as unknown as { input(d: string, user: boolean): void }).input('x', true);
            }, 0);
          }
          const a = t.onData(() => (m.onData ??= performance.now()));
          const b = t.onWriteParsed(() => {
            m.parsed ??= performance.now();
            g.requestAnimationFrame(() => {
              m.frame = performance.now();
              a.dispose();
              b.dispose();
              resolve({ ...m });
            });
          });
        });
      });
      if (!process.env.INJECT) await p.page.keyboard.press('x');
      const m = await armed;
      rows.push({ onData: m.onData! - m.key!, wsOut: m.wsOut! - m.key!, wsIn: m.wsIn! - m.key!, parsed: m.parsed! - m.key!, frame: m.frame! - m.key! });
      await p.page.waitForTimeout(30);
    }
    const med = (k: string) => rows.map((x) => x[k]!).sort((a, b) => a - b)[Math.floor(rows.length / 2)]!.toFixed(1);
    console.log(`${r}: median ms after keydown: onData ${med('onData')} | ws send ${med('wsOut')} | ws message ${med('wsIn')} | parsed ${med('parsed')} | frame ${med('frame')}`);
    await p.close();
    await stack.poolFull();
  }
} finally {
  await browser.close();
  await stack.stop();
}
