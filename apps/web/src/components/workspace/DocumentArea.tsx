'use client';

import { useTranslations } from 'next-intl';
import { useState, type KeyboardEvent } from 'react';
import { nameOf, tabKey, type FilesSnapshot, type WorkspaceFiles, type WorkspaceTab } from '@/client/workspace-files';
import { ConfirmDialog } from './ConfirmDialog';
import { EditorPane, editorText, markSaved } from './editor/EditorPane';
import { FileIcon, Icon } from './icons';
import { PreviewPane } from './preview/PreviewPane';

const tabDomId = (key: string) => `doc-tab-${key.replace(/[^A-Za-z0-9_-]/g, '_')}`;
const panelDomId = 'doc-panel';

/**
 * The document area: tabs of open files and previews (arrow keys move between them,
 * Delete closes one; a dot marks unsaved edits), the editor for the active file and
 * the active preview. Closing a file with unsaved edits asks first.
 */
export function DocumentArea({ files, snap }: { files: WorkspaceFiles; snap: FilesSnapshot }) {
  const t = useTranslations('Workspace.documents');
  const [closing, setClosing] = useState<string | null>(null);
  const active = snap.tabs.find((tab) => tabKey(tab) === snap.activeTab) ?? null;
  const activePath = active?.kind === 'file' ? active.path : null;

  const requestClose = (key: string) => {
    const tab = snap.tabs.find((x) => tabKey(x) === key);
    if (tab?.kind === 'file' && snap.docs.get(tab.path)?.dirty) setClosing(key);
    else files.closeTab(key);
  };

  const focusTab = (key: string) => {
    files.activate(key);
    requestAnimationFrame(() => document.getElementById(tabDomId(key))?.focus());
  };

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const tabs = snap.tabs;
    const go = (i: number) => {
      event.preventDefault();
      const tab = tabs[(i + tabs.length) % tabs.length];
      if (tab) focusTab(tabKey(tab));
    };
    if (event.key === 'ArrowRight') go(index + 1);
    else if (event.key === 'ArrowLeft') go(index - 1);
    else if (event.key === 'Home') go(0);
    else if (event.key === 'End') go(tabs.length - 1);
    else if (event.key === 'Delete') {
      event.preventDefault();
      const tab = tabs[index];
      if (tab) requestClose(tabKey(tab));
    }
  };

  const closingTab = closing ? snap.tabs.find((x) => tabKey(x) === closing) : undefined;
  const closingPath = closingTab?.kind === 'file' ? closingTab.path : '';

  return (
    <section aria-label={t('label')} className="flex h-full min-h-0 flex-col bg-[#071324]" data-testid="documents">
      <div className="flex h-9 shrink-0 items-stretch border-b border-harbor-800 bg-harbor-950/60">
        <div role="tablist" aria-label={t('tabsLabel')} className="flex min-w-0 items-stretch overflow-x-auto [scrollbar-width:thin]">
          {snap.tabs.map((tab, index) => (
            <DocTab
              key={tabKey(tab)}
              tab={tab}
              active={tabKey(tab) === snap.activeTab}
              dirty={tab.kind === 'file' && (snap.docs.get(tab.path)?.dirty ?? false)}
              conflict={tab.kind === 'file' && snap.docs.get(tab.path)?.conflict != null}
              onSelect={() => files.activate(tabKey(tab))}
              onClose={() => requestClose(tabKey(tab))}
              onKeyDown={(e) => onKeyDown(e, index)}
            />
          ))}
        </div>
      </div>
      <div role="tabpanel" id={panelDomId} aria-labelledby={snap.activeTab ? tabDomId(snap.activeTab) : undefined} className="relative min-h-0 flex-1">
        {snap.tabs.length === 0 ? (
          <div className="absolute inset-0 grid place-items-center p-6 text-center" data-testid="documents-empty">
            <div className="max-w-sm text-sm leading-relaxed text-harbor-300">
              <p className="font-semibold text-harbor-100">{t('emptyTitle')}</p>
              <p className="mt-2">{t('emptyBody')}</p>
            </div>
          </div>
        ) : null}
        <div className={`absolute inset-0 ${activePath ? '' : 'invisible'}`}>
          <EditorPane files={files} snap={snap} path={activePath} />
        </div>
        {snap.tabs.map((tab) =>
          tab.kind === 'preview' ? (
            <div key={tabKey(tab)} className={`absolute inset-0 ${tabKey(tab) === snap.activeTab ? '' : 'invisible'}`} inert={tabKey(tab) !== snap.activeTab}>
              <PreviewPane files={files} snap={snap} port={tab.port} path={tab.path} active={tabKey(tab) === snap.activeTab} />
            </div>
          ) : null,
        )}
      </div>
      <ConfirmDialog
        open={closing !== null}
        title={t('unsavedTitle', { name: nameOf(closingPath) })}
        body={t('unsavedBody')}
        confirm={t('saveAndClose')}
        alternative={{
          label: t('discard'),
          onSelect: () => {
            const key = closing;
            setClosing(null);
            if (key) files.closeTab(key);
          },
        }}
        testId="unsaved-dialog"
        onCancel={() => setClosing(null)}
        onConfirm={async () => {
          const key = closing;
          setClosing(null);
          if (!key || !closingPath) return;
          const text = editorText(closingPath);
          if (text === null) return;
          if (await files.save(closingPath, text)) {
            markSaved(closingPath);
            files.closeTab(key);
          }
        }}
      />
    </section>
  );
}

