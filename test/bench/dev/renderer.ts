// Dev aid: the page's terminal with each renderer, back to back.
import { devStack } from './dev-stack';
import { bulkFile, sleep, summary } from '../measure';
import { berthRenderer, berthStart, launchBrowser, openPage, pageBulk, pageCtrlC, pageEcho, pageRun } from '../page';

const stack = devStack();
const browser = await launchBrowser();
const bulk = bulkFile(Number(process.env.MB ?? 10) * 1e6);
try {
  await stack.start(1);
  for (const r of (process.env.RENDERERS ?? 'auto,dom,webgl').split(',')) {
    await stack.poolFull();
    const p = await openPage(browser, 'berth');
    if (r !== 'auto') await p.context.addInitScript({ content: `localStorage.setItem('berth:renderer', '${r}')` });
    await berthStart(p, stack.url, 'first-steps');
    const used = await berthRenderer(p);
    await pageRun(p, `${bulk.command}; echo GEN$((40+2))`, 'GEN42');
    const e = summary((await pageEcho(p, 80)).parsed);
    const b = await pageBulk(p, bulk.expected);
    await sleep(300);
    const c = await pageCtrlC(p);
    console.log(`${r.padEnd(5)} (${used}) echo p50 ${e.p50.toFixed(1)} p99 ${e.p99.toFixed(1)} ms | bulk ${b.mbPerSecond.toFixed(1)} MB/s ${b.intact ? 'intact' : 'LOST'} | ctrl-c ${c.toFixed(0)} ms | load ${(await import('node:os')).loadavg()[0]!.toFixed(1)}`);
    await p.close();
  }
} finally {
  await browser.close();
  await stack.stop();
}
