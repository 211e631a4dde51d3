/**
 * Measurements in Debian's Chromium (headless, driven by playwright-core), timed
 * with the page's own clock: a script injected before the page loads watches the
 * xterm.js terminal the page creates (Berth lists its terminals in
 * window.__berthTerminals when asked to; wetty keeps its own in window.wetty_term):
 * what is written into it, and when it is on screen.
 */
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/browser';
import { browserEnv } from '../e2e/browser-env';

export type PageKind = 'berth' | 'wetty';

/** The few browser globals the in-page code uses (this project's types are Node's). */
interface PageGlobals {
  document: { addEventListener(type: string, listener: (e: { timeStamp: number }) => void, capture: boolean): void };
  requestAnimationFrame(callback: (time: number) => void): number;
  [name: string]: unknown;
}

/** Runs in the page before its own scripts. */
function pageHooks(kind: PageKind): void {
  type Term = {
    buffer: { active: { baseY: number; cursorY: number; getLine(y: number): { translateToString(trim?: boolean): string } | undefined } };
    write(data: string | Uint8Array, callback?: () => void): void;
    onWriteParsed(listener: () => void): { dispose(): void };
  };
  const w = globalThis as unknown as PageGlobals;
  const bench = {
    kind,
    clickAt: null as number | null,
    lastKeyAt: 0,
    firstByteAt: null as number | null,
    promptByteAt: null as number | null,
    term: null as Term | null,
  };
  w.__bench = bench;
  if (kind === 'berth') {
    const list: Term[] = [];
    const push = list.push.bind(list);
    list.push = (...terms: Term[]) => {
      if (!bench.term && terms[0]) {
        bench.term = terms[0];
        watchWrites(terms[0]);
      }
      return push(...terms);
    };
    w.__berthTerminals = list;
  } else {
    let current: Term | null = null;
    Object.defineProperty(w, 'wetty_term', {
      configurable: true,
      get: () => current,
      set: (t: Term) => {
        current = t;
        bench.term = t;
        watchWrites(t);
      },
    });
  }
  w.document.addEventListener('click', (e) => (bench.clickAt ??= e.timeStamp), true);
  w.document.addEventListener('keydown', (e) => (bench.lastKeyAt = e.timeStamp), true);
  const latin1 = new TextDecoder('latin1');
  /** The first output byte, and the first with the prompt, as they are handed to xterm.js. */
  function watchWrites(t: Term): void {
    const original = t.write.bind(t);
    t.write = (data: string | Uint8Array, callback?: () => void) => {
      if (bench.promptByteAt === null) {
        const at = performance.now();
        bench.firstByteAt ??= at;
        if ((typeof data === 'string' ? data : latin1.decode(data)).includes('$ ')) bench.promptByteAt = at;
      }
      original(data, callback);
    };
  }

  const cursorLine = (t: Term) => {
    const b = t.buffer.active;
    return b.getLine(b.baseY + b.cursorY)?.translateToString(true) ?? '';
  };
  const frame = () => new Promise<number>((r) => w.requestAnimationFrame(() => r(performance.now())));

  /** Resolves (page time) at the first frame after the cursor line shows a prompt. */
  w.__benchPromptShown = async (timeoutMs: number) => {
    const until = performance.now() + timeoutMs;
    for (;;) {
      const t = bench.term;
      if (t && /\$\s*$/.test(cursorLine(t))) return frame();
      if (performance.now() > until) throw new Error(`no prompt on screen; cursor line: ${t ? cursorLine(t) : '(no terminal)'}`);
      await frame();
    }
  };

  /**
   * Armed before a key is pressed: once the cursor line ends with `count` x's, resolves
   * with the time from keydown until the echo was parsed into xterm.js, and until the
   * next frame (when it is painted).
   */
  w.__benchArmEcho = (count: number) =>
    new Promise<{ parsed: number; painted: number }>((resolve, reject) => {
      const t = bench.term;
      if (!t) return reject(new Error('no terminal'));
      const want = 'x'.repeat(count);
      const timer = setTimeout(() => {
        sub.dispose();
        reject(new Error(`echo not seen; cursor line: ${cursorLine(t)}`));
      }, 5000);
      const sub = t.onWriteParsed(() => {
        if (!cursorLine(t).endsWith(want)) return;
        sub.dispose();
        clearTimeout(timer);
        const keyAt = bench.lastKeyAt;
        const parsed = performance.now() - keyAt;
        void frame().then((painted) => resolve({ parsed, painted: painted - keyAt }));
      });
    });

  /**
   * Armed before a bulk `cat`: every byte written into xterm is counted and hashed
   * (FNV-1a) from the begin marker through the end marker; resolves with the byte
   * count, the hash, and (page time) the Enter key and the frame after the end marker
   * was parsed. The markers are found with indexOf and the bytes hashed in one tight
   * loop per chunk, so that the check costs the page little next to xterm.js.
   */
  w.__benchArmBulk = () =>
    new Promise<{ bytes: number; hash: number; startAt: number; endAt: number }>((resolve, reject) => {
      const t = bench.term;
      if (!t) return reject(new Error('no terminal'));
      const BEGIN = 'BENCH-BEGIN';
      const END = 'BENCH-END';
      let inside = false;
      let finished = false;
      /** The last few characters of the previous chunk, for a marker split between two. */
      let tail = '';
      let hash = 0x811c9dc5;
      let bytes = 0;
      const hashRange = (data: string | Uint8Array, from: number, to: number) => {
        let h = hash;
        if (typeof data === 'string') for (let i = from; i < to; i++) h = Math.imul(h ^ (data.charCodeAt(i) & 0xff), 0x01000193);
        else for (let i = from; i < to; i++) h = Math.imul(h ^ data[i]!, 0x01000193);
        hash = h >>> 0;
        bytes += to - from;
      };
      /** Where `marker` ends in this chunk (its end index), if it does, looking at the tail too. */
      const markerEnd = (text: string, marker: string) => {
        const at = (tail + text).indexOf(marker);
        return at < 0 ? -1 : at + marker.length - tail.length;
      };
      const feed = (data: string | Uint8Array) => {
        const text = typeof data === 'string' ? data : latin1.decode(data);
        let from = 0;
        if (!inside) {
          const at = markerEnd(text, BEGIN);
          if (at < 0) {
            tail = (tail + text).slice(-BEGIN.length);
            return;
          }
          inside = true;
          // The begin marker counts, including any part of it in the previous chunk.
          hashRange(BEGIN, 0, BEGIN.length - Math.min(at, BEGIN.length));
          from = Math.max(0, at - BEGIN.length);
          tail = '';
        }
        const rest = from === 0 ? text : text.slice(from);
        const at = markerEnd(rest, END);
        const to = at < 0 ? data.length : from + at;
        hashRange(data, from, to);
        if (at >= 0) finished = true;
        else tail = (tail + rest).slice(-END.length);
      };
      const timer = setTimeout(() => reject(new Error(`bulk output did not end (${bytes} bytes)`)), 300_000);
      const original = t.write.bind(t);
      t.write = (data: string | Uint8Array, callback?: () => void) => {
        if (!finished) feed(data);
        if (finished) {
          const startAt = bench.lastKeyAt;
          t.write = original;
          original(data, () => {
            callback?.();
            clearTimeout(timer);
            void frame().then((endAt) => resolve({ bytes, hash, startAt, endAt }));
          });
          return;
        }
        original(data, callback);
      };
    });
}

