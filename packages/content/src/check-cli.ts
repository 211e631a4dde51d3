/**
 * `npm run content:check`: reads the whole course and prints every problem as
 * file:line: message. Exits 1 when there is any.
 */
import path from 'node:path';
import { formatProblem, loadCourse } from './index';

const repo = path.resolve(import.meta.dirname, '../../..');
const course = loadCourse({ contentDir: path.join(repo, 'content'), imagesDir: path.join(repo, 'infra/images'), syntaxCheck: true });
for (const p of course.problems) console.error(formatProblem(p));
const steps = course.lessons.reduce((n, l) => n + l.steps.length, 0);
if (course.problems.length) {
  console.error(`\ncontent:check: ${course.problems.length} problem(s) in ${course.lessons.length} lessons`);
  process.exit(1);
}
console.log(`content:check: ${course.lessons.length} lessons, ${steps} steps, both languages: ok`);
