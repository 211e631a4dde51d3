/** What the benchmark does with a terminal: wait for text, type, time echoes, floods and Ctrl-C. */
import type { BenchTerminal } from './terminals';

const ESC = String.fromCharCode(27);
const BEL = String.fromCharCode(7);
const ANSI = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]|${ESC}\\][^${BEL}${ESC}]*(?:${BEL}|${ESC}\\\\)|${ESC}[()][A-Z0-9]|${ESC}[=>]`, 'g');
export const stripAnsi = (s: string) => s.replace(ANSI, '');
/** The end of a bash prompt (PS1 ends in "$ "; escape sequences such as OSC 133 marks are stripped first). */
export const PROMPT = /\$ $/;

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves with the arrival time of the chunk after which the terminal's recent
 * output (escape sequences removed) matches `pattern`. Only output after the call counts.
 */
export function waitFor(term: BenchTerminal, pattern: RegExp, timeoutMs = 30_000, keep = 16_384): Promise<number> {
  return new Promise((resolve, reject) => {
    let tail = '';
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${term.kind}: timed out waiting for ${pattern}; last output: ${JSON.stringify(stripAnsi(tail).slice(-300))}`));
    }, timeoutMs);
    const off = term.onData((chunk, at) => {
      tail = (tail + chunk.toString('latin1')).slice(-keep);
      if (pattern.test(stripAnsi(tail))) {
        clearTimeout(timer);
        off();
        resolve(at);
      }
    });
  });
}

/** Types a command and waits for the prompt after `marker` (printed by the command itself). */
export async function run(term: BenchTerminal, command: string, timeoutMs = 60_000): Promise<void> {
  const tag = `ok${Math.floor(Math.random() * 1e6)}`;
  const done = waitFor(term, new RegExp(`${tag}-${6 * 7}\\r?\\n[\\s\\S]*\\$ $`), timeoutMs);
  term.write(`${command}; echo ${tag}-$((6*7))\r`);
  await done;
}

/**
 * Keystroke echo: types one character, times its echo, again and again (the line is
 * cleared with Ctrl-U every 30 characters). Returns milliseconds per keystroke.
 */
export async function echoLatencies(term: BenchTerminal, samples: number, opts: { warmup?: number; gapMs?: number } = {}): Promise<number[]> {
  const warmup = opts.warmup ?? 20;
  const gap = opts.gapMs ?? 15;
  const times: number[] = [];
  let onLine = 0;
  for (let i = 0; i < warmup + samples; i++) {
    if (onLine === 30) {
      const cleared = nextChunk(term);
      term.write('\x15');
      await cleared;
      await sleep(gap);
      onLine = 0;
    }
    const echoed = nextChunk(term, 'x');
    const t0 = performance.now();
    term.write('x');
    const t1 = await echoed;
    onLine++;
    if (i >= warmup) times.push(t1 - t0);
    await sleep(gap);
  }
  const cleared = nextChunk(term);
  term.write('\x15');
  await cleared;
  return times;
}

