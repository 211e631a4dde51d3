/**
 * Walks through a lesson the way a learner following it would, in a real sandbox:
 * for each step, its setup, its check (which must fail: the step is not done yet),
 * its commands typed into a real terminal exactly as the lesson shows them (or its
 * solution, for a challenge), its files written, and its check again (which must
 * pass now).
 */
import { composeScript, fileContent, type Course, type Lang, type Lesson, type Step } from '@berth/content';
import { openTerminal, sessionId, type TestAgent } from './harness';

const PROMPT_READY = '\x1b]133;B\x07';
const QUIET_MS = 400;

/** Waits until the shell is back at its prompt: a new "input start" mark, then quiet. */
async function waitForPrompt(raw: () => string, since: number, timeoutMs: number, what: string, screen: () => string): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = raw().length;
  let quietSince = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, 50));
    const out = raw();
    if (out.length !== last) {
      last = out.length;
      quietSince = Date.now();
    }
    const atPrompt = out.lastIndexOf(PROMPT_READY) >= since && out.endsWith(PROMPT_READY);
    if (atPrompt && Date.now() - quietSince >= QUIET_MS) return;
    if (Date.now() > until) throw new Error(`${what}: the shell did not come back to its prompt within ${timeoutMs} ms. Screen:\n${screen().slice(-3000)}`);
  }
}

/**
 * Waits until nothing has been printed for a while (a block that stays in a
 * program), or at most `maxMs`: a program that prints steadily (`logs -f` of a
 * ticker) is never quiet, and the next block interrupts it anyway.
 */
async function waitForQuiet(raw: () => string, ms: number, maxMs = 8_000): Promise<void> {
  let last = -1;
  let quietSince = Date.now();
  const until = Date.now() + maxMs;
  for (;;) {
    if (Date.now() > until) return;
    await new Promise((r) => setTimeout(r, 100));
    const n = raw().length;
    if (n !== last) {
      last = n;
      quietSince = Date.now();
    } else if (Date.now() - quietSince >= ms) return;
  }
}

export interface StepReport {
  lesson: string;
  step: string;
  lang: Lang;
  /** What the check said before the step was done. */
  before: string;
  seconds: number;
}

async function runScript(t: TestAgent, session: string, library: string, body: string, lang: Lang, timeoutMs: number) {
  return t.client.request('sandbox:exec', {
    sessionId: session,
    script: composeScript(library, body, lang),
    env: {},
    timeoutMs,
  });
}

/** Runs one lesson from a fresh sandbox; throws with the screen and the check's words when a step does not work. */
export async function walkLesson(t: TestAgent, course: Course, lesson: Lesson, lang: Lang, log: (line: string) => void): Promise<StepReport[]> {
  const session = sessionId(`walk-${lesson.manifest.order}`);
  await t.client.request('sandbox:create', { sessionId: session });
  const reports: StepReport[] = [];
  try {
    const term = await openTerminal(t, session);
    const raw = () => Buffer.concat(term.chunks.map((c) => c.data)).toString('utf8');
    await waitForPrompt(raw, 0, 30_000, 'first prompt', term.text);
    for (const step of lesson.steps) reports.push(await walkStep(t, course, lesson, step, lang, session, term, raw, log));
  } finally {
    await t.client.request('sandbox:destroy', { sessionId: session }).catch(() => undefined);
  }
  return reports;
}

async function walkStep(
  t: TestAgent,
  course: Course,
  lesson: Lesson,
  step: Step,
  lang: Lang,
  session: string,
  term: Awaited<ReturnType<typeof openTerminal>>,
  raw: () => string,
  log: (line: string) => void,
): Promise<StepReport> {
  const where = `${lesson.manifest.id}/${step.id} (${lang})`;
  const started = Date.now();
  const checkMs = step.checkTimeout * 1000;
  if (step.setup) {
    const setup = await runScript(t, session, course.checkLibrary, step.setup, lang, 120_000);
    if (setup.exitCode !== 0) throw new Error(`${where}: setup.sh failed (exit ${setup.exitCode}):\n${setup.output}`);
  }
  const before = await runScript(t, session, course.checkLibrary, step.check, lang, checkMs);
  if (before.exitCode === 0) throw new Error(`${where}: the check passes before the step is done: it cannot tell the learner anything`);
  if (!before.output.trim()) throw new Error(`${where}: the check fails without saying what is missing`);
  if (/[가-힣]/.test(before.output) !== (lang === 'ko'))
    throw new Error(`${where}: the check answered in the wrong language: "${before.output.trim()}"`);

  if (step.solution) {
    const sol = await runScript(t, session, course.checkLibrary, step.solution, lang, step.commandTimeout * 1000);
    if (sol.exitCode !== 0) throw new Error(`${where}: solution.sh failed (exit ${sol.exitCode}):\n${sol.output}`);
  } else {
    for (const block of step.texts[lang].doc.blocks) {
      if (block.kind === 'file') {
        await t.client.request('sandbox:writeFile', { sessionId: session, path: block.path, content: fileContent(block), executable: false });
      } else if (block.kind === 'run') {
        if (block.interrupt) {
          term.type('\x03');
          await new Promise((r) => setTimeout(r, 300));
        }
        if (!block.text.trim()) {
          await waitForPrompt(raw, 0, step.commandTimeout * 1000, `${where}: Ctrl-C`, term.text);
          continue;
        }
        const mark = raw().length;
        term.type(`${block.text.replace(/\n+$/, '').replace(/\n/g, '\r')}\r`);
        if (block.interactive) await waitForQuiet(raw, 1500);
        else await waitForPrompt(raw, mark, step.commandTimeout * 1000, `${where}: \`${block.text.split('\n')[0]}\``, term.text);
      }
    }
  }
  // Some things settle a moment after the command returns (a server starting): the
  // player re-checks too, so give the check a few tries before calling it broken.
  let after = await runScript(t, session, course.checkLibrary, step.check, lang, checkMs);
  for (let i = 0; i < 5 && after.exitCode !== 0; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    after = await runScript(t, session, course.checkLibrary, step.check, lang, checkMs);
  }
  if (after.exitCode !== 0)
    throw new Error(`${where}: after the step's commands the check still fails: ${after.output.trim()}\nScreen:\n${term.text().slice(-3000)}`);
  const seconds = (Date.now() - started) / 1000;
  log(`  ${where}: ok in ${seconds.toFixed(1)} s (before: "${before.output.trim().split('\n')[0]}")`);
  return { lesson: lesson.manifest.id, step: step.id, lang, before: before.output.trim(), seconds };
}
