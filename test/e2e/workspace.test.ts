/**
 * The workspace on the real stack (web + gateway + agent + a real sandbox), in Debian's
 * Chromium: the file tree follows the terminal, Monaco (served by the site itself)
 * edits and saves, a change in the sandbox updates the editor or asks, "Create this
 * file" opens the file, a Dockerfile edited in the editor is built and run with -p and
 * its page shows in a preview on an origin of its own. One sandbox for the whole file
 * (the stack has few slots). Screenshots in both languages and on a phone.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Frame, Page } from 'playwright-core';
import { PHONE, WEB_ORIGIN, WEB_URL, openBrowser, type BrowserSession } from './browser';

const LESSON = 'first-dockerfile';
let session: BrowserSession;
let page: Page;

async function screenText(): Promise<string> {
  return page
    .locator('[data-testid=terminal-panel]:not(.invisible) [data-testid=terminal]')
    .first()
    .evaluate((el) => (el as unknown as { berthScreenText(): string }).berthScreenText());
}

/** Types a command into the visible terminal and waits for the prompt after it. */
async function run(command: string, timeout = 30_000): Promise<string> {
  await page.locator('[data-testid=terminal-panel]:not(.invisible) .xterm-helper-textarea').first().focus();
  const before = (await screenText()).length;
  await page.keyboard.type(command);
  await page.keyboard.press('Enter');
  await expect.poll(async () => (await screenText()).slice(Math.max(0, before - 1)), { timeout }).toMatch(/\n[^\n]*learner@sandbox:~\S*\$\s*$/);
  return screenText();
}

const treeItem = (path: string) => page.locator(`[data-testid=file-tree-item][data-path="${path}"]`);
const editor = (path: string) => page.locator(`[data-testid=editor-pane][data-path="${path}"]`);

/** What Monaco shows (the visible lines, as text). */
async function editorText(path: string): Promise<string> {
  type Line = { style: { top: string }; textContent: string | null };
  const text = await editor(path)
    .locator('.view-lines')
    .evaluate((el) =>
      [...(el as unknown as { querySelectorAll(selector: string): Iterable<Line> }).querySelectorAll('.view-line')].map((l) => ({
        top: parseFloat(l.style.top),
        text: l.textContent ?? '',
      })),
    );
  return text
    .sort((a, b) => a.top - b.top)
    .map((l) => l.text.replace(/\u00a0/g, ' '))
    .join('\n');
}

async function openInEditor(path: string): Promise<void> {
  await treeItem(path).click();
  await editor(path).locator('.monaco-editor .view-lines').waitFor({ timeout: 30_000 });
}

beforeAll(async () => {
  session = await openBrowser({ locale: 'en-US' });
  page = session.page;
  await page.goto(`${WEB_URL}/lessons/${LESSON}`, { waitUntil: 'networkidle' });
  await page.getByTestId('start').click();
  await page.locator('[data-testid=terminal-panel][data-phase=live]').waitFor({ timeout: 60_000 });
  await page.waitForFunction(`/learner@sandbox:~\\$\\s*$/m.test(document.querySelector('[data-testid=terminal]').berthScreenText())`, undefined, {
    timeout: 30_000,
  });
}, 120_000);

afterEach(async (ctx) => {
  if (ctx.task.result?.state === 'fail') await session.screenshot(`workspace-failed-${ctx.task.name.slice(0, 40).replace(/\W+/g, '-')}`);
});

afterAll(async () => {
  await session?.close();
});