function DocTab({
  tab,
  active,
  dirty,
  conflict,
  onSelect,
  onClose,
  onKeyDown,
}: {
  tab: WorkspaceTab;
  active: boolean;
  dirty: boolean;
  conflict: boolean;
  onSelect(): void;
  onClose(): void;
  onKeyDown(e: KeyboardEvent<HTMLButtonElement>): void;
}) {
  const t = useTranslations('Workspace.documents');
  const key = tabKey(tab);
  const label = tab.kind === 'file' ? nameOf(tab.path) : t('previewTab', { port: tab.port });
  return (
    <div
      className={`group flex shrink-0 items-center border-r border-harbor-800 text-[13px] ${
        active ? 'bg-[#071324] text-white shadow-[inset_0_2px_0_var(--color-sea-300)]' : 'text-harbor-300 hover:bg-harbor-850 hover:text-harbor-100'
      }`}
      onAuxClick={(e) => {
        if (e.button === 1) onClose();
      }}
    >
      <button
        type="button"
        role="tab"
        id={tabDomId(key)}
        aria-selected={active}
        aria-controls={panelDomId}
        tabIndex={active ? 0 : -1}
        onClick={onSelect}
        onKeyDown={onKeyDown}
        title={tab.kind === 'file' ? `~/${tab.path}` : undefined}
        data-testid="doc-tab"
        data-key={key}
        data-dirty={dirty}
        className="flex max-w-56 cursor-pointer items-center gap-1.5 py-1 pr-1 pl-3"
      >
        {tab.kind === 'file' ? <FileIcon name={tab.path} /> : <Icon name="globe" className="size-4 text-sea-300" />}
        <span className="truncate">{label}</span>
        {conflict ? <span className="text-sand-300">!</span> : null}
      </button>
      <button
        type="button"
        tabIndex={active ? 0 : -1}
        aria-label={t('close', { name: label })}
        title={dirty ? t('unsavedDot') : t('close', { name: label })}
        onClick={onClose}
        data-testid="doc-tab-close"
        className="mr-1 grid size-5 cursor-pointer place-items-center rounded text-harbor-300 hover:bg-harbor-700 hover:text-white"
      >
        {dirty ? (
          <>
            <span aria-hidden="true" className="size-2 rounded-full bg-sand-300 group-hover:hidden" />
            <Icon name="close" className="hidden size-3 group-hover:block" />
          </>
        ) : (
          <Icon name="close" className="size-3" />
        )}
      </button>
    </div>
  );
}
