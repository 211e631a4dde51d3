'use client';

import { useTranslations } from 'next-intl';
import { useCallback, useEffect, useState, useSyncExternalStore } from 'react';
import { ConnectionBanner } from './ConnectionBanner';
import { ResetDialog } from './ResetDialog';
import { SessionEndedOverlay } from './SessionEndedOverlay';
import { StartPanel } from './StartPanel';
import { StatusBar } from './StatusBar';
import type { TerminalController } from './terminal-controller';
import { TerminalTabs } from './TerminalTabs';
import { Spinner, TerminalView } from './TerminalView';
import { useWorkspace } from './WorkspaceContext';
import { WorkspacePanes } from './WorkspacePanes';
import { preloadTerminal } from './xterm-setup';

const tabId = (key: string) => `tab-${key}`;
const panelId = (key: string) => `panel-${key}`;

/** Which tabs' shells have exited, as one string so React can compare it. */
function useExitedTabs(tabs: TerminalController[]): Set<string> {
  const subscribe = useCallback(
    (onChange: () => void) => {
      const offs = tabs.map((tab) => tab.subscribe(onChange));
      return () => offs.forEach((off) => off());
    },
    [tabs],
  );
  const snapshot = () =>
    tabs
      .filter((tab) => tab.getSnapshot().phase === 'exited')
      .map((tab) => tab.key)
      .join(' ');
  const joined = useSyncExternalStore(subscribe, snapshot, snapshot);
  return new Set(joined ? joined.split(' ') : []);
}

/**
 * The learner's sandbox beside a lesson: Start, then the workspace's panes (files,
 * editor and previews, terminals in tabs: WorkspacePanes), a status bar with the time
 * left and Reset, a banner while the connection is restored, and an overlay once the
 * session is over. The session itself lives in WorkspaceProvider.
 */
export function Workspace() {
  const t = useTranslations('Workspace');
  const ws = useWorkspace();
  const [confirmReset, setConfirmReset] = useState(false);
  const exited = useExitedTabs(ws.tabs);
  const live = ws.phase.kind === 'live';

  // The terminal's code and fonts load while the learner reads, not after Start.
  useEffect(() => {
    void preloadTerminal().catch(() => undefined);
  }, []);

  let waiting: string | null = null;
  if (live && ws.tabs.length === 0 && !ws.ended) {
    if (ws.resetting) waiting = t('resetting');
    else if (ws.status === 'connecting') waiting = t('connecting');
    else if (ws.view?.state === 'creating') waiting = t('creating');
  }

  // The terminals: tabs and their views, with what shows while there are none.
  const terminalGroup = (
    <>
      <TerminalTabs
        tabs={ws.tabs.map((tab) => ({ key: tab.key, number: tab.number, exited: exited.has(tab.key) }))}
        activeKey={ws.activeKey}
        onSelect={ws.selectTab}
        onClose={ws.closeTab}
        onNew={ws.newTab}
        canOpen={ws.view?.state === 'ready' && ws.status === 'online' && !ws.resetting && !ws.ended}
        tabId={tabId}
        panelId={panelId}
      />
      <div className="relative min-h-0 flex-1 bg-[#071324]">
        {ws.tabs.map((tab) => (
          <TerminalView
            key={tab.key}
            controller={tab}
            active={tab.key === ws.activeKey}
            tabId={tabId(tab.key)}
            panelId={panelId(tab.key)}
            onActivity={ws.activity}
          />
        ))}

        {waiting ? (
          <div className="absolute inset-0 grid place-items-center p-6" role="status" data-testid="workspace-waiting">
            <p className="flex items-center gap-3 text-sm text-harbor-200">
              <Spinner />
              {waiting}
            </p>
          </div>
        ) : null}

        {!waiting && ws.tabs.length === 0 && !ws.ended ? (
          <div className="absolute inset-0 grid place-items-center p-6">
            <div className="text-center">
              <p className="text-sm text-harbor-300">{t('tabs.empty')}</p>
              <button
                type="button"
                onClick={ws.newTab}
                disabled={ws.view?.state !== 'ready' || ws.status !== 'online'}
                className="mt-4 cursor-pointer rounded-lg border border-harbor-600 px-4 py-2 text-sm font-semibold text-harbor-100 hover:border-sea-400 disabled:cursor-not-allowed disabled:opacity-50"
              >
                {t('tabs.new')}
              </button>
            </div>
          </div>
        ) : null}
      </div>
    </>
  );

  return (
    <section
      aria-label={t('startTitle')}
      className="flex h-full min-h-0 flex-col bg-harbor-900"
      data-testid="workspace"
      data-phase={ws.phase.kind}
      data-session-state={ws.view?.state}
      data-connection={live ? ws.status : undefined}
    >
      {live ? <ConnectionBanner status={ws.status} /> : null}
      {ws.resetError ? (
        <p role="alert" className="border-b border-red-400/30 bg-red-400/10 px-3 py-2 text-sm text-red-200">
          {t('resetFailed', { message: ws.resetError.message })}
        </p>
      ) : null}

      <div className="relative flex min-h-0 flex-1 flex-col">
        {live ? (
          <WorkspacePanes terminals={terminalGroup} />
        ) : (
          <>
            <div className="flex h-[41px] items-center gap-2 border-b border-harbor-800 bg-harbor-950/60 px-4" aria-hidden="true">
              <span className="size-2.5 rounded-full bg-harbor-700" />
              <span className="size-2.5 rounded-full bg-harbor-700" />
              <span className="size-2.5 rounded-full bg-harbor-700" />
              <span className="ml-2 font-mono text-xs text-harbor-300">learner@berth: ~</span>
            </div>
            <div className="relative min-h-0 flex-1 bg-[#071324]">
              <StartPanel state={ws.phase.kind === 'live' ? 'idle' : ws.phase.kind} error={ws.phase.kind === 'error' ? ws.phase.error : null} onStart={ws.start} />
            </div>
          </>
        )}

        {ws.ended ? <SessionEndedOverlay view={ws.view} fatal={ws.fatal} onRestart={ws.start} /> : null}
      </div>

      {live && ws.view ? (
        <StatusBar
          view={ws.view}
          status={ws.status}
          warning={ws.warning}
          resetting={ws.resetting}
          onReset={() => setConfirmReset(true)}
        />
      ) : null}

      <ResetDialog
        open={confirmReset}
        onCancel={() => setConfirmReset(false)}
        onConfirm={() => {
          setConfirmReset(false);
          void ws.reset();
        }}
      />
    </section>
  );
}
