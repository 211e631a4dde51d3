/**
 * The lesson page in Debian's Chromium, with its sandbox served by the fake gateway
 * of apps/web/src/client/testing (the real one needs an agent and Docker): the fake
 * answers /api/sessions and /socket.io and hands every other request to the web
 * server under test, so the page, xterm.js, socket.io and the LearnerConnection are
 * the real ones. Screenshots land in test-results/screenshots.
 */
import http from 'node:http';
import net from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { FakeGateway } from '../../apps/web/src/client/testing/fake-gateway';
import { io as ioClient } from 'socket.io-client';
import { PROTOCOL_VERSION, wireParser } from '@berth/protocol';
import { DESKTOP, PHONE, WEB_URL, openBrowser, type BrowserSession } from './browser';
import { restartWeb } from './stack';

const LESSON = 'why-containers';
const HORIZONTAL_OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';

/** Forwards a request to the web server under test. */
function proxyToWeb(req: http.IncomingMessage, res: http.ServerResponse): void {
  const target = new URL(req.url ?? '/', WEB_URL);
  const upstream = http.request(
    target,
    // The Host header stays the page's own: Next.js checks it against Origin for server actions.
    { method: req.method, headers: req.headers },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.writeHead(502).end());
  req.pipe(upstream);
}

/**
 * A pass-through proxy to the stack under test that can cut every connection (and
 * refuse new ones) for a while: a network drop between the page and the real
 * gateway. It presents the stack's own Origin, which the gateway checks.
 */
class CuttableProxy {
  private readonly sockets = new Set<net.Socket>();
  private paused = false;

  private constructor(private readonly server: http.Server) {}

