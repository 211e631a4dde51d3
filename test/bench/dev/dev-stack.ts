// The stack every dev aid starts: the bench's ports, slots from SLOT / PEER_SLOT
// (default 40 / 52, as `npm run bench`), the image from BERTH_BENCH_IMAGE.
import type { Browser } from 'playwright-core';
import { BenchStack } from '../stack';
import { berthStart, launchBrowser, openPage, pageRun, type BenchPage } from '../page';

export function devStack(log: (line: string) => void = () => {}): BenchStack {
  return new BenchStack({
    dir: '/var/lib/berth/speed/bench',
    ports: { web: 3200, postgres: 3299, agent: 7200, peersAgent: 7201 },
    slots: { first: Number(process.env.SLOT ?? 40), count: 8 },
    peerSlots: { first: Number(process.env.PEER_SLOT ?? 52), count: 4 },
    maxTerminals: 40,
    image: process.env.BERTH_BENCH_IMAGE ?? 'berth/session:latest',
    log,
  });
}

/** Runs `body` with the dev stack (`pool` sandboxes ready) and a browser, and stops both after. */
export async function withDevStack(pool: number, body: (stack: BenchStack, browser: Browser) => Promise<void>): Promise<void> {
  const stack = devStack();
  const browser = await launchBrowser();
  try {
    await stack.start(pool);
    await body(stack, browser);
  } finally {
    await browser.close();
    await stack.stop();
  }
}

/** A new visitor's page with its sandbox started (from a full pool); with `bulk`, that file written in it. */
export async function startedPage(stack: BenchStack, browser: Browser, bulk?: { command: string }): Promise<BenchPage> {
  await stack.poolFull();
  const p = await openPage(browser, 'berth');
  await berthStart(p, stack.url, 'first-steps');
  if (bulk) await pageRun(p, `${bulk.command}; echo GEN$((40+2))`, 'GEN42');
  return p;
}
