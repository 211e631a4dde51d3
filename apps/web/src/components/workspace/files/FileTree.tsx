'use client';

import { useLocale, useTranslations } from 'next-intl';
import { useMemo, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react';
import { MAX_EDIT_BYTES } from '@berth/protocol';
import type { FileEntry } from '@berth/protocol';
import { toLearnerError } from '@/client/errors';
import { fileErrorReason, joinPath, nameOf, parentOf, validName, type FilesSnapshot, type WorkspaceFiles } from '@/client/workspace-files';
import { ConfirmDialog } from '../ConfirmDialog';
import { formatBytes } from '../format';
import { FileIcon, FolderIcon, Icon } from '../icons';

interface Row {
  path: string;
  entry: FileEntry;
  depth: number;
  isDir: boolean;
}

type Editing = { kind: 'new-file' | 'new-folder'; dir: string } | { kind: 'rename'; path: string } | null;

const isDirEntry = (e: FileEntry) => e.kind === 'dir' || (e.kind === 'symlink' && e.target === 'dir');

/** The visible rows: open folders' entries, depth first, hidden files only when asked. */
function visibleRows(snap: FilesSnapshot): Row[] {
  const rows: Row[] = [];
  const walk = (dir: string, depth: number) => {
    const state = snap.dirs.get(dir);
    const entries = state && 'entries' in state ? (state.entries ?? []) : [];
    for (const entry of entries) {
      if (!snap.showHidden && entry.name.startsWith('.')) continue;
      const path = joinPath(dir, entry.name);
      const isDir = isDirEntry(entry);
      rows.push({ path, entry, depth, isDir });
      if (isDir && snap.expanded.has(path)) walk(path, depth + 1);
    }
  };
  walk('', 0);
  return rows;
}

/**
 * The learner's home folder as a tree (WAI-ARIA tree: arrows move and open, Enter
 * opens a file, F2 renames, Delete deletes). Files made in the terminal show up by
 * themselves about a second later.
 */
export function FileTree({ files, snap, activePath }: { files: WorkspaceFiles; snap: FilesSnapshot; activePath: string | null }) {
  const t = useTranslations('Workspace.files');
  const rows = useMemo(() => visibleRows(snap), [snap]);
  const [selected, setSelected] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Row | null>(null);
  // Kept as what went wrong, not as text: it is shown in the page's language of the moment.
  const [error, setError] = useState<unknown>(null);
  const [menuFor, setMenuFor] = useState<string | null>(null);
  const [info, setInfo] = useState<string | null>(null);
  const [dropDir, setDropDir] = useState<string | null>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const uploadRef = useRef<HTMLInputElement>(null);
  const locale = useLocale();
  const root = snap.dirs.get('');
  const focusPath = selected && rows.some((r) => r.path === selected) ? selected : (activePath && rows.some((r) => r.path === activePath) ? activePath : rows[0]?.path ?? null);

  const describe = (err: unknown): string => {
    const upload = (err as { upload?: { name: string; size: number } }).upload;
    if (upload) return t('uploadTooLarge', { name: upload.name, size: formatBytes(upload.size, locale), max: formatBytes(MAX_EDIT_BYTES, locale) });
    const reason = fileErrorReason(err);
    return reason ? t(`errors.${reason}`) : toLearnerError(err).message;
  };

  /** Files from the learner's computer (the Upload button or a drop) into a folder. */
  const uploadAll = async (dir: string, list: FileList | File[]) => {
    setError(null);
    setInfo(null);
    let count = 0;
    let last: string | null = null;
    for (const file of [...list]) {
      if (file.size > MAX_EDIT_BYTES) {
        setError({ upload: { name: file.name, size: file.size } });
        continue;
      }
      const ok = await act(async () => {
        last = await files.upload(dir, file.name, new Uint8Array(await file.arrayBuffer()));
      });
      if (ok) count++;
    }
    if (count) setInfo(t('uploaded', { count }));
    if (dir) files.expandDir(dir);
    if (last) setSelected(last);
  };

  const download = async (path: string) => {
    await act(async () => {
      const bytes = await files.download(path);
      const url = URL.createObjectURL(new Blob([bytes as BlobPart]));
      const a = document.createElement('a');
      a.href = url;
      a.download = nameOf(path);
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  };

  /** The folder a drop lands in: the folder under the pointer, or the file's folder, or the home. */
  const dropTarget = (event: DragEvent<HTMLElement>): string => {
    const item = (event.target as HTMLElement).closest<HTMLElement>('[data-path]');
    if (!item) return '';
    const path = item.dataset.path ?? '';
    return item.dataset.kind === 'dir' ? path : parentOf(path);
  };

  const act = async (what: () => Promise<unknown>) => {
    setError(null);
    try {
      await what();
      return true;
    } catch (err) {
      setError(err);
      return false;
    }
  };

  const focusRow = (path: string) => {
    setSelected(path);
    requestAnimationFrame(() => listRef.current?.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`)?.focus());
  };

  const activate = (row: Row) => {
    setSelected(row.path);
    if (row.isDir) files.toggleDir(row.path);
    else if (row.entry.kind === 'symlink' && row.entry.target === 'outside') setError({ details: { reason: 'outside' } });
    else void files.open(row.path);
  };

  /** Where "new file" goes: the selected folder, the selected file's folder, or the home. */
  const targetDir = (): string => {
    const row = rows.find((r) => r.path === (selected ?? ''));
    if (!row) return '';
    return row.isDir ? row.path : parentOf(row.path);
  };

  const startNew = (kind: 'new-file' | 'new-folder', dir = targetDir()) => {
    setError(null);
    if (dir) files.expandDir(dir);
    setEditing({ kind, dir });
  };

  const onKeyDown = (event: KeyboardEvent<HTMLElement>, row: Row, index: number) => {
    const go = (i: number) => {
      const target = rows[Math.max(0, Math.min(rows.length - 1, i))];
      if (target) focusRow(target.path);
    };
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        return go(index + 1);
      case 'ArrowUp':
        event.preventDefault();
        return go(index - 1);
      case 'Home':
        event.preventDefault();
        return go(0);
      case 'End':
        event.preventDefault();
        return go(rows.length - 1);
      case 'ArrowRight':
        event.preventDefault();
        if (row.isDir && !snap.expanded.has(row.path)) files.expandDir(row.path);
        else if (row.isDir) go(index + 1);
        return;
      case 'ArrowLeft': {
        event.preventDefault();
        if (row.isDir && snap.expanded.has(row.path)) files.toggleDir(row.path);
        else if (row.depth > 0) focusRow(parentOf(row.path));
        return;
      }
      case 'Enter':
      case ' ':
        event.preventDefault();
        return activate(row);
      case 'F2':
        event.preventDefault();
        return setEditing({ kind: 'rename', path: row.path });
      case 'Delete':
        event.preventDefault();
        return setDeleting(row);
    }
  };

  const editor = (depth: number, initial: string, submit: (name: string) => Promise<boolean>) => (
    <NameInput
      depth={depth}
      initial={initial}
      label={editing?.kind === 'rename' ? t('renameLabel') : editing?.kind === 'new-folder' ? t('newFolderLabel') : t('newFileLabel')}
      invalid={t('invalidName')}
      onCancel={() => setEditing(null)}
      onSubmit={async (name) => {
        if (await submit(name)) setEditing(null);
      }}
    />
  );

  const newInput = (dir: string, depth: number): ReactNode =>
    editing && editing.kind !== 'rename' && editing.dir === dir
      ? editor(depth, '', (name) =>
          act(() => (editing.kind === 'new-file' ? files.createFile(dir, name) : files.createFolder(dir, name)).then((p) => setSelected(p))),
        )
      : null;

  return (
    <div className="flex h-full min-h-0 flex-col bg-harbor-900" data-testid="file-tree">
      <div className="flex h-9 shrink-0 items-center gap-0.5 border-b border-harbor-800 pr-1 pl-2">
        <h2 className="min-w-0 flex-1 truncate text-xs font-semibold tracking-wider text-harbor-300 uppercase">{t('title')}</h2>
        <ToolButton label={t('newFile')} onClick={() => startNew('new-file')} testId="files-new-file" icon="file-plus" />
        <ToolButton label={t('newFolder')} onClick={() => startNew('new-folder')} testId="files-new-folder" icon="folder-plus" />
        <ToolButton label={t('upload')} onClick={() => uploadRef.current?.click()} testId="files-upload" icon="upload" />
        <input
          ref={uploadRef}
          type="file"
          multiple
          hidden
          data-testid="files-upload-input"
          onChange={(e) => {
            const list = e.currentTarget.files;
            if (list?.length) void uploadAll(targetDir(), [...list]);
            e.currentTarget.value = '';
          }}
        />
        <ToolButton label={t('refresh')} onClick={() => files.refreshAll()} testId="files-refresh" icon="refresh" />
        <ToolButton
          label={snap.showHidden ? t('hideHidden') : t('showHidden')}
          pressed={snap.showHidden}
          onClick={() => files.setShowHidden(!snap.showHidden)}
          testId="files-hidden"
          icon="eye"
        />
      </div>
      {error ? (
        <p role="alert" className="flex items-start gap-2 border-b border-red-400/30 bg-red-400/10 px-3 py-2 text-xs text-red-200" data-testid="files-error">
          <span className="min-w-0 flex-1">{describe(error)}</span>
          <button type="button" className="cursor-pointer text-red-200/80 hover:text-white" onClick={() => setError(null)} aria-label={t('dismiss')}>
            ×
          </button>
        </p>
      ) : null}
      {info && !error ? (
        <p role="status" className="border-b border-sea-400/30 bg-sea-400/10 px-3 py-1.5 text-xs text-sea-100" data-testid="files-info">
          {info}
        </p>
      ) : null}
      <div
        className={`relative min-h-0 flex-1 overflow-auto py-1 ${dropDir !== null ? 'bg-sea-500/10 ring-2 ring-sea-400/60 ring-inset' : ''}`}
        data-focus-target="files"
        data-testid="files-drop"
        onDragOver={(e) => {
          if (!e.dataTransfer.types.includes('Files')) return;
          e.preventDefault();
          e.dataTransfer.dropEffect = 'copy';
          setDropDir(dropTarget(e));
        }}
        onDragLeave={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropDir(null);
        }}
        onDrop={(e) => {
          if (!e.dataTransfer.files.length) return;
          e.preventDefault();
          const dir = dropTarget(e);
          setDropDir(null);
          void uploadAll(dir, e.dataTransfer.files);
        }}
      >
        {dropDir !== null ? (
          <p className="pointer-events-none sticky top-0 z-10 mx-2 mb-1 rounded bg-sea-300 px-2 py-1 text-center text-xs font-semibold text-harbor-950">
            {t('dropHere', { dir: `~/${dropDir}`.replace(/\/$/, '') })}
          </p>
        ) : null}
        {!snap.available && !root ? (
          <p className="px-3 py-2 text-xs text-harbor-400">{t('unavailable')}</p>
        ) : root?.status === 'error' ? (
          <p className="px-3 py-2 text-xs text-red-200">{t('loadFailed', { message: describe(root.error) })}</p>
        ) : !root || (root.status === 'loading' && !root.entries) ? (
          <p className="px-3 py-2 text-xs text-harbor-400">{t('loading')}</p>
        ) : (
          <ul ref={listRef} role="tree" aria-label={t('treeLabel')} className="text-[13px]" data-testid="file-tree-list">
            {newInput('', 0)}
            {rows.map((row, index) => {
              const expanded = row.isDir && snap.expanded.has(row.path);
              const dirState = row.isDir ? snap.dirs.get(row.path) : undefined;
              const isActive = row.path === activePath;
              const outside = row.entry.kind === 'symlink' && row.entry.target === 'outside';
              if (editing?.kind === 'rename' && editing.path === row.path) {
                return (
                  <li key={row.path} role="none">
                    {editor(row.depth, row.entry.name, (name) => act(() => files.rename(row.path, joinPath(parentOf(row.path), name))))}
                  </li>
                );
              }
              return (
                <li key={row.path} role="none">
                  <div
                    role="treeitem"
                    tabIndex={row.path === focusPath ? 0 : -1}
                    aria-level={row.depth + 1}
                    aria-expanded={row.isDir ? expanded : undefined}
                    aria-selected={isActive}
                    data-path={row.path}
                    data-testid="file-tree-item"
                    data-kind={row.isDir ? 'dir' : 'file'}
                    title={outside ? t('outsideLink') : `~/${row.path}`}
                    onClick={() => activate(row)}
                    onKeyDown={(e) => onKeyDown(e, row, index)}
                    onContextMenu={(e) => {
                      e.preventDefault();
                      setSelected(row.path);
                      setMenuFor(row.path);
                    }}
                    className={`group relative flex cursor-pointer items-center gap-1.5 py-[3px] pr-1 outline-none select-none focus-visible:bg-harbor-800 focus-visible:ring-1 focus-visible:ring-sea-300 focus-visible:ring-inset ${
                      isActive ? 'bg-sea-500/15 text-white' : 'text-harbor-200 hover:bg-harbor-850'
                    } ${row.entry.name.startsWith('.') || outside ? 'opacity-60' : ''}`}
                    style={{ paddingLeft: `${8 + row.depth * 14}px` }}
                  >
                    <span aria-hidden="true" className="grid size-4 shrink-0 place-items-center text-harbor-400">
                      {row.isDir ? (expanded ? '▾' : '▸') : ''}
                    </span>
                    {row.isDir ? <FolderIcon open={expanded} /> : <FileIcon name={row.entry.name} />}
                    <span className="min-w-0 flex-1 truncate">
                      {row.entry.name}
                      {row.entry.kind === 'symlink' ? <span className="ml-1 text-harbor-400">→</span> : null}
                    </span>
                    {dirState?.status === 'loading' && !('entries' in dirState && dirState.entries) ? (
                      <span className="text-[11px] text-harbor-400">…</span>
                    ) : null}
                    <button
                      type="button"
                      tabIndex={-1}
                      aria-label={t('actionsFor', { name: row.entry.name })}
                      data-testid="file-tree-menu"
                      onClick={(e) => {
                        e.stopPropagation();
                        setSelected(row.path);
                        setMenuFor(menuFor === row.path ? null : row.path);
                      }}
                      className="grid size-5 shrink-0 cursor-pointer place-items-center rounded text-harbor-300 opacity-0 group-hover:opacity-100 group-focus-visible:opacity-100 hover:bg-harbor-700 hover:text-white"
                    >
                      ⋯
                    </button>
                    {menuFor === row.path ? (
                      <RowMenu
                        row={row}
                        onClose={() => setMenuFor(null)}
                        items={[
                          ...(row.isDir
                            ? [
                                { label: t('newFile'), run: () => startNew('new-file', row.path) },
                                { label: t('newFolder'), run: () => startNew('new-folder', row.path) },
                              ]
                            : [
                                { label: t('open'), run: () => activate(row) },
                                { label: t('download'), run: () => void download(row.path) },
                              ]),
                          { label: t('rename'), run: () => setEditing({ kind: 'rename', path: row.path }) },
                          { label: t('delete'), run: () => setDeleting(row), danger: true },
                        ]}
                      />
                    ) : null}
                  </div>
                  {row.isDir && expanded ? newInput(row.path, row.depth + 1) : null}
                  {row.isDir && expanded && dirState?.status === 'ready' && dirState.truncated ? (
                    <p className="py-1 text-[11px] text-harbor-400" style={{ paddingLeft: `${30 + (row.depth + 1) * 14}px` }}>
                      {t('truncated')}
                    </p>
                  ) : null}
                </li>
              );
            })}
            {root?.status === 'ready' && root.truncated ? <li className="px-3 py-1 text-[11px] text-harbor-400">{t('truncated')}</li> : null}
          </ul>
        )}
      </div>
      <ConfirmDialog
        open={deleting !== null}
        title={deleting ? t('deleteTitle', { name: deleting.entry.name }) : ''}
        body={deleting ? (deleting.isDir && deleting.entry.kind === 'dir' ? t('deleteFolderBody', { path: `~/${deleting.path}` }) : t('deleteFileBody', { path: `~/${deleting.path}` })) : ''}
        confirm={t('delete')}
        danger
        onCancel={() => setDeleting(null)}
        onConfirm={() => {
          const row = deleting;
          setDeleting(null);
          if (row) void act(() => files.remove(row.path, row.isDir && row.entry.kind === 'dir'));
        }}
      />
    </div>
  );
}

function ToolButton({ label, onClick, icon, testId, pressed }: { label: string; onClick(): void; icon: Parameters<typeof Icon>[0]['name']; testId: string; pressed?: boolean }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={pressed}
      onClick={onClick}
      data-testid={testId}
      className={`grid size-6 shrink-0 cursor-pointer place-items-center rounded-md hover:bg-harbor-800 hover:text-white ${pressed ? 'text-sea-300' : 'text-harbor-300'}`}
    >
      <Icon name={icon} />
    </button>
  );
}

function RowMenu({ items, onClose, row }: { row: Row; items: { label: string; run(): void; danger?: boolean }[]; onClose(): void }) {
  const ref = useRef<HTMLDivElement>(null);
  return (
    <div
      ref={(el) => {
        ref.current = el;
        el?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
      }}
      role="menu"
      aria-label={nameOf(row.path)}
      className="absolute top-full right-1 z-20 mt-0.5 min-w-40 rounded-md border border-harbor-700 bg-harbor-850 py-1 shadow-xl shadow-black/40"
      onClick={(e) => e.stopPropagation()}
      onKeyDown={(e) => {
        e.stopPropagation();
        const entries = [...(ref.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
        const i = entries.indexOf(document.activeElement as HTMLElement);
        if (e.key === 'Escape') onClose();
        else if (e.key === 'ArrowDown') entries[(i + 1) % entries.length]?.focus();
        else if (e.key === 'ArrowUp') entries[(i - 1 + entries.length) % entries.length]?.focus();
        else return;
        e.preventDefault();
      }}
      onBlur={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) onClose();
      }}
    >
      {items.map((item) => (
        <button
          key={item.label}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className={`block w-full cursor-pointer px-3 py-1.5 text-left text-[13px] hover:bg-harbor-700 focus:bg-harbor-700 focus:outline-none ${item.danger ? 'text-red-200' : 'text-harbor-100'}`}
          onClick={() => {
            onClose();
            item.run();
          }}
        >
          {item.label}
        </button>
      ))}
    </div>
  );
}

function NameInput({
  depth,
  initial,
  label,
  invalid,
  onSubmit,
  onCancel,
}: {
  depth: number;
  initial: string;
  label: string;
  invalid: string;
  onSubmit(name: string): void;
  onCancel(): void;
}) {
  const [value, setValue] = useState(initial);
  const done = useRef(false);
  const bad = value !== '' && !validName(value);
  const finish = (submit: boolean) => {
    if (done.current) return;
    done.current = true;
    if (submit) onSubmit(value);
    else onCancel();
  };
  return (
    <div className="py-0.5 pr-2" style={{ paddingLeft: `${26 + depth * 14}px` }}>
      <input
        autoFocus
        aria-label={label}
        aria-invalid={bad}
        data-testid="file-name-input"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        onFocus={(e) => {
          const dot = initial.lastIndexOf('.');
          e.currentTarget.setSelectionRange(0, dot > 0 ? dot : initial.length);
        }}
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') finish(false);
          else if (e.key === 'Enter' && value && !bad) finish(value !== initial);
        }}
        onBlur={() => finish(Boolean(value) && !bad && value !== initial)}
        className={`w-full rounded border bg-harbor-950 px-1.5 py-0.5 font-mono text-[13px] text-white outline-none ${bad ? 'border-red-400' : 'border-sea-400'}`}
      />
      {bad ? <p className="mt-0.5 text-[11px] text-red-200">{invalid}</p> : null}
    </div>
  );
}
