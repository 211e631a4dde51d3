'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef, useState, type KeyboardEvent as ReactKeyboardEvent, type ReactNode } from 'react';
import { Group, Panel, Separator, useGroupRef, usePanelRef, type Layout } from 'react-resizable-panels';
import { tabKey, type FilesSnapshot, type WorkspaceFiles } from '@/client/workspace-files';
import { DocumentArea } from './DocumentArea';
import { FileTree } from './files/FileTree';
import { Icon } from './icons';
import { PortsMenu } from './preview/PortsMenu';
import { useMediaQuery } from './use-media-query';
import { useFilesSnapshot, useWorkspaceFiles, useWorkspaceLayout, type LayoutPreset, type MobileView } from './workspace-state';

const SIZES_KEY = 'berth:workspace-sizes';

function loadSizes(group: string): Layout | null {
  try {
    const all = JSON.parse(localStorage.getItem(SIZES_KEY) ?? '{}') as Record<string, unknown>;
    const saved = all[group];
    if (saved && typeof saved === 'object' && Object.values(saved).every((v) => typeof v === 'number' && v > 0)) return saved as Layout;
  } catch {
    // defaults
  }
  return null;
}

function saveSizes(group: string, layout: Layout): void {
  // Collapsed panes are a preset's doing, not sizes to remember.
  if (Object.values(layout).some((v) => v <= 0.5)) return;
  try {
    const all = JSON.parse(localStorage.getItem(SIZES_KEY) ?? '{}') as Record<string, unknown>;
    localStorage.setItem(SIZES_KEY, JSON.stringify({ ...all, [group]: layout }));
  } catch {
    // not remembered
  }
}

/** Regions F6 moves between, in order. */
const REGIONS = ['files', 'documents', 'terminal'] as const;

function shown(el: HTMLElement): boolean {
  return el.offsetWidth > 0 && el.offsetHeight > 0 && !el.closest('[inert], .invisible, .hidden');
}

function visible(el: HTMLElement | null): el is HTMLElement {
  return el !== null && shown(el);
}

/** Moves the keyboard focus to the next (or previous) pane: F6 and Shift+F6, as in browsers and editors. */
function cycleFocus(root: HTMLElement, backwards: boolean): void {
  const regions = REGIONS.map((r) => root.querySelector<HTMLElement>(`[data-region="${r}"]`)).filter(visible);
  if (regions.length === 0) return;
  const current = regions.findIndex((r) => r.contains(document.activeElement));
  const next = regions[(current + (backwards ? -1 : 1) + regions.length) % regions.length]!;
  const targets = [
    ...next.querySelectorAll<HTMLElement>(
      '[role="treeitem"][tabindex="0"], [role="tabpanel"]:not(.invisible) .monaco-editor textarea, [data-focus-target] input, [role="tabpanel"]:not(.invisible) .xterm-helper-textarea, [role="tab"][tabindex="0"], button',
    ),
  ].filter((el) => shown(el) || el.tagName === 'TEXTAREA');
  (targets[0] ?? next).focus();
}

const separatorClass = (orientation: 'horizontal' | 'vertical') =>
  `group relative flex shrink-0 items-center justify-center bg-harbor-800 outline-none transition-colors data-[separator=active]:bg-sea-400 data-[separator=focus]:bg-sea-300 data-[separator=hover]:bg-sea-500 ${
    orientation === 'horizontal' ? 'w-1' : 'h-1'
  }`;

/**
 * The workspace's panes: files, documents (editor and previews) and terminals, in
 * resizable panes whose sizes are remembered, arranged by a preset (terminal, editor,
 * preview) that the learner picks and a lesson may choose. On a phone, one pane at a
 * time. F6 moves the focus from pane to pane, so it is never trapped in the terminal.
 */