  static async start(upstreamUrl: string): Promise<CuttableProxy> {
    const upstream = new URL(upstreamUrl);
    const server = http.createServer();
    const proxy = new CuttableProxy(server);
    const track = (socket: net.Socket) => {
      proxy.sockets.add(socket);
      socket.on('close', () => proxy.sockets.delete(socket));
    };
    const headersFor = (req: http.IncomingMessage) => ({
      ...req.headers,
      ...(req.headers.origin ? { origin: upstream.origin } : {}),
    });
    server.on('connection', track);
    server.on('request', (req, res) => {
      if (proxy.paused) return void res.destroy();
      const up = http.request(new URL(req.url ?? '/', upstream), { method: req.method, headers: headersFor(req) }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    });
    server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
      if (proxy.paused) return void socket.destroy();
      const up = net.connect(Number(upstream.port), upstream.hostname, () => {
        const lines = Object.entries(headersFor(req)).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${k}: ${x}`));
        up.write(`${req.method} ${req.url} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
        up.write(head);
        socket.pipe(up).pipe(socket);
      });
      track(up);
      up.on('error', () => socket.destroy());
      socket.on('error', () => up.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}`;
  }

  /** Drops every connection and refuses new ones until resume(). */
  cut(): void {
    this.paused = true;
    for (const socket of this.sockets) socket.destroy();
  }

  resume(): void {
    this.paused = false;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

let gw: FakeGateway;
let sessions: BrowserSession[] = [];

beforeEach(async () => {
  gw = await FakeGateway.start({ demoShell: true, createDelayMs: 300, fallback: proxyToWeb });
});

afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  sessions = [];
  await gw.close();
});

async function open(locale: string, viewport = DESKTOP) {
  const session = await openBrowser({ locale, viewport, mobile: viewport === PHONE });
  sessions.push(session);
  await session.page.goto(`${gw.url}/lessons/${LESSON}`, { waitUntil: 'networkidle' });
  return session;
}

/** The only terminal the gateway has, once the page has opened it and written everything it got. */
async function liveTerminal(page: Page) {
  await page.locator('[data-testid="terminal-panel"][data-phase="live"]').first().waitFor();
  await expect.poll(() => gw.terminals.size).toBe(1);
  const terminal = [...gw.terminals.values()][0]!;
  await caughtUp(terminal.termId);
  return terminal;
}

/** The page has written (and acknowledged) every byte of the terminal. */
async function caughtUp(termId: string) {
  await expect
    .poll(() => {
      const t = gw.terminals.get(termId);
      const viewer = t ? [...t.viewers.values()][0] : undefined;
      return viewer ? viewer.ackedSeq === t!.output.length : false;
    })
    .toBe(true);
}

/** What the visible terminal shows (its whole buffer), read from xterm itself. */
function screenText(page: Page): Promise<string> {
  return page
    .locator('[data-testid="terminal-panel"]:not([inert]) [data-testid="terminal"]')
    .evaluate((el) => (el as unknown as { berthScreenText(): string }).berthScreenText());
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

async function typeInTerminal(page: Page, text: string) {
  await page.locator('[data-testid="terminal-panel"]:not([inert]) [data-testid="terminal"]').click();
  await page.keyboard.type(text);
  await page.keyboard.press('Enter');
}

describe('lesson page', { timeout: 60_000 }, () => {
  it('shows the lesson and a Start button before anything runs (en)', async () => {
    const { page, screenshot } = await open('en-US');
    expect(await page.locator('h1').textContent()).toBe('Why containers?');
    expect(await page.getByTestId('start').textContent()).toBe('Start the sandbox');
    // The lesson's commands are there to read and run, before anything has started.
    expect(await page.getByTestId('code-run').count()).toBeGreaterThan(0);
    expect(await page.getByText('docker run --rm debian uname -r').count()).toBe(1);
    expect(gw.receivedOf('POST /api/sessions')).toEqual([]);
    await screenshot('lesson-en-1280x800-start');
  });

  it('starts a session, shows the shell, takes keys and Korean input', async () => {
    const { page, screenshot } = await open('en-US');
    await page.getByTestId('start').click();
    const terminal = await liveTerminal(page);
    expect(gw.receivedOf('POST /api/sessions')).toHaveLength(1);
    expect(JSON.parse(gw.receivedOf('POST /api/sessions')[0]!.payload as string)).toEqual({ lessonId: LESSON });

    await typeInTerminal(page, 'docker run hello-world');
    await expect.poll(() => terminal.output.toString()).toContain('Hello from Docker!');
    expect(terminal.input.join('')).toBe('docker run hello-world\r');
    await expect.poll(() => screenText(page)).toContain('Hello from Docker!');

    // Korean through the IME: composition events, then the committed syllables, once.
    const cdp = await page.context().newCDPSession(page);
    await page.keyboard.type('echo ');
    for (const [partial, done] of [
      ['ㄷ', '도'],
      ['ㅋ', '커'],
    ] as const) {
      await cdp.send('Input.imeSetComposition', { text: partial, selectionStart: 1, selectionEnd: 1 });
      await cdp.send('Input.imeSetComposition', { text: done, selectionStart: 1, selectionEnd: 1 });
      await cdp.send('Input.insertText', { text: done });
      // xterm sends a committed composition on the next tick; a person is never faster than that.
      await page.waitForTimeout(30);
    }
    await page.keyboard.insertText(' 컨테이너');
    await page.keyboard.press('Enter');
    await expect.poll(() => terminal.input.join('')).toBe('docker run hello-world\recho 도커 컨테이너\r');
    await caughtUp(terminal.termId);
    const screen = await screenText(page);
    expect(screen).toContain('$ echo 도커 컨테이너\n도커 컨테이너\n');
    expect(count(screen, 'Hello from Docker!')).toBe(1);
    // The page wrote every byte into xterm and acknowledged it; the gateway saw no protocol error.
    expect(gw.violations).toEqual([]);
    expect(await page.getByTestId('session-state').textContent()).toBe('Running');
    expect(await page.getByTestId('time-left').textContent()).toMatch(/^(\d+:)?\d+:\d\d left$/);
    await screenshot('lesson-en-1280x800-terminal');
  });

  it('says so while the connection is down, and loses nothing', async () => {
    const { page, screenshot } = await open('en-US');
    await page.getByTestId('start').click();
    const terminal = await liveTerminal(page);

    gw.pause();
    await page.getByTestId('connection-banner').waitFor();
    expect(await page.getByTestId('connection-banner').textContent()).toContain('Connection lost, reconnecting…');
    gw.write(terminal.termId, 'written while you were away\r\n');
    await screenshot('lesson-en-1280x800-reconnecting');

    gw.resume();
    await page.getByTestId('connection-banner').waitFor({ state: 'detached' });
    await caughtUp(terminal.termId);
    // On the screen once: nothing lost, nothing twice.
    const screen = await screenText(page);
    expect(count(screen, 'written while you were away')).toBe(1);
    expect(count(screen, 'Welcome to Berth')).toBe(1);
    const attaches = gw.receivedOf('term:attach').map((r) => (r.payload as { fromSeq: number }).fromSeq);
    expect(attaches).toHaveLength(2);
    expect(attaches[1]).toBeGreaterThan(0);
    expect(gw.violations).toEqual([]);
  });

  it('keeps the running terminal when the language changes, and picks it up again after a reload', async () => {
    const { page } = await open('en-US');
    await page.getByTestId('start').click();
    const terminal = await liveTerminal(page);
    await typeInTerminal(page, 'echo still here');
    await expect.poll(() => terminal.output.toString()).toContain('still here\r\n');

    await page.getByTestId('locale-ko').click();
    await expect.poll(() => page.getByTestId('session-state').textContent()).toBe('실행 중');
    expect(await page.locator(`[data-testid="terminal-panel"][data-term-id="${terminal.termId}"]`).count()).toBe(1);
    expect(gw.receivedOf('POST /api/sessions')).toHaveLength(1);
    expect(gw.receivedOf('term:open')).toHaveLength(1);

    // A reload resumes the session of this tab: the same terminal, replayed from its first byte.
    await page.reload({ waitUntil: 'networkidle' });
    await page.locator(`[data-testid="terminal-panel"][data-term-id="${terminal.termId}"][data-phase="live"]`).waitFor();
    expect(gw.receivedOf('term:open')).toHaveLength(1);
    const attaches = gw.receivedOf('term:attach').map((r) => r.payload as { termId: string; fromSeq: number });
    expect(attaches.at(-1)).toEqual({ termId: terminal.termId, fromSeq: 0 });
    await caughtUp(terminal.termId);
    await expect.poll(() => screenText(page)).toContain('still here');
    expect(count(await screenText(page), 'Welcome to Berth')).toBe(1);
  });

  it('copies with Ctrl+Shift+C, pastes with Ctrl+V, and Ctrl+C still interrupts', async () => {
    const { page, context } = await open('en-US');
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gw.url });
    await page.getByTestId('start').click();
    const terminal = await liveTerminal(page);
    const box = (await page.locator('[data-testid="terminal"]').boundingBox())!;
    await page.mouse.dblclick(box.x + 20, box.y + 8); // the first word of the banner
    await page.keyboard.press('Control+Shift+C');
    await expect.poll(() => page.evaluate('navigator.clipboard.readText()')).toBe('Welcome');

    await page.evaluate(`navigator.clipboard.writeText('echo pasted 붙여넣기')`);
    await page.keyboard.press('Control+V');
    await page.keyboard.press('Enter');
    await page.keyboard.type('sleep 100');
    await page.keyboard.press('Control+C');
    await expect.poll(() => terminal.input.join('')).toBe('echo pasted 붙여넣기\rsleep 100\x03');
  });

  it('tabs: open, switch with the keyboard, close', async () => {
    const { page } = await open('en-US');
    await page.getByTestId('start').click();
    await liveTerminal(page);
    await page.getByTestId('terminal-new').click();
    await expect.poll(() => gw.terminals.size).toBe(2);
    const tabs = page.getByRole('tab');
    expect(await tabs.count()).toBe(2);
    expect(await tabs.nth(1).getAttribute('aria-selected')).toBe('true');

    await tabs.nth(1).focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => tabs.nth(0).getAttribute('aria-selected')).toBe('true');
    // Focus moved with the selection, in the same keystroke: the next key goes to the tab.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Terminal 1');
    await page.keyboard.press('Delete');
    await expect.poll(() => tabs.count()).toBe(1);
    await expect.poll(() => gw.terminals.size).toBe(1);
    expect(await page.getByRole('tab').textContent()).toBe('Terminal 2');
  });

  it('warns before the end, resets after confirming, and explains an ended session', async () => {
    const { page, screenshot } = await open('en-US');
    await page.getByTestId('start').click();
    const first = await liveTerminal(page);

    gw.warn('idle', 95);
    await expect.poll(() => page.getByTestId('time-left').textContent()).toMatch(/^Ends in 1:3\d if idle/);
    await screenshot('lesson-en-1280x800-warning');

    await page.getByTestId('reset').click();
    await page.getByTestId('reset-dialog').waitFor();
    await screenshot('lesson-en-1280x800-reset-dialog');
    await page.getByTestId('reset-confirm').click();
    await expect.poll(() => gw.receivedOf('session:reset').length).toBe(1);
    await page.locator('[data-testid="terminal-panel"][data-phase="live"]').waitFor();
    await expect.poll(() => [...gw.terminals.keys()]).not.toContain(first.termId);
    expect(await page.getByRole('tab').count()).toBe(1);

    gw.setState('stopped', { code: 'idle', message: 'nobody typed for 15 minutes' });
    await page.getByTestId('session-ended').waitFor();
    expect(await page.locator('#session-ended-title').textContent()).toBe('Your sandbox stopped because it was idle');
    await screenshot('lesson-en-1280x800-ended');

    await page.getByTestId('new-sandbox').click();
    await page.getByTestId('session-ended').waitFor({ state: 'detached' });
    await page.locator('[data-testid="terminal-panel"][data-phase="live"]').waitFor();
    expect(gw.receivedOf('POST /api/sessions')).toHaveLength(2);
  });

  it('shows "busy" with a way to try again, not a spinner', async () => {
    gw.options.startError = { status: 503, code: 'busy', message: 'all sandboxes are busy' };
    const { page, screenshot } = await open('en-US');
    await page.getByTestId('start').click();
    await page.getByTestId('start-error').waitFor();
    expect(await page.getByTestId('start-error').textContent()).toBe('All sandboxes are busy, try again in a minute.');
    expect(await page.getByTestId('start').textContent()).toBe('Try again');
    await screenshot('lesson-en-1280x800-busy');

    gw.options.startError = null;
    await page.getByTestId('start').click();
    await liveTerminal(page);
  });

  it('Korean: every state in natural Korean', async () => {
    gw.options.startError = { status: 503, code: 'busy', message: 'all sandboxes are busy' };
    const { page, screenshot } = await open('ko-KR');
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.locator('h1').textContent()).toBe('왜 컨테이너인가?');
    expect(await page.getByTestId('start').textContent()).toBe('실습 환경 시작하기');
    await screenshot('lesson-ko-1280x800-start');

    await page.getByTestId('start').click();
    await page.getByTestId('start-error').waitFor();
    expect(await page.getByTestId('start-error').textContent()).toBe('지금은 모든 실습 환경이 사용 중입니다. 1분 뒤에 다시 시도해 주세요.');
    await screenshot('lesson-ko-1280x800-busy');

    gw.options.startError = null;
    await page.getByTestId('start').click();
    const terminal = await liveTerminal(page);
    await typeInTerminal(page, 'docker run hello-world');
    await page.keyboard.insertText('echo 안녕하세요, 도커!');
    await page.keyboard.press('Enter');
    await expect.poll(() => terminal.output.toString()).toContain('안녕하세요, 도커!\r\n');
    await caughtUp(terminal.termId);
    gw.warn('lifetime', 240);
    await expect.poll(() => page.getByTestId('time-left').textContent()).toMatch(/^\d:\d\d 뒤 종료됩니다/);
    await screenshot('lesson-ko-1280x800-terminal');

    gw.pause();
    await page.getByTestId('connection-banner').waitFor();
    expect(await page.getByTestId('connection-banner').textContent()).toContain('연결이 끊겼습니다. 다시 연결하는 중…');
    gw.resume();
    await page.getByTestId('connection-banner').waitFor({ state: 'detached' });

    gw.setState('failed', { code: 'engine-restart', message: 'the Docker engine restarted' });
    await page.getByTestId('session-ended').waitFor();
    expect(await page.locator('#session-ended-title').textContent()).toBe('도커 호스트가 다시 시작되었습니다');
    await screenshot('lesson-ko-1280x800-ended');
  });

  it('remembers where the split handle was left', async () => {
    const { page } = await open('en-US');
    const width = () => page.getByTestId('lesson-text').evaluate((el) => Math.round(el.getBoundingClientRect().width));
    const before = await width();
    await page.getByRole('separator').focus();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    const after = await width();
    expect(after).toBeGreaterThan(before + 20);
    await page.reload({ waitUntil: 'networkidle' });
    await expect.poll(width).toBe(after);
  });

  it.each([
    ['en-US', 'en'],
    ['ko-KR', 'ko'],
  ])('on a phone the text comes first and the sandbox below (%s)', async (locale, short) => {
    const { page, screenshot } = await open(locale, PHONE);
    expect(await page.evaluate(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
    const [text, workspace] = await Promise.all([page.getByTestId('lesson-text').boundingBox(), page.getByTestId('workspace').boundingBox()]);
    expect(workspace!.y).toBeGreaterThanOrEqual(text!.y + text!.height - 1);
    await screenshot(`lesson-${short}-390x844-start`);
    await page.getByTestId('start').click();
    await liveTerminal(page);
    expect(await page.evaluate(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
    await screenshot(`lesson-${short}-390x844-terminal`);
  });

  it('the home page links every lesson card to its lesson', async () => {
    const session = await openBrowser({ locale: 'en-US' });
    sessions.push(session);
    await session.page.goto(WEB_URL, { waitUntil: 'networkidle' });
    const links = session.page.getByTestId('lesson-start');
    expect(await links.count()).toBe(12);
    expect(await links.first().getAttribute('href')).toBe('/lessons/why-containers');
    await links.nth(2).click();
    await session.page.waitForURL(/\/lessons\/first-steps$/);
    expect(await session.page.locator('h1').textContent()).toBe(await session.page.locator('header [aria-current=page] span:last-child').textContent());
  });
});

/**
 * The real thing on the stack under test (web + gateway + agent + Docker). One
 * visitor and so one session for all of these tests: the test agent has few slots.
 */
describe('lesson page with a real sandbox', { timeout: 90_000 }, () => {
  let real: BrowserSession;
  let proxy: CuttableProxy;

  beforeAll(async () => {
    proxy = await CuttableProxy.start(WEB_URL);
    real = await openBrowser({ locale: 'en-US' });
  });

  afterAll(async () => {
    await real?.close();
    await proxy?.close();
  });

  it('starts it and runs hello-world on the screen', async () => {
    const { page, screenshot } = real;
    await page.goto(`${proxy.url}/lessons/${LESSON}`, { waitUntil: 'networkidle' });
    await page.getByTestId('start').click();
    const outcome = await Promise.race([
      page.locator('[data-testid="terminal-panel"][data-phase="live"]').waitFor({ timeout: 45_000 }).then(() => 'live'),
      page.getByTestId('start-error').waitFor({ timeout: 45_000 }).then(() => 'error'),
    ]);
    if (outcome === 'error') throw new Error(`the sandbox did not start: ${await page.getByTestId('start-error').textContent()}`);
    await expect.poll(() => screenText(page), { timeout: 20_000 }).toMatch(/\$ ?$/);
    await typeInTerminal(page, 'docker run hello-world');
    await expect.poll(() => screenText(page), { timeout: 30_000 }).toMatch(/Hello from/);
    await screenshot('lesson-en-1280x800-real-sandbox');
  });

  it('survives a dropped connection to the real gateway: the banner shows, and no output is lost or doubled', async () => {
    const { page } = real;
    await page.locator('[data-testid="terminal-panel"][data-phase="live"]').waitFor();
    await typeInTerminal(page, 'clear; for i in 1 2 3 4 5 6; do echo tick-$i; sleep 1; done; echo done-$((6*7))');
    await expect.poll(() => screenText(page)).toContain('tick-1');

    // The shell keeps printing while the page is cut off; the gateway keeps it for the page.
    proxy.cut();
    await page.getByTestId('connection-banner').waitFor();
    await page.waitForTimeout(2500);
    proxy.resume();
    await page.getByTestId('connection-banner').waitFor({ state: 'detached', timeout: 30_000 });
    await expect.poll(() => screenText(page), { timeout: 20_000 }).toContain('done-42');
    const ticks = (await screenText(page)).match(/^tick-\d$/gm);
    expect(ticks).toEqual(['tick-1', 'tick-2', 'tick-3', 'tick-4', 'tick-5', 'tick-6']);
    await typeInTerminal(page, 'echo after-$((40+2))');
    await expect.poll(() => screenText(page)).toMatch(/^after-42$/m);
  });

  it('survives a restart of the web process: same sandbox, nothing lost or doubled', async () => {
    const { page } = real;
    await typeInTerminal(page, 'clear; for i in 1 2 3 4 5 6; do echo beat-$i; sleep 1; done; echo over-$((6*7))');
    await expect.poll(() => screenText(page)).toContain('beat-1');
    // A deploy: the web process (gateway and database client) stops and a new one starts.
    await restartWeb();
    await expect.poll(() => screenText(page), { timeout: 45_000 }).toContain('over-42');
    expect((await screenText(page)).match(/^beat-\d$/gm)).toEqual(['beat-1', 'beat-2', 'beat-3', 'beat-4', 'beat-5', 'beat-6']);
    await typeInTerminal(page, 'echo still-$((40+2))');
    await expect.poll(() => screenText(page)).toMatch(/^still-42$/m);
  });

  it('a reload finds the same sandbox with its scrollback; a second terminal opens and resizes with its pane', async () => {
    const { page } = real;
    await typeInTerminal(page, 'echo marker-$((7*6)) > ~/mark; cat ~/mark');
    await expect.poll(() => screenText(page)).toMatch(/^marker-42$/m);
    await page.reload({ waitUntil: 'networkidle' });
    await page.locator('[data-testid="terminal-panel"][data-phase="live"]').waitFor({ timeout: 45_000 });
    await expect.poll(() => screenText(page), { timeout: 20_000 }).toMatch(/^marker-42$/m);
    // A second terminal in a tab: the same sandbox (the file is there), its own shell.
    await page.getByTestId('terminal-new').click();
    await expect.poll(() => page.getByTestId('terminal-tab').count()).toBe(2);
    await page.locator('[data-testid="terminal-panel"]:not([inert])[data-phase="live"]').waitFor({ timeout: 20_000 });
    await typeInTerminal(page, 'cat ~/mark; stty size');
    await expect.poll(() => screenText(page)).toMatch(/^marker-42$/m);
    const before = /^(\d+) (\d+)$/m.exec(await screenText(page));
    expect(before).not.toBeNull();
    // A narrower window: the terminal follows its pane.
    await page.setViewportSize({ width: 1100, height: 700 });
    await page.waitForTimeout(500);
    await typeInTerminal(page, 'clear; stty size');
    await expect.poll(async () => /^(\d+) (\d+)$/m.exec(await screenText(page))?.[2]).not.toBe(before?.[2]);
    await page.setViewportSize(DESKTOP);
  });

  it('refuses a foreign Origin and a token used by another visitor', async () => {
    const origin = new URL(WEB_URL).origin;
    const grantFor = async () => {
      const res = await fetch(`${WEB_URL}/api/sessions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin },
        body: JSON.stringify({ lessonId: LESSON }),
      });
      return { grant: (await res.json()) as { token: string }, cookie: res.headers.get('set-cookie')!.split(';')[0]! };
    };
    const mine = await grantFor();
    const theirs = await grantFor();
    const connect = (headers: Record<string, string>, token: string) =>
      new Promise<string>((resolve) => {
        const s = ioClient(`${WEB_URL}/learner`, { transports: ['websocket'], parser: wireParser, forceNew: true, reconnection: false, auth: { token, protocolVersion: PROTOCOL_VERSION }, extraHeaders: headers });
        s.once('connect', () => {
          s.close();
          resolve('connected');
        });
        s.once('connect_error', (err) => {
          s.close();
          resolve(`refused: ${err.message}`);
        });
      });
    expect(await connect({ origin, cookie: mine.cookie }, mine.grant.token)).toBe('connected');
    expect(await connect({ origin: 'http://evil.example', cookie: mine.cookie }, mine.grant.token)).toMatch(/^refused/);
    expect(await connect({ origin, cookie: theirs.cookie }, mine.grant.token)).toMatch(/refused: this token belongs to another visitor/);
    const foreign = await fetch(`${WEB_URL}/api/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', origin: 'http://evil.example' },
      body: JSON.stringify({ lessonId: LESSON }),
    });
    expect(foreign.status).toBe(403);
  });
});
