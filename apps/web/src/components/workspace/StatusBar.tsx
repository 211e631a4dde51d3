'use client';

import { useTranslations } from 'next-intl';
import type { LearnerSessionView } from '@berth/protocol';
import type { ConnectionStatus, SessionWarning } from '@/client/learner-connection';
import { formatClock, useNow } from './use-now';

export interface StatusBarProps {
  view: LearnerSessionView;
  status: ConnectionStatus;
  /** The newest end-of-session warning, until it no longer applies. */
  warning: SessionWarning | null;
  resetting: boolean;
  onReset(): void;
}

const dot: Record<LearnerSessionView['state'], string> = {
  creating: 'bg-sand-300 animate-pulse',
  ready: 'bg-sea-300',
  stopping: 'bg-sand-300',
  stopped: 'bg-harbor-600',
  failed: 'bg-red-400',
  interrupted: 'bg-red-400',
};

/** Session state, time left (a warning style once the server warns), and Reset. */
export function StatusBar({ view, status, warning, resetting, onReset }: StatusBarProps) {
  const t = useTranslations('Workspace');
  const now = useNow();
  const expiresAt = Date.parse(view.expiresAt);
  const warningEndsAt = warning ? Date.parse(warning.endsAt) : NaN;
  const live = view.state === 'ready' || view.state === 'creating';
  const warned = live && warning !== null && warningEndsAt > now;

  let time: string | null = null;
  if (warned && warning) {
    const left = formatClock(warningEndsAt - now);
    time = warning.kind === 'idle' ? t('idleWarning', { time: left }) : t('lifetimeWarning', { time: left });
  } else if (live && Number.isFinite(expiresAt)) {
    time = t('timeLeft', { time: formatClock(expiresAt - now) });
  }

  return (
    <div
      className={`flex min-h-10 flex-wrap items-center gap-x-4 gap-y-1 border-t px-3 py-1.5 text-xs transition-colors ${
        warned ? 'border-sand-300/50 bg-sand-300/15' : 'border-harbor-800 bg-harbor-950/60'
      }`}
      data-testid="status-bar"
    >
      <p className="flex items-center gap-2 text-harbor-200" role="status" aria-label={t('state.label')}>
        <span aria-hidden="true" className={`size-2 rounded-full ${status === 'online' ? dot[view.state] : 'bg-sand-300 animate-pulse'}`} />
        <span data-testid="session-state">{t(`state.${view.state}`)}</span>
      </p>
      {time ? (
        <p
          className={`tabular-nums ${warned ? 'text-[13px] font-semibold text-sand-200' : 'font-mono text-harbor-300'}`}
          data-testid="time-left"
          aria-live={warned ? 'polite' : 'off'}
        >
          {warned ? (
            <svg viewBox="0 0 16 16" className="mr-1.5 inline size-3.5 -translate-y-px" aria-hidden="true">
              <path d="M8 1.8 15 14H1zM8 6v3.6M8 11.6v.4" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
            </svg>
          ) : null}
          {time}
        </p>
      ) : null}
      <button
        type="button"
        onClick={onReset}
        disabled={resetting || view.state !== 'ready' || status !== 'online'}
        data-testid="reset"
        className="ml-auto flex cursor-pointer items-center gap-1.5 rounded-md border border-harbor-700 px-2.5 py-1 font-medium text-harbor-200 transition-colors hover:border-sand-300/60 hover:text-sand-200 disabled:cursor-not-allowed disabled:opacity-50"
      >
        <svg viewBox="0 0 16 16" className="size-3.5" aria-hidden="true">
          <path d="M2.8 8a5.2 5.2 0 1 0 1.6-3.8M2.6 2v2.6h2.6" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
        </svg>
        {resetting ? t('resetting') : t('reset')}
      </button>
    </div>
  );
}