export function WorkspacePanes({ terminals }: { terminals: ReactNode }) {
  const t = useTranslations('Workspace.layout');
  const files = useWorkspaceFiles();
  const snap = useFilesSnapshot(files);
  const layout = useWorkspaceLayout();
  const narrow = useMediaQuery('(max-width: 767px)');
  const rootRef = useRef<HTMLDivElement>(null);

  // In the preview layout a preview shows: the open one, or the first port that listens
  // (also when it starts listening later, e.g. right after docker run -p).
  const firstPort = snap?.ports.find((p) => p.scope === 'any')?.port;
  const hasPreview = snap?.tabs.some((tab) => tab.kind === 'preview') ?? false;
  useEffect(() => {
    if (layout.preset !== 'preview' || !files) return;
    const current = files.getSnapshot();
    if (!hasPreview && firstPort !== undefined) files.openPreview(firstPort);
    else if (hasPreview && current.tabs.find((tab) => tabKey(tab) === current.activeTab)?.kind !== 'preview') showAPreview(files, current);
  }, [layout.preset, files, firstPort, hasPreview]);

  const onKeyDownCapture = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    if (event.key !== 'F6' || event.altKey || event.ctrlKey || event.metaKey) return;
    event.preventDefault();
    event.stopPropagation();
    if (rootRef.current) cycleFocus(rootRef.current, event.shiftKey);
  };

  return (
    <div ref={rootRef} className="flex min-h-0 flex-1 flex-col" onKeyDownCapture={onKeyDownCapture} data-testid="workspace-panes" data-preset={layout.preset} data-narrow={narrow}>
      <div className="flex h-10 shrink-0 items-center gap-2 border-b border-harbor-800 bg-harbor-950 px-2">
        {narrow ? (
          <Segmented
            label={t('viewLabel')}
            value={layout.mobileView}
            onChange={(v) => layout.setMobileView(v as MobileView)}
            options={[
              { value: 'terminal', label: t('terminal'), icon: 'terminal' },
              { value: 'files', label: t('files'), icon: 'sidebar' },
              { value: 'documents', label: t('documents'), icon: 'editor' },
            ]}
          />
        ) : (
          <>
            <Segmented
              label={t('presetLabel')}
              value={layout.preset}
              onChange={(v) => layout.setPreset(v as LayoutPreset)}
              options={[
                { value: 'terminal', label: t('terminal'), icon: 'terminal' },
                { value: 'editor', label: t('editor'), icon: 'editor' },
                { value: 'preview', label: t('preview'), icon: 'preview' },
              ]}
            />
            {layout.preset === 'editor' ? (
              <button
                type="button"
                aria-pressed={layout.filesOpen}
                onClick={() => layout.setFilesOpen(!layout.filesOpen)}
                title={layout.filesOpen ? t('hideFiles') : t('showFiles')}
                aria-label={layout.filesOpen ? t('hideFiles') : t('showFiles')}
                data-testid="layout-files-toggle"
                className={`grid size-8 cursor-pointer place-items-center rounded-md hover:bg-harbor-800 ${layout.filesOpen ? 'text-sea-300' : 'text-harbor-300'}`}
              >
                <Icon name="sidebar" />
              </button>
            ) : null}
          </>
        )}
        <div className="min-w-0 flex-1" />
        {files && snap ? <PortsMenu files={files} snap={snap} /> : null}
        <KeyboardHelp />
      </div>
      {narrow ? <NarrowPanes files={files} snap={snap} view={layout.mobileView} terminals={terminals} /> : <WidePanes files={files} snap={snap} terminals={terminals} />}
    </div>
  );
}

/** The Preview preset shows a preview: the open one, else one of a listening port. */
function showAPreview(files: WorkspaceFiles, snap: FilesSnapshot): void {
  const open = [...snap.tabs].reverse().find((tab) => tab.kind === 'preview');
  if (open) files.activate(tabKey(open));
  else {
    const port = snap.ports.find((p) => p.scope === 'any');
    if (port) files.openPreview(port.port);
  }
}

function WidePanes({ files, snap, terminals }: { files: WorkspaceFiles | null; snap: FilesSnapshot | null; terminals: ReactNode }) {
  const t = useTranslations('Workspace.layout');
  const layout = useWorkspaceLayout();
  const outer = useGroupRef();
  const inner = useGroupRef();
  const filesPanel = usePanelRef();
  const docsPanel = usePanelRef();
  const [restored, setRestored] = useState(false);

  // Sizes the learner chose come back once the groups measured themselves.
  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const a = loadSizes('outer');
      const b = loadSizes('inner');
      if (a) outer.current?.setLayout(a);
      if (b) inner.current?.setLayout(b);
      setRestored(true);
    });
    return () => cancelAnimationFrame(frame);
  }, [outer, inner]);

  // The preset opens and closes panes.
  useEffect(() => {
    if (!restored) return;
    const showFiles = layout.preset === 'editor' && layout.filesOpen;
    const showDocs = layout.preset !== 'terminal';
    const f = filesPanel.current;
    const d = docsPanel.current;
    if (f) {
      if (showFiles && f.isCollapsed()) f.expand();
      if (!showFiles && !f.isCollapsed()) f.collapse();
    }
    if (d) {
      if (showDocs && d.isCollapsed()) d.expand();
      if (!showDocs && !d.isCollapsed()) d.collapse();
    }
  }, [restored, layout.preset, layout.filesOpen, filesPanel, docsPanel]);

  const showFiles = layout.preset === 'editor' && layout.filesOpen;
  const showDocs = layout.preset !== 'terminal';
  const activeFile = snap?.tabs.find((tab) => tabKey(tab) === snap.activeTab);

  return (
    <Group
      orientation="horizontal"
      groupRef={outer}
      className="min-h-0 flex-1"
      onLayoutChanged={(l, meta) => {
        if (meta.isUserInteraction) saveSizes('outer', meta.requestedLayout ?? l);
      }}
    >
      <Panel id="files-pane" panelRef={filesPanel} collapsible collapsedSize={0} minSize={180} defaultSize="30" className={showFiles ? '' : 'invisible'}>
        <div className="h-full" data-region="files" inert={!showFiles}>
          {files && snap ? <FileTree files={files} snap={snap} activePath={activeFile?.kind === 'file' ? activeFile.path : null} /> : null}
        </div>
      </Panel>
      <Separator aria-label={t('resizeFiles')} className={`${separatorClass('horizontal')} ${showFiles ? '' : 'hidden'}`} />
      <Panel id="main-pane" minSize={320}>
        <Group
          orientation="vertical"
          groupRef={inner}
          className="h-full"
          onLayoutChanged={(l, meta) => {
            if (meta.isUserInteraction) saveSizes('inner', meta.requestedLayout ?? l);
          }}
        >
          <Panel id="documents-pane" panelRef={docsPanel} collapsible collapsedSize={0} minSize={140} defaultSize="60" className={showDocs ? '' : 'invisible'}>
            <div className="h-full" data-region="documents" inert={!showDocs}>
              {files && snap ? <DocumentArea files={files} snap={snap} /> : null}
            </div>
          </Panel>
          <Separator aria-label={t('resizeTerminal')} className={`${separatorClass('vertical')} ${showDocs ? '' : 'hidden'}`} />
          <Panel id="terminal-pane" minSize={110}>
            <div className="flex h-full min-h-0 flex-col" data-region="terminal">
              {terminals}
            </div>
          </Panel>
        </Group>
      </Panel>
    </Group>
  );
}

