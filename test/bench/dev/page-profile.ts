// Dev aid: a CPU profile of the page (Chrome DevTools Protocol) while 40 MB go through
// it, written to PROFILE (default /tmp/page.cpuprofile).
import { writeFileSync } from 'node:fs';
import { BenchStack } from '../stack';
import { bulkFile } from '../measure';
import { berthStart, launchBrowser, openPage, pageBulk, pageRun } from '../page';

const stack = new BenchStack({ dir: '/var/lib/berth/speed/bench', ports: { web: 3200, postgres: 3299, agent: 7200, peersAgent: 7201 }, slots: { first: Number(process.env.SLOT ?? 40), count: 8 }, peerSlots: { first: Number(process.env.PEER_SLOT ?? 52), count: 4 }, maxTerminals: 40, image: process.env.BERTH_BENCH_IMAGE ?? 'berth/session:latest', log: () => {} });
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