export function fnv1a(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) hash = Math.imul(hash ^ bytes[i]!, 0x01000193) >>> 0;
  return hash;
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, env: browserEnv() });
}

export interface BenchPage {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** A fresh visitor (no cookies) with the hooks installed. */
export async function openPage(browser: Browser, kind: PageKind): Promise<BenchPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-US', deviceScaleFactor: 1 });
  // tsx (esbuild, keepNames) wraps named functions in __name(...): give the page a no-op one.
  await context.addInitScript({ content: `var __name = (f) => f;\n(${pageHooks.toString()})(${JSON.stringify(kind)});` });
  const page = await context.newPage();
  return { context, page, close: () => context.close() };
}

type Hooks = {
  __bench: { clickAt: number | null; firstByteAt: number | null; promptByteAt: number | null; lastKeyAt: number; term: unknown };
  __benchPromptShown(timeoutMs: number): Promise<number>;
  __benchArmEcho(count: number): Promise<{ parsed: number; painted: number }>;
  __benchArmBulk(): Promise<{ bytes: number; hash: number; startAt: number; endAt: number }>;
};

export interface StartTiming {
  /** Click -> the first terminal output byte arrived in the page. */
  firstByteMs: number;
  /** Click -> the frame containing the prompt arrived in the page. */
  promptByteMs: number;
  /** Click -> the first frame painted with the prompt on screen. */
  promptShownMs: number;
}

/** Berth: open the lesson page, press Start, time until the prompt. */
export async function berthStart(p: BenchPage, url: string, lesson: string): Promise<StartTiming> {
  await p.page.goto(`${url}/lessons/${lesson}`, { waitUntil: 'networkidle' });
  const start = p.page.getByTestId('start');
  await start.waitFor();
  await start.click();
  const shown = await p.page.evaluate(() => (globalThis as unknown as Hooks).__benchPromptShown(60_000));
  const b = await p.page.evaluate(() => (globalThis as unknown as Hooks).__bench);
  if (b.clickAt === null || b.promptByteAt === null || b.firstByteAt === null) throw new Error('the page saw no click or no output');
  return { firstByteMs: b.firstByteAt - b.clickAt, promptByteMs: b.promptByteAt - b.clickAt, promptShownMs: shown - b.clickAt };
}

