// Dev aid: a `yes` flood in the page, then where its output waits: socket queues (ss) of the agent and dockerd.
import { execSync } from 'node:child_process';
import { devStack } from './dev-stack';
import { berthStart, launchBrowser, openPage } from '../page';

const stack = devStack();
const browser = await launchBrowser();
try {
  await stack.start(1);
  await stack.poolFull();
  const p = await openPage(browser, 'berth');
  await berthStart(p, stack.url, 'first-steps');
  await p.page.locator('.xterm').first().click({ position: { x: 40, y: 40 } });
  await p.page.keyboard.type("yes 'flood 0123456789 abcdefghijklmnopqrstuvwxyz'");
  await p.page.keyboard.press('Enter');
  await p.page.waitForTimeout(2000);
  console.log(execSync(`ss -xpn | awk '$3 > 10000 || $4 > 10000' | head -20; echo; ss -tpn | awk '$2 > 10000 || $3 > 10000' | head`).toString());
  await p.page.keyboard.press('Control+C');
  await p.page.waitForTimeout(1000);
  await p.close();
} finally {
  await browser.close();
  await stack.stop();
}
