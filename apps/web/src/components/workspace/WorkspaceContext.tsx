'use client';

import { createContext, useContext, type ReactNode } from 'react';
import { useLearnerWorkspace, type LearnerWorkspace } from './use-learner-workspace';

const WorkspaceContext = createContext<LearnerWorkspace | null>(null);

/**
 * Holds the lesson's sandbox session for the whole lesson screen, so the lesson
 * text (Run, Create this file, checks) and the workspace panes share it.
 */
export function WorkspaceProvider({ lessonId, children }: { lessonId: string; children: ReactNode }) {
  const ws = useLearnerWorkspace(lessonId);
  return <WorkspaceContext.Provider value={ws}>{children}</WorkspaceContext.Provider>;
}

export function useWorkspace(): LearnerWorkspace {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error('useWorkspace() must be used inside <WorkspaceProvider>');
  return ws;
}
