'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';
import type { EndReasonCode, LearnerSessionView } from '@berth/protocol';
import type { LearnerError } from '@/client/errors';

export interface SessionEndedOverlayProps {
  view: LearnerSessionView | null;
  /** Set when the connection gave up rather than the session ending. */
  fatal: LearnerError | null;
  onRestart(): void;
}

type Headline =
  | 'lifetime'
  | 'idle'
  | 'requested'
  | 'startFailed'
  | 'exited'
  | 'engineRestart'
  | 'agentRestart'
  | 'interrupted'
  | 'connection'
  | 'unknown';

const byReason: Record<EndReasonCode, Headline> = {
  lifetime: 'lifetime',
  idle: 'idle',
  requested: 'requested',
  'start-failed': 'startFailed',
  exited: 'exited',
  'engine-restart': 'engineRestart',
  'agent-restart': 'agentRestart',
};

export function endedHeadline(view: LearnerSessionView | null, fatal: LearnerError | null): Headline {
  const ended = view && (view.state === 'stopped' || view.state === 'failed' || view.state === 'interrupted');
  if (ended && view.reason) return byReason[view.reason.code] ?? 'unknown';
  if (ended && view.state === 'interrupted') return 'interrupted';
  if (fatal) return fatal.code === 'not_found' ? 'unknown' : 'connection';
  return 'unknown';
}

/** Covers the terminals once the session is over: why, and a way to start again. */
export function SessionEndedOverlay({ view, fatal, onRestart }: SessionEndedOverlayProps) {
  const t = useTranslations('Workspace');
  const buttonRef = useRef<HTMLButtonElement>(null);
  const headline = endedHeadline(view, fatal);
  const detail = view?.reason?.message ?? fatal?.message;

  useEffect(() => {
    // Take the focus from the (now dead) terminal, not from the lesson text being read.
    const focused = document.activeElement;
    if (!focused || focused === document.body || focused.closest('[data-testid="workspace"]')) buttonRef.current?.focus();
  }, []);

  return (
    <div
      className="absolute inset-0 z-10 grid place-items-center bg-harbor-950/85 p-6 backdrop-blur-[2px]"
      role="alertdialog"
      aria-labelledby="session-ended-title"
      aria-describedby="session-ended-body"
      data-testid="session-ended"
      data-reason={headline}
    >
      <div className="max-w-md text-center">
        <div className="mx-auto grid size-12 place-items-center rounded-full bg-harbor-800 text-sand-300" aria-hidden="true">
          <svg viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round">
            <path d="M12 7v6M12 16.5v.5" />
            <circle cx="12" cy="12" r="9" />
          </svg>
        </div>
        <h2 id="session-ended-title" className="mt-4 text-lg font-semibold text-balance text-white">
          {t(`ended.${headline}`)}
        </h2>
        <p id="session-ended-body" className="mt-2 text-sm leading-relaxed text-harbor-200">
          {view?.state === 'interrupted' && !fatal ? t('interruptedBody') : t('endedBody')}
        </p>
        {detail ? (
          <p className="mt-2 font-mono text-xs break-words text-harbor-300" data-testid="session-ended-detail">
            {t('errorDetail', { message: detail })}
          </p>
        ) : null}
        <button
          ref={buttonRef}
          type="button"
          onClick={onRestart}
          data-testid="new-sandbox"
          className="mt-6 cursor-pointer rounded-lg bg-sea-300 px-5 py-2.5 font-semibold text-harbor-950 shadow-lg shadow-sea-500/20 transition-colors hover:bg-sea-200"
        >
          {t('newSandbox')}
        </button>
      </div>
    </div>
  );
}
