/**
 * Many terminals at once, each streaming a line every 50 ms (a log being tailed),
 * while every terminal is probed for keystroke echo about once a second. The number
 * of terminals grows level by level until echo p99 passes the limit.
 */
import { percentile, sleep } from './measure';
import { BerthVisitor, type BenchTerminal, type BerthSocket } from './terminals';

/** A steady stream without forking: bash's read -t on a private FIFO is the sleep. */
export const STREAM_COMMAND =
  'f=$(mktemp -u); mkfifo $f; exec 3<>$f; rm $f; n=0; while :; do printf "stream %06d abcdefghijklmnopqrstuvwxy 0123456789 abcdefghijklmnopqrstuvwxy\\n" $((n++)); read -t 0.05 -u 3; done';
/** Never in the stream's output. */
const PROBE = 'Z';

export interface LoadLevel {
  terminals: number;
  samples: number;
  p50: number;
  p99: number;
  max: number;
  /** Output received while probing, all terminals together. */
  kbPerSecond: number;
  timeouts: number;
}

export async function rampLoad(opts: {
  levels: number[];
  probeSeconds: number;
  limitMs: number;
  /** Opens `count` more terminals of the system under test. */
  open: (count: number) => Promise<BenchTerminal[]>;
  log: (line: string) => void;
}): Promise<{ levels: LoadLevel[]; terminals: BenchTerminal[] }> {
  const terminals: BenchTerminal[] = [];
  const levels: LoadLevel[] = [];
  for (const level of opts.levels) {
    const more = level - terminals.length;
    let opened: BenchTerminal[];
    try {
      opened = await opts.open(more);
    } catch (err) {
      opts.log(`  could not open ${more} more terminals: ${(err as Error).message}`);
      break;
    }
    for (const term of opened) term.write(`${STREAM_COMMAND}\r`);
    terminals.push(...opened);
    await sleep(1500);
    const result = await probe(terminals, opts.probeSeconds);
    levels.push({ terminals: terminals.length, ...result });
    opts.log(`  ${terminals.length} terminals: echo p50 ${result.p50.toFixed(1)} ms, p99 ${result.p99.toFixed(1)} ms, ${result.kbPerSecond.toFixed(0)} kB/s streamed, ${result.timeouts} timeouts`);
    if (result.p99 > opts.limitMs) break;
  }
  return { levels, terminals };
}

async function probe(terminals: BenchTerminal[], seconds: number) {
  const samples: number[] = [];
  let bytes = 0;
  let timeouts = 0;
  const offs = terminals.map((term) => term.onData((chunk) => (bytes += chunk.length)));
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    terminals.map(async (term) => {
      await sleep(Math.random() * 1000);
      while (performance.now() < end) {
        const ms = await echoOnce(term);
        if (ms === null) timeouts++;
        samples.push(ms ?? 5000);
        await sleep(500 + Math.random() * 1000);
      }
    }),
  );
  for (const off of offs) off();
  return {
    samples: samples.length,
    p50: percentile(samples, 50),
    p99: percentile(samples, 99),
    max: Math.max(...samples),
    kbPerSecond: bytes / 1000 / seconds,
    timeouts,
  };
}

function echoOnce(term: BenchTerminal): Promise<number | null> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const timer = setTimeout(() => {
      off();
      resolve(null);
    }, 5000);
    const off = term.onData((chunk, at) => {
      if (!chunk.includes(PROBE)) return;
      clearTimeout(timer);
      off();
      resolve(at - t0);
    });
    term.write(PROBE);
  });
}

/** Stops every stream (Ctrl-C) and closes the terminals. */
export async function stopLoad(terminals: BenchTerminal[]): Promise<void> {
  for (const term of terminals) term.write('\x03');
  await sleep(300);
  for (const term of terminals) term.write('exit\r');
  await sleep(300);
  await Promise.all(terminals.map((t) => t.close().catch(() => undefined)));
}

/**
 * Opens Berth terminals for rampLoad the way pages do: one socket per terminal (a page
 * per tab), up to `maxTerminals` per session, sessions started as needed. `sockets`
 * lists every socket opened, to close them afterwards.
 */
export function berthTerminalOpener(url: string, lesson: string, maxTerminals: number): { open: (count: number) => Promise<BenchTerminal[]>; sockets: BerthSocket[] } {
  const sockets: BerthSocket[] = [];
  let current: { visitor: BerthVisitor; grant: Awaited<ReturnType<BerthVisitor['start']>>; used: number } | null = null;
  const open = async (count: number) => {
    const opened: BenchTerminal[] = [];
    while (opened.length < count) {
      if (!current || current.used >= maxTerminals) {
        const visitor = new BerthVisitor(url);
        const grant = await visitor.start(lesson);
        const s = await visitor.connect(grant);
        await s.ready();
        sockets.push(s);
        current = { visitor, grant, used: 0 };
      }
      const session = current;
      const batch = Math.min(count - opened.length, maxTerminals - session.used, 10);
      const made = await Promise.all(
        Array.from({ length: batch }, async () => {
          const s = await session.visitor.connect(session.grant);
          sockets.push(s);
          const term = await s.openTerminal(100, 30);
          await term.ready;
          return term;
        }),
      );
      session.used += batch;
      opened.push(...made);
    }
    return opened;
  };
  return { open, sockets };
}

/** An opener for rampLoad: `count` terminals made by `make`, ten at a time, each ready. */
export function inBatches(make: () => Promise<BenchTerminal>): (count: number) => Promise<BenchTerminal[]> {
  return async (count) => {
    const made: BenchTerminal[] = [];
    for (let i = 0; i < count; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: Math.min(10, count - i) }, async () => {
          const t = await make();
          await t.ready;
          return t;
        }),
      );
      made.push(...batch);
    }
    return made;
  };
}