/** wetty: open its page (the sandbox is running), time from navigation until the prompt. */
export async function wettyStart(p: BenchPage, url: string): Promise<StartTiming> {
  await p.page.goto('about:blank');
  const t0 = await p.page.evaluate(() => performance.timeOrigin + performance.now());
  await p.page.goto(`${url}/wetty`, { waitUntil: 'commit' });
  const shown = await p.page.evaluate(() => (globalThis as unknown as Hooks).__benchPromptShown(60_000));
  const b = await p.page.evaluate(() => ({ ...(globalThis as unknown as Hooks).__bench, origin: performance.timeOrigin }));
  if (b.promptByteAt === null || b.firstByteAt === null) throw new Error('the wetty page saw no output');
  const rel = (pageTime: number) => b.origin + pageTime - t0;
  return { firstByteMs: rel(b.firstByteAt), promptByteMs: rel(b.promptByteAt), promptShownMs: rel(shown) };
}

/** Renderer Berth's terminal uses in this browser (data-renderer on the terminal). */
export async function berthRenderer(p: BenchPage): Promise<string> {
  return (await p.page.locator('[data-testid="terminal"]').first().getAttribute('data-renderer')) ?? 'unknown';
}

/** Keystroke echo in the page's xterm: keydown -> the echo parsed into xterm.js, and -> the next frame. */
export async function pageEcho(p: BenchPage, samples: number, warmup = 10): Promise<{ parsed: number[]; painted: number[] }> {
  const times = { parsed: [] as number[], painted: [] as number[] };
  await focusTerminal(p);
  let onLine = 0;
  for (let i = 0; i < samples + warmup; i++) {
    if (onLine === 30) {
      await p.page.keyboard.press('Control+U');
      await p.page.waitForTimeout(50);
      onLine = 0;
    }
    const count = onLine + 1;
    const echo = p.page.evaluate((n) => (globalThis as unknown as Hooks).__benchArmEcho(n), count);
    await p.page.keyboard.press('x');
    const ms = await echo;
    onLine = count;
    if (i >= warmup) {
      times.parsed.push(ms.parsed);
      times.painted.push(ms.painted);
    }
    await p.page.waitForTimeout(15);
  }
  await p.page.keyboard.press('Control+U');
  return times;
}

/** Types a command into the page's terminal and waits until a line shows `done`. */
export async function pageRun(p: BenchPage, command: string, done: string, timeoutMs = 60_000): Promise<void> {
  await focusTerminal(p);
  await p.page.keyboard.type(command);
  await p.page.keyboard.press('Enter');
  await p.page.waitForFunction(
    (text) => {
      const t = (globalThis as unknown as Hooks).__bench.term as { buffer: { active: { length: number; getLine(y: number): { translateToString(): string } | undefined } } } | null;
      if (!t) return false;
      const b = t.buffer.active;
      for (let y = Math.max(0, b.length - 60); y < b.length; y++) if (b.getLine(y)?.translateToString().includes(text)) return true;
      return false;
    },
    done,
    { timeout: timeoutMs, polling: 50 },
  );
}

/** `cat` of the bulk file into the page's xterm. */
export async function pageBulk(p: BenchPage, expected: Buffer): Promise<{ mbPerSecond: number; intact: boolean; ms: number }> {
  await focusTerminal(p);
  const armed = p.page.evaluate(() => (globalThis as unknown as Hooks).__benchArmBulk());
  await p.page.keyboard.type('cat /tmp/bench.txt');
  await p.page.keyboard.press('Enter');
  const r = await armed;
  const ms = r.endAt - r.startAt;
  return { mbPerSecond: expected.length / 1e6 / (ms / 1000), intact: r.bytes === expected.length && r.hash === fnv1a(expected), ms };
}

/** Ctrl-C during a `yes` flood in the page: keydown -> the frame showing the prompt again. */
export async function pageCtrlC(p: BenchPage): Promise<number> {
  await focusTerminal(p);
  await p.page.keyboard.type("yes 'flood 0123456789 abcdefghijklmnopqrstuvwxyz'");
  await p.page.keyboard.press('Enter');
  await p.page.waitForTimeout(1500);
  await p.page.keyboard.press('Control+C');
  const shown = await p.page.evaluate(() => (globalThis as unknown as Hooks).__benchPromptShown(20_000));
  const keyAt = await p.page.evaluate(() => (globalThis as unknown as Hooks).__bench.lastKeyAt);
  return shown - keyAt;
}

async function focusTerminal(p: BenchPage): Promise<void> {
  const box = p.page.locator('.xterm').first();
  await box.click({ position: { x: 40, y: 40 } });
}
