// Dev aid: which CSS animations run on the lesson page while the terminal is live.
import { BenchStack } from '../stack';
import { berthStart, launchBrowser, openPage } from '../page';

const stack = new BenchStack({ dir: '/var/lib/berth/speed/bench', ports: { web: 3200, postgres: 3299, agent: 7200, peersAgent: 7201 }, slots: { first: 40, count: 8 }, peerSlots: { first: 52, count: 4 }, maxTerminals: 40, image: process.env.BERTH_BENCH_IMAGE ?? 'berth/session:latest', log: () => {} });
const browser = await launchBrowser();
try {
  await stack.start(1);
  await stack.poolFull();
  const p = await openPage(browser, 'berth');
  await berthStart(p, stack.url, 'first-steps');
  await p.page.waitForTimeout(1000);
  console.log(await p.page.evaluate(`document.getAnimations().map((a) => a.animationName + ' on ' + a.effect.target.tagName + '.' + String(a.effect.target.className).slice(0, 80))`));
  await p.close();
} finally {
  await browser.close();
  await stack.stop();
}
