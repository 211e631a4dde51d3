// Dev aid: which CSS animations run on the lesson page while the terminal is live.
import { devStack } from './dev-stack';
import { berthStart, launchBrowser, openPage } from '../page';

const stack = devStack();
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
