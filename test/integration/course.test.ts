import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, LANGS, loadCourse } from '@berth/content';
import { REPO, startTestAgent, type TestAgent } from './harness';
import { walkLesson } from './walkthrough';

/**
 * The whole course, every lesson in both languages, walked through in real
 * sandboxes: the bar for the course. BERTH_WALK=<lesson id>[,...] limits it to
 * some lessons while writing one; BERTH_WALK_LANG=en|ko to one language.
 */
const course = loadCourse({ contentDir: path.join(REPO, 'content'), imagesDir: path.join(REPO, 'infra/images') });
const only = process.env.BERTH_WALK?.split(',').filter(Boolean);
const lessons = course.lessons.filter((l) => !only || only.includes(l.manifest.id));
if (only) console.log(`BERTH_WALK: walking only ${lessons.map((l) => l.manifest.id).join(', ')}`);

let t: TestAgent;
beforeAll(async () => {
  // Both languages walk side by side, each in its own sandbox (slots 17-18).
  // BERTH_WALK_SLOT=N gives an author walking alone one slot of their own.
  const slot = process.env.BERTH_WALK_SLOT ? Number(process.env.BERTH_WALK_SLOT) : 17;
  t = await startTestAgent(`walk-${slot}`, { first: slot, count: process.env.BERTH_WALK_SLOT ? 1 : 2 });
});
afterAll(async () => {
  await t?.stop();
});

it('the course loads without problems', () => {
  expect(course.problems.map(formatProblem)).toEqual([]);
  expect(course.lessons.length).toBeGreaterThan(0);
});

const langs = LANGS.filter((l) => !process.env.BERTH_WALK_LANG || process.env.BERTH_WALK_LANG === l);
const oneSlot = Boolean(process.env.BERTH_WALK_SLOT);

/** Lessons of one language walk one after the other; the two languages side by side. */
const queues = new Map<string, Promise<unknown>>();
function inTurn<T>(queue: string, walk: () => Promise<T>): Promise<T> {
  const turn = (queues.get(queue) ?? Promise.resolve()).then(walk);
  queues.set(queue, turn.catch(() => undefined));
  return turn;
}

// Interleaved (en 1, ko 1, en 2, ...) so the first tests started are one of each language.
const walks = lessons.flatMap((lesson) => langs.map((lang) => [`${lesson.manifest.id} (${lang})`, lesson, lang] as const));

describe('walkthrough', () => {
  it.concurrent.each(walks)('%s', { timeout: 1_800_000 }, async (_name, lesson, lang) => {
    const reports = await inTurn(oneSlot ? 'all' : lang, () => walkLesson(t, course, lesson, lang, (line) => console.log(line)));
    expect(reports.map((r) => r.step)).toEqual(lesson.steps.map((s) => s.id));
  });
});
