// Dev aid: a `yes` flood in the page, then where its output waits: socket queues (ss) of the agent and dockerd.
import { execSync } from 'node:child_process';
import { startedPage, withDevStack } from './dev-stack';

await withDevStack(1, async (stack, browser) => {
  const p = await startedPage(stack, browser);
  await p.page.locator('.xterm').first().click({ position: { x: 40, y: 40 } });
  await p.page.keyboard.type("yes 'flood 0123456789 abcdefghijklmnopqrstuvwxyz'");
  await p.page.keyboard.press('Enter');
  await p.page.waitForTimeout(2000);
  console.log(execSync(`ss -xpn | awk '$3 > 10000 || $4 > 10000' | head -20; echo; ss -tpn | awk '$2 > 10000 || $3 > 10000' | head`).toString());
  await p.page.keyboard.press('Control+C');
  await p.page.waitForTimeout(1000);
  await p.close();
});
