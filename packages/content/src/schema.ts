import { z } from 'zod';

/** The languages every lesson is written in. */
export const LANGS = ['en', 'ko'] as const;
export type Lang = (typeof LANGS)[number];
export const Lang = z.enum(LANGS);

const Text = z.string().trim().min(1);
/** A string in every course language. */
export const Localized = z.object({ en: Text, ko: Text }).strict();
export type Localized = z.infer<typeof Localized>;

/** Lesson and step ids: lowercase words joined by dashes (they appear in URLs). */
export const Slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'use lowercase letters, digits and dashes (e.g. "first-steps")')
  .max(60);

export const QuizQuestion = z
  .object({
    question: Localized,
    choices: z.array(Localized).min(2).max(6),
    /** Index (from 0) of the right choice. */
    answer: z.number().int().nonnegative(),
    /** Shown after answering: why the right choice is right. */
    explain: Localized,
  })
  .strict()
  .refine((q) => q.answer < q.choices.length, { message: 'answer must be the index of one of the choices', path: ['answer'] });
export type QuizQuestion = z.infer<typeof QuizQuestion>;

export const StepEntry = z
  .object({
    id: Slug,
    /** Seconds the step's check may take (a compose stack may need a while). */
    checkTimeout: z.number().int().min(1).max(300).default(20),
    /** Seconds the walkthrough waits for each command of this step. */
    commandTimeout: z.number().int().min(1).max(600).default(120),
    /**
     * How the workspace opens for this step: terminal only, editor (files, editor and
     * terminal) or preview (a preview of a published port and the terminal). The
     * learner may change it; absent: the learner's own choice stays.
     */
    layout: z.enum(['terminal', 'editor', 'preview']).optional(),
  })
  .strict();
export type StepEntry = z.infer<typeof StepEntry>;

/** content/lessons/<folder>/lesson.yaml */
export const LessonManifest = z
  .object({
    id: Slug,
    order: z.number().int().min(1),
    title: Localized,
    summary: Localized,
    minutes: z.number().int().min(1).max(240),
    /** A sandbox profile in content/sandbox-profiles (without .json). */
    profile: Slug.default('default'),
    /** Lesson ids a learner should finish first. */
    prerequisites: z.array(Slug).default([]),
    steps: z.array(StepEntry).min(1),
    quiz: z.array(QuizQuestion).default([]),
  })
  .strict();
export type LessonManifest = z.infer<typeof LessonManifest>;