/** Arrival time of the next output chunk (that contains `text`, if given). */
export function nextChunk(term: BenchTerminal, text?: string, timeoutMs = 10_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`${term.kind}: no output ${text ? `with ${JSON.stringify(text)} ` : ''}within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = term.onData((chunk, at) => {
      if (text !== undefined && !chunk.includes(text)) return;
      clearTimeout(timer);
      off();
      resolve(at);
    });
  });
}

// ------------------------------------------------------------------------- bulk output

export const BULK_FILE = '/tmp/bench.txt';
const LINE = (i: number) => `line ${String(i).padStart(8, '0')}: the quick brown fox jumps over the lazy dog 0123456789`;

/** The bulk file: a begin marker, numbered lines, an end marker (~`bytes` in all). */
export function bulkFile(bytes: number): { command: string; expected: Buffer; lines: number } {
  const lines = Math.ceil(bytes / (LINE(1).length + 1));
  const command = `{ echo BENCH-BEGIN; seq -f 'line %08.0f: the quick brown fox jumps over the lazy dog 0123456789' 1 ${lines}; echo BENCH-END; } > ${BULK_FILE}`;
  // What the terminal shows between the markers: the TTY turns \n into \r\n.
  const parts = ['BENCH-BEGIN'];
  for (let i = 1; i <= lines; i++) parts.push(LINE(i));
  parts.push('BENCH-END');
  return { command, expected: Buffer.from(parts.join('\r\n'), 'latin1'), lines };
}

export interface BulkResult {
  mbPerSecond: number;
  bytes: number;
  ms: number;
  intact: boolean;
}

/** `cat` of the bulk file: MB/s from Enter to the last byte, and whether every byte arrived in order. */
export async function bulkOutput(term: BenchTerminal, expected: Buffer, timeoutMs = 120_000): Promise<BulkResult> {
  const chunks: Buffer[] = [];
  const off = term.onData((chunk) => chunks.push(chunk));
  const done = waitFor(term, /DONE42/, timeoutMs);
  const t0 = performance.now();
  term.write(`cat ${BULK_FILE}; echo DONE$((40+2))\r`);
  const t1 = await done;
  await waitFor(term, PROMPT, 10_000).catch(() => undefined);
  off();
  const all = Buffer.concat(chunks);
  const begin = all.indexOf('BENCH-BEGIN\r\n');
  const end = all.indexOf('BENCH-END', begin);
  const got = begin >= 0 && end >= 0 ? all.subarray(begin, end + 'BENCH-END'.length) : Buffer.alloc(0);
  const ms = t1 - t0;
  return { mbPerSecond: expected.length / 1e6 / (ms / 1000), bytes: expected.length, ms, intact: got.equals(expected) };
}

// ------------------------------------------------------------------------- floods

export const FLOOD_COMMAND = "yes 'flood 0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ'";

/** Starts a `yes` flood and resolves once `bytes` of it arrived. */
export async function startFlood(term: BenchTerminal, bytes = 1_000_000): Promise<void> {
  let got = 0;
  const flooding = new Promise<void>((resolve) => {
    const off = term.onData((chunk) => {
      got += chunk.length;
      if (got >= bytes) {
        off();
        resolve();
      }
    });
  });
  term.write(`${FLOOD_COMMAND}\r`);
  await flooding;
}

export interface CtrlCResult {
  /** Ctrl-C sent -> the last flood byte arrived. */
  stopMs: number;
  /** Ctrl-C sent -> the new prompt arrived. */
  promptMs: number;
  /** Flood bytes that arrived after Ctrl-C was sent. */
  bytesAfter: number;
}

/** Ctrl-C during a flood: how long until the output stops and the prompt is back. */
export async function ctrlC(term: BenchTerminal): Promise<CtrlCResult> {
  await startFlood(term);
  let lastFlood = 0;
  let bytesAfter = 0;
  const t0 = performance.now();
  const off = term.onData((chunk, at) => {
    if (chunk.includes('flood 0123')) {
      lastFlood = at;
      bytesAfter += chunk.length;
    }
  });
  const prompt = waitFor(term, /\^C[\s\S]*\$ $/, 20_000, 4096);
  term.write('\x03');
  const tPrompt = await prompt;
  await sleep(300);
  off();
  return { stopMs: Math.max(0, (lastFlood || t0) - t0), promptMs: tPrompt - t0, bytesAfter };
}

/** Stops a flood started with startFlood and waits for the prompt. */
export async function stopFlood(term: BenchTerminal): Promise<void> {
  const prompt = waitFor(term, /\^C[\s\S]*\$ $/, 30_000, 4096);
  term.write('\x03');
  await prompt;
}

// ------------------------------------------------------------------------- numbers

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const summary = (values: number[]) => ({
  n: values.length,
  p50: percentile(values, 50),
  p95: percentile(values, 95),
  p99: percentile(values, 99),
  max: values.length ? Math.max(...values) : NaN,
});

// ------------------------------------------------------------------------- another learner

/** Starts test/bench/flood-reader.ts in a process of its own; resolves once it floods. */
export async function floodElsewhere(target: object): Promise<{ stop(): Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const child = spawn(process.execPath, ['--import', 'tsx', new URL('./flood-reader.ts', import.meta.url).pathname, JSON.stringify(target)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const until = async (word: string, ms: number) => {
    const end = Date.now() + ms;
    while (!out.includes(word)) {
      if (child.exitCode !== null) throw new Error(`the flood reader exited (${child.exitCode}): ${out}`);
      if (Date.now() > end) throw new Error(`the flood reader did not say "${word}" within ${ms} ms`);
      await sleep(20);
    }
  };
  await until('flooding', 120_000);
  return {
    stop: async () => {
      child.stdin.end();
      await until('stopped', 30_000).catch(() => child.kill());
    },
  };
}
