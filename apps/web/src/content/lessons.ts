import path from 'node:path';
import type { Lesson } from '@berth/content';
import { CourseSource } from '../server/lessons/course-source';
import type { Locale } from '@/i18n/config';

/** A string written in every language the site supports. */
export type Localized = Record<Locale, string>;

export interface LessonSummary {
  /** Position in the course, 1-based. */
  number: number;
  /** Stable id: the lesson's URL (/lessons/why-containers) and the lessonId of its sandbox. */
  slug: string;
  title: Localized;
  summary: Localized;
  minutes: number;
  steps: number;
}

/** content/ (BERTH_CONTENT_DIR overrides; the web process runs from apps/web). */
export function contentDir(): string {
  return process.env.BERTH_CONTENT_DIR ?? path.resolve(process.cwd(), '../../content');
}

const globalSource = globalThis as unknown as { berthCourse?: CourseSource };
/** The course read from content/ (again on every change while developing). */
export const courseSource: CourseSource = (globalSource.berthCourse ??= new CourseSource(
  contentDir(),
  process.env.NODE_ENV === 'development',
));

export function summarize(lesson: Lesson): LessonSummary {
  const m = lesson.manifest;
  return { number: m.order, slug: m.id, title: m.title, summary: m.summary, minutes: m.minutes, steps: lesson.steps.length };
}

/** The course outline shown on the home page. */
export function lessonOutline(): LessonSummary[] {
  return courseSource.course.lessons.map(summarize);
}

export function findLesson(slug: string): Lesson | undefined {
  return courseSource.lesson(slug);
}
