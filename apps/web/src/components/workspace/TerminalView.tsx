'use client';

import '@xterm/xterm/css/xterm.css';
// Hangul for the terminal (see TERMINAL_FONT_FAMILY): only @font-face rules split by
// unicode-range; a subset's file is fetched when a terminal draws one of its characters.
import '@fontsource/nanum-gothic-coding/400.css';
import '@fontsource/nanum-gothic-coding/700.css';
import { useTranslations } from 'next-intl';
import { useEffect, useRef, useSyncExternalStore } from 'react';
import type { TerminalController } from './terminal-controller';
import { rememberTerminalSize } from './terminal-size-hint';
import { createXterm, type XtermHandle } from './xterm-setup';

export interface TerminalViewProps {
  controller: TerminalController;
  /** The visible tab: focused, and the only one that takes pointer and keyboard input. */
  active: boolean;
  /** id of the tab that labels this panel. */
  tabId: string;
  panelId: string;
  /** The learner typed (or pasted) something. */
  onActivity?: () => void;
}

/** Pane size changes are sent to the server once they settle. */
const RESIZE_DEBOUNCE_MS = 120;

/**
 * One xterm.js terminal bound to a TerminalController. Inactive tabs stay mounted
 * (hidden, same size), so switching tabs keeps their screens and every terminal
 * follows the pane's size.
 */
export function TerminalView({ controller, active, tabId, panelId, onActivity }: TerminalViewProps) {
  const t = useTranslations('Workspace.tabs');
  const containerRef = useRef<HTMLDivElement>(null);
  const handleRef = useRef<XtermHandle | null>(null);
  const activeRef = useRef(active);
  const onActivityRef = useRef(onActivity);
  const labelsRef = useRef({ skipped: t('skipped'), exited: (code: number) => t('exited', { code }) });
  const snapshot = useSyncExternalStore(controller.subscribe, controller.getSnapshot, controller.getSnapshot);

  useEffect(() => {
    activeRef.current = active;
    onActivityRef.current = onActivity;
    labelsRef.current = { skipped: t('skipped'), exited: (code: number) => t('exited', { code }) };
  });

  useEffect(() => {
    const container = containerRef.current;
    if (!container) return;
    let disposed = false;
    let unbind: (() => void) | null = null;
    let observer: ResizeObserver | null = null;
    let frame = 0;
    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    const subscriptions: { dispose(): void }[] = [];

    void createXterm(container).then((handle) => {
      if (disposed) {
        handle.dispose();
        return;
      }
      handleRef.current = handle;
      const { term, fit } = handle;
      let opened = false;

      const fitNow = () => {
        if (container.clientWidth === 0 || container.clientHeight === 0) return;
        try {
          fit.fit();
        } catch {
          return; // not laid out yet
        }
        if (!opened) {
          opened = true;
          controller.start(term.cols, term.rows);
          rememberTerminalSize(term);
        }
      };

      const typed = (data: string) => {
        controller.input(data);
        onActivityRef.current?.();
      };
      subscriptions.push(term.onData(typed), term.onBinary(typed));
      subscriptions.push(
        term.onResize(({ cols, rows }) => {
          if (!opened) return;
          rememberTerminalSize({ cols, rows });
          clearTimeout(resizeTimer);
          resizeTimer = setTimeout(() => controller.resize(cols, rows), RESIZE_DEBOUNCE_MS);
        }),
      );

      unbind = controller.bind({
        write: (data, done) => term.write(data, done),
        skipped: () => term.write(`\r\n\x1b[2m[${labelsRef.current.skipped}]\x1b[0m\r\n`),
        exited: (code) => term.write(`\r\n\x1b[2m[${labelsRef.current.exited(code)}]\x1b[0m\r\n`),
      });

      observer = new ResizeObserver(() => {
        cancelAnimationFrame(frame);
        frame = requestAnimationFrame(fitNow);
      });
      observer.observe(container);
      fitNow();
      if (activeRef.current) term.focus();
    });

    return () => {
      disposed = true;
      observer?.disconnect();
      cancelAnimationFrame(frame);
      clearTimeout(resizeTimer);
      for (const s of subscriptions) s.dispose();
      unbind?.();
      handleRef.current?.dispose();
      handleRef.current = null;
    };
  }, [controller]);

  useEffect(() => {
    if (active) handleRef.current?.term.focus();
  }, [active]);

  const message =
    snapshot.phase === 'pending'
      ? t('opening')
      : snapshot.phase === 'failed'
        ? snapshot.error?.code === 'limit'
          ? t('limit')
          : t('failed')
        : snapshot.phase === 'gone'
          ? t('gone')
          : null;

  return (
    <div
      role="tabpanel"
      id={panelId}
      aria-labelledby={tabId}
      inert={!active}
      className={`absolute inset-0 bg-[#071324] ${active ? 'visible' : 'invisible'}`}
      data-testid="terminal-panel"
      data-term-id={snapshot.termId ?? undefined}
      data-phase={snapshot.phase}
    >
      <div className="absolute inset-0 py-2 pl-3 pr-1">
        <div ref={containerRef} className="h-full w-full" data-testid="terminal" />
      </div>
      {message ? (
        <div className="absolute inset-0 grid place-items-center bg-[#071324]/80 p-6" aria-live="polite">
          <p className={`flex items-center gap-3 text-sm ${snapshot.phase === 'pending' ? 'text-harbor-200' : 'text-sand-200'}`}>
            {snapshot.phase === 'pending' ? <Spinner /> : null}
            {message}
          </p>
        </div>
      ) : null}
    </div>
  );
}

export function Spinner({ className = 'size-4 text-sea-300' }: { className?: string }) {
  return (
    <svg viewBox="0 0 24 24" className={`${className} animate-spin`} aria-hidden="true">
      <circle cx="12" cy="12" r="9" fill="none" stroke="currentColor" strokeOpacity="0.25" strokeWidth="3" />
      <path d="M21 12a9 9 0 0 0-9-9" fill="none" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
    </svg>
  );
}
