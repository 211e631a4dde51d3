// Dev aid: a CPU profile of the page (Chrome DevTools Protocol) while 40 MB go through
// it, written to PROFILE (default /tmp/page.cpuprofile).
import { writeFileSync } from 'node:fs';
import { devStack } from './dev-stack';
import { bulkFile } from '../measure';
import { berthStart, launchBrowser, openPage, pageBulk, pageRun } from '../page';

const stack = devStack();
const browser = await launchBrowser();
const bulk = bulkFile(Number(process.env.MB ?? 40) * 1e6);
try {
  await stack.start(1);
  await stack.poolFull();
  const p = await openPage(browser, 'berth');
  await berthStart(p, stack.url, 'first-steps');
  await pageRun(p, `${bulk.command}; echo GEN$((40+2))`, 'GEN42');
  const cdp = await p.context.newCDPSession(p.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const b = await pageBulk(p, bulk.expected);
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(process.env.PROFILE ?? '/tmp/page.cpuprofile', JSON.stringify(profile));
  console.log(`bulk ${b.mbPerSecond.toFixed(1)} MB/s ${b.intact ? 'intact' : 'LOST'} in ${b.ms.toFixed(0)} ms`);
  await p.close();
} finally {
  await browser.close();
  await stack.stop();
}
