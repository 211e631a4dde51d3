// Dev aid: how fast xterm.js in the page takes the bulk output with no network at all
// (the same lines written straight into the page's terminal): the ceiling for bulk_page.
import { devStack } from './dev-stack';
import { bulkFile } from '../measure';
import { berthRenderer, berthStart, launchBrowser, openPage } from '../page';

const stack = devStack();
const browser = await launchBrowser();
const bulk = bulkFile(Number(process.env.MB ?? 40) * 1e6);
try {
  await stack.start(1);
  await stack.poolFull();
  for (const r of (process.env.RENDERERS ?? 'dom').split(',')) {
    const p = await openPage(browser, 'berth');
    await p.context.addInitScript({ content: `localStorage.setItem('berth:renderer', '${r}')` });
    await berthStart(p, stack.url, 'first-steps');
    const used = await berthRenderer(p);
    for (const chunk of [16_384, 65_536, 196_608]) {
      const ms = await p.page.evaluate(
        async ({ text, chunk }) => {
          const t = (globalThis as unknown as { __bench: { term: { write(d: Uint8Array, cb?: () => void): void } } }).__bench.term;
          const bytes = new TextEncoder().encode(text);
          const t0 = performance.now();
          await new Promise<void>((resolve) => {
            for (let i = 0; i < bytes.length; i += chunk) {
              const last = i + chunk >= bytes.length;
              t.write(bytes.subarray(i, i + chunk), last ? () => resolve() : undefined);
            }
          });
          await new Promise((r) => (globalThis as unknown as { requestAnimationFrame(cb: () => void): void }).requestAnimationFrame(() => r(null)));
          return performance.now() - t0;
        },
        { text: bulk.expected.toString('latin1'), chunk },
      );
      console.log(`${r} (${used}) chunk ${chunk / 1024} KiB: ${(bulk.expected.length / 1e6 / (ms / 1000)).toFixed(1)} MB/s (${ms.toFixed(0)} ms)`);
    }
    await p.close();
  }
} finally {
  await browser.close();
  await stack.stop();
}
