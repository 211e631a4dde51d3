'use client';

import { useTranslations } from 'next-intl';
import type { ConnectionStatus } from '@/client/learner-connection';
import { Spinner } from './TerminalView';

/** Says clearly that the connection dropped while socket.io restores it. */
export function ConnectionBanner({ status }: { status: ConnectionStatus }) {
  const t = useTranslations('Workspace.banner');
  if (status !== 'reconnecting') return null;
  return (
    <div
      role="status"
      aria-live="assertive"
      data-testid="connection-banner"
      className="flex items-center gap-2.5 border-b border-sand-300/40 bg-sand-300/15 px-3 py-2 text-sm font-medium text-sand-200"
    >
      <Spinner className="size-4 text-sand-200" />
      {t('reconnecting')}
    </div>
  );
}
