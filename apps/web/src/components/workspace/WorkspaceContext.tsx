'use client';

import { createContext, useContext, type ReactNode } from 'react';
import { useLearnerWorkspace, type LearnerWorkspace } from './use-learner-workspace';
import { WorkspacePanesProvider } from './workspace-state';

const WorkspaceContext = createContext<LearnerWorkspace | null>(null);

/**
 * Holds the lesson's sandbox session for the whole lesson screen, so the lesson
 * text (Run, Create this file, checks) and the workspace panes share it, with the
 * session's files and previews and the workspace's layout (workspace-state.tsx).
 */
export function WorkspaceProvider({ lessonId, children }: { lessonId: string; children: ReactNode }) {
  const ws = useLearnerWorkspace(lessonId);
  const connection = ws.phase.kind === 'live' ? ws.phase.connection : null;
  return (
    <WorkspaceContext.Provider value={ws}>
      <WorkspacePanesProvider connection={connection}>{children}</WorkspacePanesProvider>
    </WorkspaceContext.Provider>
  );
}

export function useWorkspace(): LearnerWorkspace {
  const ws = useContext(WorkspaceContext);
  if (!ws) throw new Error('useWorkspace() must be used inside <WorkspaceProvider>');
  return ws;
}
