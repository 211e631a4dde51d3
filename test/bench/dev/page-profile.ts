// Dev aid: a CPU profile of the page (Chrome DevTools Protocol) while 40 MB go through
// it, written to PROFILE (default /tmp/page.cpuprofile).
import { writeFileSync } from 'node:fs';
import { startedPage, withDevStack } from './dev-stack';
import { bulkFile } from '../measure';
import { pageBulk } from '../page';

const bulk = bulkFile(Number(process.env.MB ?? 40) * 1e6);
await withDevStack(1, async (stack, browser) => {
  const p = await startedPage(stack, browser, bulk);
  const cdp = await p.context.newCDPSession(p.page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  const b = await pageBulk(p, bulk.expected);
  const { profile } = await cdp.send('Profiler.stop');
  writeFileSync(process.env.PROFILE ?? '/tmp/page.cpuprofile', JSON.stringify(profile));
  console.log(`bulk ${b.mbPerSecond.toFixed(1)} MB/s ${b.intact ? 'intact' : 'LOST'} in ${b.ms.toFixed(0)} ms`);
  await p.close();
});
