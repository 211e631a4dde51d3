/**
 * A learner's progress through a lesson, kept in the browser (anonymous learners
 * have no account; the classroom work moves this to the database). Versioned key,
 * validated on read: a damaged entry is ignored, not trusted.
 */
import { z } from 'zod';

const Progress = z.object({
  /** Step ids whose check passed. */
  done: z.array(z.string()).default([]),
  /** The step the learner had open. */
  active: z.string().optional(),
  /** Quiz question index -> the choice picked. */
  quiz: z.record(z.string(), z.number()).default({}),
});
export type LessonProgress = z.infer<typeof Progress>;

const key = (lessonId: string) => `berth:progress:v1:${lessonId}`;
const EMPTY: LessonProgress = { done: [], quiz: {} };

export function loadProgress(lessonId: string): LessonProgress {
  try {
    const raw = localStorage.getItem(key(lessonId));
    if (!raw) return EMPTY;
    const parsed = Progress.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : EMPTY;
  } catch {
    return EMPTY;
  }
}

export function saveProgress(lessonId: string, progress: LessonProgress): void {
  try {
    localStorage.setItem(key(lessonId), JSON.stringify(progress));
  } catch {
    // storage full or disabled: progress lasts as long as the page
  }
}

export function clearProgress(lessonId: string): void {
  try {
    localStorage.removeItem(key(lessonId));
  } catch {
    // nothing to clear
  }
}