describe('the workspace on a real sandbox', { timeout: 180_000 }, () => {
  it('shows a file made in the terminal in the tree; Monaco edits it and Ctrl+S saves it where the shell sees it', async () => {
    await page.getByTestId('layout-editor').click();
    await treeItem('README.txt').waitFor();
    const started = Date.now();
    await run(`printf 'FROM busybox\\nCMD ["echo", "hi"]\\n' > made-in-shell.Dockerfile`);
    await treeItem('made-in-shell.Dockerfile').waitFor({ timeout: 10_000 });
    console.log(`[workspace e2e] a file made in the terminal showed in the tree after ${Date.now() - started} ms`);

    await openInEditor('made-in-shell.Dockerfile');
    // Saved by hand here (autosave is on by default; it saves 1.2 s after the last key).
    await page.getByTestId('editor-autosave').uncheck();
    expect(await editorText('made-in-shell.Dockerfile')).toBe('FROM busybox\nCMD ["echo", "hi"]\n');
    await editor('made-in-shell.Dockerfile').locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('LABEL edited.in=monaco\n');
    await expect.poll(() => editor('made-in-shell.Dockerfile').getAttribute('data-dirty')).toBe('true');
    expect(await page.locator('[data-testid=doc-tab][data-dirty=true]').count()).toBe(1);
    await page.keyboard.press('Control+s');
    await expect.poll(() => editor('made-in-shell.Dockerfile').getAttribute('data-dirty')).toBe('false');
    expect(await page.getByTestId('editor-status').textContent()).toBe('Saved');
    expect(await run('cat made-in-shell.Dockerfile')).toContain('CMD ["echo", "hi"]\nLABEL edited.in=monaco\n');
    await session.screenshot('workspace-en-editor');
  });

  it('updates the editor when the terminal changes a file, and asks when the editor has unsaved edits', async () => {
    await run(`echo '# appended in the terminal' >> made-in-shell.Dockerfile`);
    await expect.poll(() => editorText('made-in-shell.Dockerfile'), { timeout: 10_000 }).toContain('# appended in the terminal');
    expect(await editor('made-in-shell.Dockerfile').getAttribute('data-dirty')).toBe('false');

    // Unsaved edits in the editor, then the terminal writes the file: nothing is lost silently.
    await editor('made-in-shell.Dockerfile').locator('.view-lines').click();
    await page.keyboard.press('Control+Home');
    await page.keyboard.insertText('# mine\n');
    await run(`echo 'FROM nginx' > made-in-shell.Dockerfile`);
    await page.getByTestId('editor-conflict').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('editor-conflict').textContent()).toContain('changed in the sandbox while you had unsaved changes');
    expect(await editorText('made-in-shell.Dockerfile')).toMatch(/^# mine\n/);
    await page.getByTestId('conflict-compare').click();
    await page.getByTestId('editor-compare').locator('.monaco-diff-editor').waitFor();
    await page.waitForTimeout(500);
    await session.screenshot('workspace-en-conflict-compare');
    await page.getByTestId('conflict-keep-mine').click();
    await expect.poll(() => page.getByTestId('editor-conflict').count()).toBe(0);
    await expect.poll(() => page.getByTestId('editor-status').textContent()).toBe('Saved');
    expect(await editor('made-in-shell.Dockerfile').getAttribute('data-dirty')).toBe('false');
    expect(await run('cat made-in-shell.Dockerfile')).toMatch(/\$ cat made-in-shell.Dockerfile\n# mine\nFROM busybox/);
  });

  it('Create this file writes the lesson’s file and opens it in the editor', async () => {
    const block = page.locator('[data-testid=file-block][data-path="site/index.html"]').first();
    await block.getByTestId('code-create').click();
    await editor('site/index.html').locator('.monaco-editor .view-lines').waitFor({ timeout: 20_000 });
    expect(await editorText('site/index.html')).toContain('<h1>Harbor Coffee</h1>');
    expect(await treeItem('site/index.html').getAttribute('aria-selected')).toBe('true');
    await page.locator('[data-testid=file-block][data-path="site/Dockerfile"]').first().getByTestId('code-create').click();
    await editor('site/Dockerfile').locator('.monaco-editor .view-lines').waitFor({ timeout: 20_000 });
    expect(await editorText('site/Dockerfile')).toContain('FROM nginx');
  });

  let previewOrigin = '';

  it('an edited page is built and run with -p, and its preview shows it on an origin of its own, without the site’s cookies', async () => {
    // Edit the page in the editor (autosave off: Ctrl+S).
    await page.locator('[data-testid=doc-tab][data-key="file:site/index.html"]').click();
    await editor('site/index.html').locator('.view-lines').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.insertText('<p id="edited">Edited in the Berth editor</p>\n');
    await page.keyboard.press('Control+s');
    await expect.poll(() => editor('site/index.html').getAttribute('data-dirty')).toBe('false');

    await run('cd site && docker build -q -t harbor-coffee . && docker run -d --name coffee -p 8080:80 harbor-coffee && cd ~', 180_000);
    await page.getByTestId('ports-count').waitFor({ timeout: 15_000 });
    await page.getByTestId('ports-button').click();
    await page.locator('[data-testid=ports-open][data-port="8080"]').click();
    const frameEl = page.getByTestId('preview-frame');
    await frameEl.waitFor({ timeout: 20_000 });
    const frame = (await (await frameEl.elementHandle())!.contentFrame()) as Frame;
    await expect.poll(async () => frame.locator('#edited').textContent().catch(() => null), { timeout: 20_000 }).toBe('Edited in the Berth editor');
    previewOrigin = new URL(frame.url()).origin;
    expect(previewOrigin).toMatch(/^http:\/\/8080-[a-z2-7]{16}\.preview\.localhost:\d+$/);
    expect(previewOrigin).not.toBe(WEB_ORIGIN);
    // The page in the preview sees none of the site's cookies (nor its own preview cookie: HttpOnly) ...
    expect(await frame.evaluate('document.cookie')).toBe('');
    // ... and cannot use the site's API as the learner.
    const attempt = await frame.evaluate(async (site) => {
      try {
        const res = await fetch(`${site}/api/sessions`, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ lessonId: 'first-dockerfile' }),
        });
        return `status ${res.status}`;
      } catch (error) {
        return `blocked: ${(error as Error).name}`;
      }
    }, WEB_URL);
    expect(attempt).toMatch(/^blocked|^status 403$/);
    await session.screenshot('workspace-en-preview');
  });

  it('uploads a file from the computer, downloads one, and F6 takes the focus out of the terminal', async () => {
    await page.getByTestId('layout-editor').click();
    await treeItem('README.txt').click();
    await page.getByTestId('files-upload-input').setInputFiles({ name: 'notes 메모.txt', mimeType: 'text/plain', buffer: Buffer.from('uploaded ✓\n') });
    await treeItem('notes 메모.txt').waitFor({ timeout: 10_000 });
    expect(await run("cat 'notes 메모.txt'")).toContain('uploaded ✓');

    await treeItem('notes 메모.txt').click({ button: 'right' });
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('menuitem', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe('notes 메모.txt');
    const chunks: Buffer[] = [];
    for await (const chunk of (await download.createReadStream())!) chunks.push(chunk as Buffer);
    expect(Buffer.concat(chunks).toString()).toBe('uploaded ✓\n');

    // Keyboard only: from the terminal, F6 goes to the next pane instead of into the shell.
    await page.locator('[data-testid=terminal-panel]:not(.invisible) .xterm-helper-textarea').first().focus();
    await page.keyboard.press('F6');
    expect(await page.evaluate('document.activeElement?.closest("[data-region]")?.dataset.region')).toBe('files');
    await page.keyboard.press('F6');
    expect(await page.evaluate('document.activeElement?.closest("[data-region]")?.dataset.region')).toBe('documents');
    await page.keyboard.press('Shift+F6');
    await page.keyboard.press('Shift+F6');
    expect(await page.evaluate('document.activeElement?.closest("[data-region]")?.dataset.region')).toBe('terminal');
  });

  it('refuses what leads outside the home folder', async () => {
    await run('ln -sfn /etc etc-link');
    await treeItem('etc-link').waitFor({ timeout: 10_000 });
    expect(await treeItem('etc-link').getAttribute('title')).toContain('outside your home folder');
    await treeItem('etc-link').click();
    await expect.poll(() => page.getByTestId('files-error').textContent()).toContain('outside your home folder');
  });

  it('does not open the preview for another visitor', async () => {
    const stranger = await openBrowser({ locale: 'en-US' });
    try {
      await stranger.page.goto(`${previewOrigin}/`);
      expect(await stranger.page.locator('[data-preview-page]').getAttribute('data-preview-page')).toBe('unauthorized');
      expect(await stranger.page.textContent('body')).not.toContain('Harbor Coffee');
    } finally {
      await stranger.close();
    }
  });

  it('in Korean and on a phone; no request left the site and this session’s previews', async () => {
    await page.getByRole('button', { name: '한국어' }).click();
    await expect.poll(() => page.getByTestId('layout-editor').textContent(), { timeout: 15_000 }).toBe('에디터');
    await page.locator('[data-testid=terminal-panel][data-phase=live]').waitFor({ timeout: 30_000 });
    await page.getByTestId('layout-editor').click();
    await page.locator('[data-testid=doc-tab][data-key="file:site/Dockerfile"]').click();
    // A page that is Korean from the start loads Monaco with its Korean texts (and the
    // open files and layout come back after the reload).
    await page.reload({ waitUntil: 'networkidle' });
    await editor('site/Dockerfile').locator('.monaco-editor .view-lines').waitFor({ timeout: 60_000 });
    await editor('site/Dockerfile').locator('.view-lines').click();
    await page.keyboard.press('Control+f');
    await expect.poll(() => page.locator('.find-widget textarea').first().getAttribute('aria-label'), { timeout: 10_000 }).toBe('찾기');
    await page.keyboard.press('Escape');
    await page.waitForTimeout(500);
    await session.screenshot('workspace-ko-editor');
    await page.getByTestId('layout-preview').click();
    await page.getByTestId('preview-frame').waitFor({ timeout: 20_000 });
    await page.waitForTimeout(800);
    await session.screenshot('workspace-ko-preview');

    await page.setViewportSize(PHONE);
    await page.waitForTimeout(500);
    expect(await page.getByTestId('workspace-panes').getAttribute('data-narrow')).toBe('true');
    await page.getByTestId('workspace').scrollIntoViewIfNeeded();
    await page.getByTestId('layout-files').click();
    await page.waitForTimeout(300);
    await session.screenshot('workspace-ko-phone-files');
    await page.getByTestId('layout-documents').click();
    await page.waitForTimeout(500);
    await session.screenshot('workspace-ko-phone-preview');
    expect(await page.evaluate('document.documentElement.scrollWidth - window.innerWidth')).toBeLessThanOrEqual(0);

    const foreign = session.foreignRequests().filter((url) => new URL(url).origin !== previewOrigin);
    expect(foreign).toEqual([]);
    expect(session.requests.some((url) => url.includes('/_berth/monaco/'))).toBe(true);
  });
});
