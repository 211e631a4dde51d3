/**
 * Browser helper for end-to-end tests: Debian's Chromium driven by playwright-core
 * (never a downloaded browser). Every session gets a fresh profile, a locale of its
 * own, and a log of every URL the page asked for.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { browserEnv } from './browser-env';

/** Base URL of the running web server under test. */
export const WEB_URL = (process.env.BERTH_WEB_URL ?? 'http://127.0.0.1:3000').replace(/\/+$/, '');
export const WEB_ORIGIN = new URL(WEB_URL).origin;

export const CHROMIUM_PATH = process.env.BERTH_CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a root-run Chromium on a closed network (see docs/platform-facts.md). */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots land in <repo>/test-results/screenshots (gitignored). */
export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export interface Viewport {
  width: number;
  height: number;
}

export const DESKTOP: Viewport = { width: 1280, height: 800 };
export const PHONE: Viewport = { width: 390, height: 844 };

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Every request URL the browser made, in order (documents, scripts, fonts, actions...). */
  requests: string[];
  /** Requests whose origin is not the server's (should stay empty). */
  foreignRequests(): string[];
  /** Saves a PNG under SCREENSHOT_DIR and returns its path. */
  screenshot(name: string, options?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** BCP 47 locale: sets navigator.language and the Accept-Language header. */
  locale: string;
  viewport?: Viewport;
  /** A phone-like session (touch, mobile viewport meta honoured). */
  mobile?: boolean;
}

export async function openBrowser({ locale, viewport = DESKTOP, mobile = false }: OpenOptions): Promise<BrowserSession> {
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'berth-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      env: browserEnv(),
      locale,
      viewport,
      isMobile: mobile,
      hasTouch: mobile,
      deviceScaleFactor: 1,
    });
  } catch (error) {
    await rm(userDataDir, { recursive: true, force: true });
    throw error;
  }

  const requests: string[] = [];
  context.on('request', (request) => requests.push(request.url()));
  const page = context.pages()[0] ?? (await context.newPage());

  return {
    context,
    page,
    requests,
    foreignRequests: () =>
      requests.filter((url) => {
        if (url.startsWith('data:') || url.startsWith('blob:') || url === 'about:blank') return false;
        try {
          return new URL(url).origin !== WEB_ORIGIN;
        } catch {
          return true;
        }
      }),
    async screenshot(name, options = {}) {
      await mkdir(SCREENSHOT_DIR, { recursive: true });
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path: file, fullPage: options.fullPage ?? false });
      return file;
    },
    async close() {
      try {
        await context.close();
      } finally {
        await rm(userDataDir, { recursive: true, force: true });
      }
    },
  };
}
