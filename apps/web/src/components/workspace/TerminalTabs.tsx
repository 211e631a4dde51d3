'use client';

import { useTranslations } from 'next-intl';
import type { KeyboardEvent } from 'react';
import { flushSync } from 'react-dom';

export interface TerminalTab {
  key: string;
  number: number;
  /** The shell ended (shown dimmed). */
  exited?: boolean;
}

export interface TerminalTabsProps {
  tabs: TerminalTab[];
  activeKey: string | null;
  onSelect(key: string): void;
  onClose(key: string): void;
  onNew(): void;
  /** False while a new terminal cannot be opened (reset, session not ready). */
  canOpen: boolean;
  tabId(key: string): string;
  panelId(key: string): string;
}

/**
 * WAI-ARIA tabs: arrow keys, Home and End move between terminals, Delete closes the
 * focused one; the active tab's close button and the + button are in the Tab order.
 */
export function TerminalTabs({ tabs, activeKey, onSelect, onClose, onNew, canOpen, tabId, panelId }: TerminalTabsProps) {
  const t = useTranslations('Workspace.tabs');

  // Keyboard focus stays on the tabs (WAI-ARIA). The change is committed at once, with
  // its effects (an activated terminal takes focus), and then the tab takes focus back
  // in the same keystroke: a key pressed next goes to the tab, however busy the page.
  const thenFocusTab = (change: () => void, key: string) => {
    flushSync(change);
    document.getElementById(tabId(key))?.focus();
  };
  const focusTab = (key: string) => thenFocusTab(() => onSelect(key), key);

  const onKeyDown = (event: KeyboardEvent<HTMLButtonElement>, index: number) => {
    const last = tabs.length - 1;
    const go = (i: number) => {
      event.preventDefault();
      const tab = tabs[i];
      if (tab) focusTab(tab.key);
    };
    switch (event.key) {
      case 'ArrowRight':
        return go(index === last ? 0 : index + 1);
      case 'ArrowLeft':
        return go(index === 0 ? last : index - 1);
      case 'Home':
        return go(0);
      case 'End':
        return go(last);
      case 'Delete': {
        event.preventDefault();
        const tab = tabs[index];
        if (!tab) return;
        const neighbour = tabs[index + 1] ?? tabs[index - 1];
        if (neighbour) thenFocusTab(() => onClose(tab.key), neighbour.key);
        else onClose(tab.key);
        return;
      }
    }
  };

  return (
    <div className="flex min-w-0 items-stretch gap-1 border-b border-harbor-800 bg-harbor-950/60 px-2 pt-1.5">
      <div
        role="tablist"
        aria-label={t('label')}
        className="flex min-w-0 items-stretch gap-1 overflow-x-auto [scrollbar-width:none]"
      >
        {tabs.map((tab, index) => {
          const active = tab.key === activeKey;
          const name = t('terminal', { number: tab.number });
          return (
            <div
              key={tab.key}
              className={`group flex shrink-0 items-center rounded-t-lg border border-b-0 text-sm transition-colors ${
                active
                  ? 'border-harbor-700 bg-[#071324] text-white'
                  : 'border-transparent text-harbor-300 hover:bg-harbor-850 hover:text-harbor-100'
              }`}
            >
              <button
                type="button"
                role="tab"
                id={tabId(tab.key)}
                aria-selected={active}
                aria-controls={panelId(tab.key)}
                aria-keyshortcuts="Delete"
                tabIndex={active ? 0 : -1}
                onClick={() => onSelect(tab.key)}
                onKeyDown={(event) => onKeyDown(event, index)}
                data-testid="terminal-tab"
                className="flex cursor-pointer items-center gap-2 rounded-tl-lg py-1.5 pr-1 pl-3 font-mono text-[13px]"
              >
                <span
                  aria-hidden="true"
                  className={`size-1.5 rounded-full ${tab.exited ? 'bg-harbor-600' : active ? 'bg-sea-300' : 'bg-sea-500/70'}`}
                />
                <span className={tab.exited ? 'line-through decoration-harbor-600' : undefined}>{name}</span>
              </button>
              <button
                type="button"
                tabIndex={active ? 0 : -1}
                aria-label={t('close', { number: tab.number })}
                title={t('close', { number: tab.number })}
                onClick={() => onClose(tab.key)}
                data-testid="terminal-tab-close"
                className="mr-1 grid size-6 cursor-pointer place-items-center rounded-md text-harbor-300 hover:bg-harbor-700 hover:text-white"
              >
                <svg viewBox="0 0 16 16" className="size-3.5" aria-hidden="true">
                  <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
                </svg>
              </button>
            </div>
          );
        })}
      </div>
      <button
        type="button"
        onClick={onNew}
        disabled={!canOpen}
        aria-label={t('new')}
        title={t('new')}
        data-testid="terminal-new"
        className="my-1 grid size-7 shrink-0 cursor-pointer place-items-center rounded-md text-harbor-200 hover:bg-harbor-800 hover:text-white disabled:cursor-not-allowed disabled:opacity-40"
      >
        <svg viewBox="0 0 16 16" className="size-4" aria-hidden="true">
          <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.7" strokeLinecap="round" />
        </svg>
      </button>
    </div>
  );
}
