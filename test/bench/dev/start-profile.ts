// Dev aid: a CPU profile of the page from the Start click to the prompt on screen
// (PROFILE, default /tmp/start.cpuprofile), after RUNS-1 unprofiled starts.
import { writeFileSync } from 'node:fs';
import { withDevStack } from './dev-stack';
import { sleep } from '../measure';
import { berthStart, openPage } from '../page';

await withDevStack(2, async (stack, browser) => {
  const agent = await stack.agentClient();
  const runs = Number(process.env.RUNS ?? 3);
  for (let i = 0; i < runs; i++) {
    await stack.poolFull();
    await sleep(1500);
    const p = await openPage(browser, 'berth');
    const profiled = i === runs - 1;
    const cdp = await p.context.newCDPSession(p.page);
    if (profiled) {
      await p.page.goto(`${stack.url}/lessons/first-steps`, { waitUntil: 'networkidle' });
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
      await cdp.send('Profiler.start');
    }
    if (profiled) {
      await p.page.getByTestId('start').click();
      await p.page.evaluate(() => (globalThis as unknown as { __benchPromptShown(ms: number): Promise<number> }).__benchPromptShown(60_000));
    } else {
      const t = await berthStart(p, stack.url, 'first-steps');
      console.log(`run ${i}: first byte ${t.firstByteMs.toFixed(0)} ms, prompt shown ${t.promptShownMs.toFixed(0)} ms`);
    }
    if (profiled) writeFileSync(process.env.PROFILE ?? '/tmp/start.cpuprofile', JSON.stringify((await cdp.send('Profiler.stop')).profile));
    await p.close();
    for (const x of await agent.request('sandbox:list', {})) await agent.request('sandbox:destroy', { sessionId: x.sessionId });
  }
  agent.close();
});
