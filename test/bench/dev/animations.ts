// Dev aid: which CSS animations run on the lesson page while the terminal is live.
import { startedPage, withDevStack } from './dev-stack';

await withDevStack(1, async (stack, browser) => {
  const p = await startedPage(stack, browser);
  await p.page.waitForTimeout(1000);
  console.log(await p.page.evaluate(`document.getAnimations().map((a) => a.animationName + ' on ' + a.effect.target.tagName + '.' + String(a.effect.target.className).slice(0, 80))`));
  await p.close();
});
