import { afterEach, describe, expect, it } from 'vitest';
import { DESKTOP, PHONE, WEB_URL, openBrowser, type BrowserSession } from './browser';

const EN_TITLE = 'Learn Docker by running it.';
const KO_TITLE = '도커는 직접 실행해 보며 배우는 게 가장 빠릅니다.';

// Page-side expressions are passed as strings: the repo's tsconfig has no DOM lib.
const FONTS_LOADED = `document.fonts.ready.then(() =>
  [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family.replace(/["']/g, '')))`;
const HORIZONTAL_OVERFLOW = 'document.documentElement.scrollWidth - window.innerWidth';

let sessions: BrowserSession[] = [];

async function open(locale: string, viewport = DESKTOP) {
  const session = await openBrowser({ locale, viewport, mobile: viewport === PHONE });
  sessions.push(session);
  return session;
}

afterEach(async () => {
  await Promise.all(sessions.map((s) => s.close()));
  sessions = [];
});

describe('home page', { timeout: 60_000 }, () => {
  it('/api/health answers ok', async () => {
    const response = await fetch(`${WEB_URL}/api/health`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/json');
    const body = (await response.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ status: 'ok', service: 'web', database: 'ok' });
    // The stack under test has its agent connected, with room for sessions.
    expect(body.agents).toEqual([expect.objectContaining({ capacity: expect.objectContaining({ accepting: true }) })]);
    expect(body.version).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an English browser sees English, and nothing is fetched from elsewhere', async () => {
    const { page, foreignRequests, requests, screenshot } = await open('en-US');
    await page.goto(WEB_URL, { waitUntil: 'networkidle' });

    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await expect.poll(() => page.locator('h1').textContent()).toBe(EN_TITLE);
    expect(await page.getByTestId('pitch').textContent()).toContain('Berth');
    expect(await page.getByRole('heading', { name: 'How it works' }).count()).toBe(1);
    expect(await page.getByTestId('lesson-card').count()).toBe(12);
    expect(await page.getByTestId('lesson-card').first().textContent()).toContain('Why containers');
    expect(await page.getByTestId('lesson-start').count()).toBe(12);
    expect(await page.getByTestId('lesson-start').first().textContent()).toContain('Start');
    expect(await page.getByTestId('locale-en').getAttribute('aria-pressed')).toBe('true');

    const fonts = (await page.evaluate(FONTS_LOADED)) as string[];
    expect(fonts).toContain('Pretendard Variable');
    expect(fonts).toContain('JetBrains Mono');

    await screenshot('home-en-1280x800');
    await screenshot('home-en-1280-full', { fullPage: true });
    expect(requests.length).toBeGreaterThan(1);
    expect(foreignRequests()).toEqual([]);
  });

  it('a Korean browser sees Korean, drawn with the app’s own Korean font', async () => {
    const { page, foreignRequests, screenshot } = await open('ko-KR');
    await page.goto(WEB_URL, { waitUntil: 'networkidle' });

    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    expect(await page.locator('h1').textContent()).toBe(KO_TITLE);
    expect(await page.getByTestId('pitch').textContent()).toMatch(/Berth.*도커/);
    expect(await page.getByRole('heading', { name: '이렇게 진행됩니다' }).count()).toBe(1);
    expect(await page.getByTestId('lesson-card').first().textContent()).toContain('왜 컨테이너인가?');
    expect(await page.getByTestId('lesson-start').first().textContent()).toContain('시작하기');
    expect(await page.getByTestId('locale-ko').getAttribute('aria-pressed')).toBe('true');

    // Hangul glyphs come from Pretendard served by the app (the machine may have no CJK font).
    const fonts = (await page.evaluate(FONTS_LOADED)) as string[];
    expect(fonts).toContain('Pretendard Variable');
    expect(await page.evaluate(`document.fonts.check('16px "Pretendard Variable"', '도커 컨테이너 실습')`)).toBe(true);

    await screenshot('home-ko-1280x800');
    await screenshot('home-ko-1280-full', { fullPage: true });
    expect(foreignRequests()).toEqual([]);
  });

  it('the switcher changes the language and a reload keeps it', async () => {
    const { context, page, foreignRequests } = await open('en-US');
    await page.goto(WEB_URL, { waitUntil: 'networkidle' });
    expect(await page.locator('h1').textContent()).toBe(EN_TITLE);

    await page.getByRole('button', { name: '한국어' }).click();
    await page.locator('h1', { hasText: KO_TITLE }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('ko');
    const cookies = await context.cookies(WEB_URL);
    expect(cookies.find((c) => c.name === 'berth-locale')?.value).toBe('ko');

    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.locator('h1').textContent()).toBe(KO_TITLE);

    await page.getByRole('button', { name: 'English' }).click();
    await page.locator('h1', { hasText: EN_TITLE }).waitFor();
    await page.reload({ waitUntil: 'networkidle' });
    expect(await page.locator('h1').textContent()).toBe(EN_TITLE);
    expect(foreignRequests()).toEqual([]);
  });

  it.each([
    ['en-US', 'en'],
    ['ko-KR', 'ko'],
  ])('fits a phone screen (%s)', async (locale, short) => {
    const { page, foreignRequests, screenshot } = await open(locale, PHONE);
    await page.goto(WEB_URL, { waitUntil: 'networkidle' });
    expect(await page.evaluate(HORIZONTAL_OVERFLOW)).toBeLessThanOrEqual(0);
    // Single column: the first two lesson cards sit one above the other.
    const cards = page.getByTestId('lesson-card');
    const [first, second] = await Promise.all([cards.nth(0).boundingBox(), cards.nth(1).boundingBox()]);
    expect(second!.y).toBeGreaterThan(first!.y + first!.height - 1);
    await screenshot(`home-${short}-390x844`);
    await screenshot(`home-${short}-390-full`, { fullPage: true });
    expect(foreignRequests()).toEqual([]);
  });
});
