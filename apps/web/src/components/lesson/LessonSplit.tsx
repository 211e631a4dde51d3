'use client';

import { useEffect, type ReactNode } from 'react';
import { Group, Panel, Separator, useGroupRef, type Layout } from 'react-resizable-panels';
import { useMediaQuery } from '@/components/workspace/use-media-query';

export interface LessonSplitProps {
  /** The lesson text (server-rendered). */
  text: ReactNode;
  /** The sandbox beside (or, on narrow screens, below) it. */
  workspace: ReactNode;
  /** Accessible name of the handle between them. */
  handleLabel: string;
}

const STORAGE_KEY = 'berth:lesson-split';
type Orientation = 'horizontal' | 'vertical';

function loadLayout(orientation: Orientation): Layout | null {
  try {
    const saved: unknown = JSON.parse(localStorage.getItem(`${STORAGE_KEY}:${orientation}`) ?? 'null');
    if (saved && typeof saved === 'object' && Object.values(saved).every((v) => typeof v === 'number')) {
      return saved as Layout;
    }
  } catch {
    // unreadable: use the defaults
  }
  return null;
}

function saveLayout(orientation: Orientation, layout: Layout): void {
  try {
    localStorage.setItem(`${STORAGE_KEY}:${orientation}`, JSON.stringify(layout));
  } catch {
    // storage full or disabled: not remembered
  }
}

/**
 * Lesson | sandbox, side by side with a draggable (and keyboard-resizable) handle
 * whose position is remembered in localStorage; on narrow screens the text comes
 * first and the sandbox below it. Both panels keep their identity when the
 * orientation changes, so a running terminal survives a rotation.
 */
export function LessonSplit({ text, workspace, handleLabel }: LessonSplitProps) {
  // Server render and hydration assume a wide screen.
  const narrow = useMediaQuery('(max-width: 1023px)');
  const orientation: Orientation = narrow ? 'vertical' : 'horizontal';
  const groupRef = useGroupRef();

  useEffect(() => {
    const saved = loadLayout(orientation);
    if (!saved) return;
    // After the group has measured itself: pixel minimums are checked against its real size.
    const frame = requestAnimationFrame(() => groupRef.current?.setLayout(saved));
    return () => cancelAnimationFrame(frame);
  }, [orientation, groupRef]);

  return (
    <Group
      orientation={orientation}
      groupRef={groupRef}
      onLayoutChanged={(layout, meta) => {
        if (meta.isUserInteraction) saveLayout(orientation, meta.requestedLayout ?? layout);
      }}
      className="min-h-0 flex-1"
    >
      <Panel id="lesson-pane" defaultSize={narrow ? '45' : '42'} minSize={narrow ? 120 : 300}>
        {text}
      </Panel>
      <Separator
        aria-label={handleLabel}
        className={`group relative flex shrink-0 items-center justify-center bg-harbor-800 transition-colors outline-none data-[separator=active]:bg-sea-400 data-[separator=focus]:bg-sea-300 data-[separator=hover]:bg-sea-500 ${
          narrow ? 'h-1.5' : 'w-1.5'
        }`}
      >
        <span
          aria-hidden="true"
          className={`rounded-full bg-harbor-600 group-data-[separator=active]:bg-harbor-950 group-data-[separator=hover]:bg-harbor-950 ${
            narrow ? 'h-0.5 w-8' : 'h-8 w-0.5'
          }`}
        />
      </Separator>
      <Panel id="workspace-pane" defaultSize={narrow ? '55' : '58'} minSize={narrow ? 260 : 420}>
        {workspace}
      </Panel>
    </Group>
  );
}
