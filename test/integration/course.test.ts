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
  // BERTH_WALK_SLOT lets several authors walk lessons at once (each with its own slot).
  const slot = Number(process.env.BERTH_WALK_SLOT ?? 39);
  t = await startTestAgent(`walk-${slot}`, { first: slot, count: 1 });
});
afterAll(async () => {
  await t?.stop();
});

it('the course loads without problems', () => {
  expect(course.problems.map(formatProblem)).toEqual([]);
  expect(course.lessons.length).toBeGreaterThan(0);
});

const langs = LANGS.filter((l) => !process.env.BERTH_WALK_LANG || process.env.BERTH_WALK_LANG === l);

describe.each(langs)('walkthrough (%s)', (lang) => {
  it.each(lessons.map((l) => [l.manifest.id, l] as const))('%s', { timeout: 900_000 }, async (_id, lesson) => {
    const reports = await walkLesson(t, course, lesson, lang, (line) => console.log(line));
    expect(reports.map((r) => r.step)).toEqual(lesson.steps.map((s) => s.id));
  });
});
