'use client';

import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from 'react';
import type { LearnerConnection } from '@/client/learner-connection';
import { WorkspaceFiles, type FilesSnapshot, type KeyValueStorage } from '@/client/workspace-files';

/**
 * What the workspace panes share beyond the session itself: the files and previews
 * (one WorkspaceFiles per connection) and the layout. Lessons reach both through the
 * hooks below (e.g. "Create this file" opens the file; a step may choose a layout).
 */

/** terminal: terminals only; editor: files, editor and terminals; preview: a preview and terminals. */
export type LayoutPreset = 'terminal' | 'editor' | 'preview';
/** On a phone one view at a time. */
export type MobileView = 'terminal' | 'files' | 'documents';

export interface WorkspaceLayout {
  preset: LayoutPreset;
  filesOpen: boolean;
  mobileView: MobileView;
  setPreset(preset: LayoutPreset): void;
  setFilesOpen(open: boolean): void;
  setMobileView(view: MobileView): void;
}

const FilesContext = createContext<WorkspaceFiles | null>(null);
const LayoutContext = createContext<WorkspaceLayout | null>(null);

const LAYOUT_KEY = 'berth:workspace-layout';
const PRESETS: readonly LayoutPreset[] = ['terminal', 'editor', 'preview'];

function storage(kind: 'local' | 'session'): KeyValueStorage | null {
  try {
    return kind === 'local' ? window.localStorage : window.sessionStorage;
  } catch {
    return null;
  }
}

function loadLayout(): { preset: LayoutPreset; filesOpen: boolean } | null {
  try {
    const saved = JSON.parse(storage('local')?.getItem(LAYOUT_KEY) ?? 'null') as { preset?: string; filesOpen?: boolean } | null;
    if (!saved) return null;
    return {
      preset: PRESETS.includes(saved.preset as LayoutPreset) ? (saved.preset as LayoutPreset) : 'terminal',
      filesOpen: saved.filesOpen !== false,
    };
  } catch {
    return null;
  }
}

export function WorkspacePanesProvider({ connection, children }: { connection: LearnerConnection | null; children: ReactNode }) {
  const [files, setFiles] = useState<WorkspaceFiles | null>(null);
  const [preset, setPresetState] = useState<LayoutPreset>('terminal');
  const [filesOpen, setFilesOpenState] = useState(true);
  const [mobileView, setMobileView] = useState<MobileView>('terminal');

  // The learner's own layout comes back (server render and hydration use the default).
  useEffect(() => {
    const saved = loadLayout();
    if (!saved) return;
    setPresetState(saved.preset);
    setFilesOpenState(saved.filesOpen);
  }, []);

  const remember = useCallback((next: { preset?: LayoutPreset; filesOpen?: boolean }) => {
    try {
      const current = loadLayout() ?? { preset: 'terminal', filesOpen: true };
      storage('local')?.setItem(LAYOUT_KEY, JSON.stringify({ ...current, ...next }));
    } catch {
      // not remembered
    }
  }, []);

  const setPreset = useCallback(
    (next: LayoutPreset) => {
      setPresetState(next);
      remember({ preset: next });
      setMobileView(next === 'terminal' ? 'terminal' : 'documents');
    },
    [remember],
  );

  const setFilesOpen = useCallback(
    (open: boolean) => {
      setFilesOpenState(open);
      remember({ filesOpen: open });
    },
    [remember],
  );

  useEffect(() => {
    if (!connection) {
      setFiles(null);
      return;
    }
    const store = new WorkspaceFiles(connection, { session: storage('session'), prefs: storage('local') });
    setFiles(store);
    return () => store.dispose();
  }, [connection]);

  // A file or preview opened by code (a lesson's "Create this file", a port) is shown.
  useEffect(() => {
    if (!files) return;
    return files.on('reveal', (tab) => {
      setPresetState((p) => {
        const next: LayoutPreset = tab.kind === 'preview' ? (p === 'editor' ? 'editor' : 'preview') : 'editor';
        if (next !== p) remember({ preset: next });
        return next;
      });
      setMobileView('documents');
    });
  }, [files, remember]);

  const layout = useMemo<WorkspaceLayout>(
    () => ({ preset, filesOpen, mobileView, setPreset, setFilesOpen, setMobileView }),
    [preset, filesOpen, mobileView, setPreset, setFilesOpen],
  );

  return (
    <FilesContext.Provider value={files}>
      <LayoutContext.Provider value={layout}>{children}</LayoutContext.Provider>
    </FilesContext.Provider>
  );
}

/** The session's files and previews (null until a sandbox is started). */
export function useWorkspaceFiles(): WorkspaceFiles | null {
  return useContext(FilesContext);
}

export function useWorkspaceLayout(): WorkspaceLayout {
  const layout = useContext(LayoutContext);
  if (!layout) throw new Error('useWorkspaceLayout() must be used inside <WorkspacePanesProvider>');
  return layout;
}

const noop = () => () => undefined;
const none = () => null;

/** Re-renders when the files' snapshot changes. */
export function useFilesSnapshot(files: WorkspaceFiles | null): FilesSnapshot | null {
  return useSyncExternalStore(files ? files.subscribe : noop, files ? files.getSnapshot : none, none);
}
