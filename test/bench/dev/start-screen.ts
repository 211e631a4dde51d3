// Dev aid: Start in a fresh page, then the terminal's text and a screenshot (/tmp/start-screen.png).
import { withDevStack } from './dev-stack';
import { sleep } from '../measure';
import { berthStart, openPage } from '../page';

await withDevStack(1, async (stack, browser) => {
  await stack.poolFull();
  const p = await openPage(browser, 'berth');
  const t = await berthStart(p, stack.url, 'first-steps');
  await sleep(1500);
  const text = await p.page.locator('[data-testid="terminal"]').first().evaluate((el) => (el as unknown as { berthScreenText(): string }).berthScreenText());
  console.log(`prompt byte ${t.promptByteMs.toFixed(0)} ms\n---\n${text}\n---`);
  await p.page.screenshot({ path: '/tmp/start-screen.png' });
  await p.close();
});
