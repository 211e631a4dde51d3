/**
 * The lesson player on the real stack (web + gateway + agent + a real sandbox), in
 * Debian's Chromium: Run types a lesson's command into the terminal, the step's
 * check (run in the sandbox) marks it done after the command, progress survives a
 * reload, a check that fails says what is missing in the page's language, hints come
 * one at a time, and the quiz answers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { WEB_URL, openBrowser, type BrowserSession } from './browser';

const LESSON = 'why-containers';
const sessions: BrowserSession[] = [];

afterEach(async () => {
  for (const s of sessions.splice(0)) await s.close();
});

async function screenText(page: Page): Promise<string> {
  return page.getByTestId('terminal').first().evaluate((el) => (el as unknown as { berthScreenText(): string }).berthScreenText());
}

async function startSandbox(page: Page): Promise<void> {
  await page.getByTestId('start').click();
  await page.locator('[data-testid=terminal-panel][data-phase=live]').waitFor({ timeout: 30_000 });
  await expect.poll(() => screenText(page), { timeout: 20_000 }).toMatch(/learner@sandbox:~\$\s*$/m);
}

const step = (page: Page, id: string) => page.locator(`[data-testid=step][data-step-id="${id}"]`);

describe('lesson player on a real sandbox', { timeout: 120_000 }, () => {
  it('Run types the command, the step turns done by itself, and a reload keeps the progress (en)', async () => {
    const session = await openBrowser({ locale: 'en-US' });
    sessions.push(session);
    const { page } = session;
    await page.goto(`${WEB_URL}/lessons/${LESSON}`, { waitUntil: 'networkidle' });
    expect(await page.getByTestId('progress-text').textContent()).toBe('0 of 2 steps done');
    expect(await step(page, 'same-kernel').getAttribute('data-active')).toBe('true');

    // Run before the sandbox exists starts it and types the command once a shell is there.
    await step(page, 'same-kernel').getByTestId('code-run').first().click();
    await page.locator('[data-testid=terminal-panel][data-phase=live]').waitFor({ timeout: 30_000 });
    await expect.poll(() => screenText(page), { timeout: 20_000 }).toMatch(/\$ uname -r\n\d+\.\d+\S*\n/);
    expect(await step(page, 'same-kernel').getAttribute('data-done')).toBe('false');

    await step(page, 'same-kernel').getByTestId('code-run').nth(1).click();
    await expect.poll(() => step(page, 'same-kernel').getAttribute('data-done'), { timeout: 30_000 }).toBe('true');
    const kernels = (await screenText(page)).match(/^\d+\.\d+\S*$/gm) ?? [];
    expect(kernels.length).toBe(2);
    expect(kernels[0]).toBe(kernels[1]);
    // The done step stays open with its success; Next moves on.
    expect(await step(page, 'same-kernel').getByTestId('check-result').getAttribute('data-state')).toBe('done');
    await step(page, 'same-kernel').getByTestId('next-step').click();
    expect(await step(page, 'startup-time').getAttribute('data-active')).toBe('true');
    expect(await page.getByTestId('progress-text').textContent()).toBe('1 of 2 steps done');
    await session.screenshot('player-en-step-done');

    await page.reload({ waitUntil: 'networkidle' });
    await expect.poll(() => step(page, 'same-kernel').getAttribute('data-done')).toBe('true');
    expect(await page.getByTestId('progress-text').textContent()).toBe('1 of 2 steps done');
  });

  it('a check that fails says what is missing; hints come one at a time; the quiz answers (ko)', async () => {
    const session = await openBrowser({ locale: 'ko-KR' });
    sessions.push(session);
    const { page } = session;
    await page.goto(`${WEB_URL}/lessons/${LESSON}`, { waitUntil: 'networkidle' });
    expect(await page.getByTestId('progress-text').textContent()).toBe('2단계 중 0단계 완료');

    // Checking before the sandbox runs asks for it, in Korean.
    await step(page, 'same-kernel').getByTestId('check').click();
    await expect.poll(() => step(page, 'same-kernel').getByTestId('check-result').textContent()).toContain('샌드박스를 시작하세요');

    await startSandbox(page);
    await step(page, 'same-kernel').getByTestId('check').click();
    const result = step(page, 'same-kernel').getByTestId('check-result');
    await expect.poll(() => result.getAttribute('data-state'), { timeout: 30_000 }).toBe('failed');
    expect(await result.textContent()).toContain('아직 끝나지 않았습니다');
    expect(await result.textContent()).toContain('uname -r 을 실행하세요');

    expect(await step(page, 'same-kernel').getByTestId('hint').count()).toBe(0);
    await step(page, 'same-kernel').getByTestId('show-hint').click();
    expect(await step(page, 'same-kernel').getByTestId('hint').count()).toBe(1);
    await step(page, 'same-kernel').getByTestId('show-hint').click();
    expect(await step(page, 'same-kernel').getByTestId('hint').count()).toBe(2);
    expect(await step(page, 'same-kernel').getByTestId('show-hint').count()).toBe(0);
    await session.screenshot('player-ko-check-failed');

    const question = page.getByTestId('quiz-question').first();
    await question.getByRole('radio').first().check();
    expect(await question.getAttribute('data-correct')).toBe('false');
    expect(await question.getByTestId('quiz-feedback').textContent()).toContain('아쉽네요');
    await question.getByRole('radio').nth(1).check();
    expect(await question.getAttribute('data-correct')).toBe('true');
    expect(await question.getByTestId('quiz-feedback').textContent()).toContain('커널');
    expect(await page.getByTestId('quiz-score').textContent()).toBe('2문제 중 1문제 정답');
    await session.screenshot('player-ko-quiz');
  });

  it('"Create this file" writes the block into the sandbox, where the shell sees it', async () => {
    const session = await openBrowser({ locale: 'en-US' });
    sessions.push(session);
    const { page } = session;
    await page.goto(`${WEB_URL}/lessons/first-dockerfile`, { waitUntil: 'networkidle' });
    await startSandbox(page);
    const block = page.locator('[data-active=true] [data-testid=file-block]').first();
    const path = (await block.getAttribute('data-path'))!;
    const firstLine = ((await block.locator('pre').textContent()) ?? '').split('\n')[0]!;
    await block.getByTestId('code-create').click();
    await expect.poll(() => block.getByTestId('code-create-status').textContent().catch(() => '')).toBe(`Created ~/${path}`);
    await page.getByTestId('terminal').first().click();
    await page.keyboard.type(`head -n 1 ~/${path}\n`);
    await expect.poll(() => screenText(page)).toContain(`\n${firstLine}\n`);
    await session.screenshot('player-en-file-created');
  });
});
