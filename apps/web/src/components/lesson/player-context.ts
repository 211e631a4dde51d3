'use client';

import { createContext, useContext } from 'react';

export type FileState = { kind: 'busy' } | { kind: 'ok' | 'error'; message: string };

/** What code blocks inside a lesson ask of the player. */
export interface LessonPlayerActions {
  createFile(stepId: string, path: string): void;
  fileState(stepId: string, path: string): FileState | undefined;
}

export const LessonPlayerContext = createContext<LessonPlayerActions | null>(null);

export function useLessonPlayer(): LessonPlayerActions | null {
  return useContext(LessonPlayerContext);
}