function NarrowPanes({ files, snap, view, terminals }: { files: WorkspaceFiles | null; snap: FilesSnapshot | null; view: MobileView; terminals: ReactNode }) {
  const activeFile = snap?.tabs.find((tab) => tabKey(tab) === snap.activeTab);
  return (
    <div className="relative min-h-0 flex-1">
      <div className={`absolute inset-0 ${view === 'files' ? '' : 'hidden'}`} data-region="files">
        {files && snap ? <FileTree files={files} snap={snap} activePath={activeFile?.kind === 'file' ? activeFile.path : null} /> : null}
      </div>
      <div className={`absolute inset-0 ${view === 'documents' ? '' : 'hidden'}`} data-region="documents">
        {files && snap ? <DocumentArea files={files} snap={snap} /> : null}
      </div>
      {/* display:none, not visibility: the active terminal's own `visible` would show through. */}
      <div className={`absolute inset-0 flex-col ${view === 'terminal' ? 'flex' : 'hidden'}`} data-region="terminal">
        {terminals}
      </div>
    </div>
  );
}

function Segmented({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: { value: string; label: string; icon: Parameters<typeof Icon>[0]['name'] }[];
  onChange(value: string): void;
}) {
  return (
    <div role="group" aria-label={label} className="flex shrink-0 items-center rounded-lg border border-harbor-800 bg-harbor-900 p-0.5">
      {options.map((o) => (
        <button
          key={o.value}
          type="button"
          aria-pressed={value === o.value}
          onClick={() => onChange(o.value)}
          data-testid={`layout-${o.value}`}
          className={`flex cursor-pointer items-center gap-1.5 rounded-md px-2 py-1 text-xs font-semibold transition-colors ${
            value === o.value ? 'bg-harbor-700 text-white' : 'text-harbor-300 hover:text-white'
          }`}
        >
          <Icon name={o.icon} className="size-3.5" />
          <span>{o.label}</span>
        </button>
      ))}
    </div>
  );
}

function KeyboardHelp() {
  const t = useTranslations('Workspace.layout');
  const [open, setOpen] = useState(false);
  return (
    <div className="relative shrink-0">
      <button
        type="button"
        aria-expanded={open}
        aria-label={t('keys')}
        title={t('keys')}
        onClick={() => setOpen((o) => !o)}
        onBlur={(e) => {
          if (!e.currentTarget.parentElement?.contains(e.relatedTarget as Node | null)) setOpen(false);
        }}
        className="grid size-8 cursor-pointer place-items-center rounded-md text-harbor-300 hover:bg-harbor-800 hover:text-white"
      >
        <Icon name="keyboard" />
      </button>
      {open ? (
        <div role="note" className="absolute top-full right-0 z-30 mt-1 w-72 rounded-lg border border-harbor-700 bg-harbor-850 p-3 text-xs leading-relaxed text-harbor-200 shadow-xl shadow-black/40">
          <p className="mb-1 font-semibold text-white">{t('keys')}</p>
          <ul className="space-y-1">
            <li>
              <kbd className="rounded border border-harbor-600 bg-harbor-900 px-1 font-mono text-[11px] text-white">F6</kbd> {t('keyF6')}
            </li>
            <li>
              <kbd className="rounded border border-harbor-600 bg-harbor-900 px-1 font-mono text-[11px] text-white">Ctrl/⌘ S</kbd> {t('keySave')}
            </li>
            <li>
              <kbd className="rounded border border-harbor-600 bg-harbor-900 px-1 font-mono text-[11px] text-white">Ctrl M</kbd> {t('keyTab')}
            </li>
            <li>
              <kbd className="rounded border border-harbor-600 bg-harbor-900 px-1 font-mono text-[11px] text-white">F2</kbd> / <kbd className="rounded border border-harbor-600 bg-harbor-900 px-1 font-mono text-[11px] text-white">Delete</kbd> {t('keyTree')}
            </li>
          </ul>
        </div>
      ) : null}
    </div>
  );
}
