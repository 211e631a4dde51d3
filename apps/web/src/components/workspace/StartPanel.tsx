'use client';

import { useTranslations } from 'next-intl';
import type { LearnerError } from '@/client/errors';
import { Spinner } from './TerminalView';

export interface StartPanelProps {
  /** `starting`: the API call is under way; `error`: it failed with `error`. */
  state: 'idle' | 'starting' | 'error';
  error?: LearnerError | null;
  onStart(): void;
}

type ErrorKey = 'busy' | 'rateLimited' | 'unavailable' | 'network' | 'generic';

function errorKey(error: LearnerError): ErrorKey {
  switch (error.code) {
    case 'busy':
      return 'busy';
    case 'rate_limited':
      return 'rateLimited';
    case 'unavailable':
      return 'unavailable';
    case 'network':
    case 'timeout':
      return 'network';
    default:
      return 'generic';
  }
}

/** Before the sandbox exists: what it is, a Start button, and why a start failed. */
export function StartPanel({ state, error, onStart }: StartPanelProps) {
  const t = useTranslations('Workspace');
  const key = state === 'error' && error ? errorKey(error) : null;
  // The busy message says it all; other failures also show the server's words.
  const detail = key && key !== 'busy' && key !== 'rateLimited' ? error?.message : null;

  return (
    <div className="absolute inset-0 grid place-items-center overflow-y-auto p-6">
      <div className="w-full max-w-sm text-center" data-testid="start-panel" data-state={state}>
        <div className="mx-auto grid size-12 place-items-center rounded-xl bg-harbor-800 text-sea-300" aria-hidden="true">
          <svg viewBox="0 0 24 24" className="size-6" fill="none" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" strokeLinejoin="round">
            <path d="M4 5h16v14H4zM7.5 10l2.5 2-2.5 2M12.5 14.5h4" />
          </svg>
        </div>
        <h2 className="mt-4 text-lg font-semibold text-white">{t('startTitle')}</h2>
        <p className="mt-2 text-sm leading-relaxed text-harbor-200">{t('startBody')}</p>

        {key ? (
          <div
            role="alert"
            data-testid="start-error"
            data-code={error?.code}
            className={`mt-5 rounded-lg border px-4 py-3 text-left text-sm ${
              key === 'busy' || key === 'rateLimited'
                ? 'border-sand-300/40 bg-sand-300/10 text-sand-200'
                : 'border-red-400/40 bg-red-400/10 text-red-200'
            }`}
          >
            <p className="font-medium">{t(`errors.${key}`)}</p>
            {detail ? <p className="mt-1 font-mono text-xs break-words opacity-80">{t('errorDetail', { message: detail })}</p> : null}
          </div>
        ) : null}

        <button
          type="button"
          onClick={onStart}
          disabled={state === 'starting'}
          data-testid="start"
          className="mt-6 inline-flex cursor-pointer items-center gap-2.5 rounded-lg bg-sea-300 px-5 py-2.5 font-semibold text-harbor-950 shadow-lg shadow-sea-500/20 transition-colors hover:bg-sea-200 disabled:cursor-wait disabled:opacity-80"
        >
          {state === 'starting' ? <Spinner className="size-4 text-harbor-950" /> : null}
          {state === 'starting' ? t('starting') : state === 'error' ? t('retry') : t('start')}
        </button>
      </div>
    </div>
  );
}
