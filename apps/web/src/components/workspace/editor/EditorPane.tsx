'use client';

import { DiffEditor, Editor, type Monaco } from '@monaco-editor/react';
import type { editor as MonacoEditor } from 'monaco-editor';
import { useLocale, useTranslations } from 'next-intl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { fileErrorReason, type DocState, type FilesSnapshot, type WorkspaceFiles } from '@/client/workspace-files';
import { Spinner } from '../TerminalView';
import { formatBytes } from '../format';
import { Icon } from '../icons';
import { configureMonaco, languageFor, prepareMonaco, THEME } from './monaco-setup';

/** Saves this long after the last keystroke when autosave is on. */
const AUTOSAVE_MS = 1200;
const FONT = '"JetBrains Mono", "Pretendard Variable", Pretendard, ui-monospace, monospace';

/** The model of a file of the learner's home (one per open file, kept while it is open). */
export function modelUri(path: string): string {
  return `file:///home/learner/${path.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * Models' bookkeeping, per page: which revision of a file's `base` a model shows, and
 * the model version that was last saved (or loaded): the model is dirty when it differs.
 */
const applied = new Map<string, number>();
const savedVersion = new Map<string, number>();
let loadedMonaco: Monaco | null = null;

/** The editor's current text of an open file (null when it has no model). */
export function editorText(path: string): string | null {
  return loadedMonaco?.editor.getModel(loadedMonaco.Uri.parse(modelUri(path)))?.getValue() ?? null;
}

/** After a save made outside the editor's own flow (Save and close): the model's version is the saved one. */
export function markSaved(path: string): void {
  const model = loadedMonaco?.editor.getModel(loadedMonaco.Uri.parse(modelUri(path)));
  if (model) savedVersion.set(path, model.getAlternativeVersionId());
}

export interface EditorPaneProps {
  files: WorkspaceFiles;
  snap: FilesSnapshot;
  /** The open file shown (null: none). */
  path: string | null;
}

/**
 * Monaco on the open files: one editor, a model per file. Ctrl/Cmd+S saves (and so
 * does autosave, when on); a change in the sandbox reloads a file without unsaved
 * edits and turns into a clear choice when there are some (keep mine, take theirs,
 * compare). Binary, too large and deleted files say so instead of an editor.
 */
export function EditorPane({ files, snap, path }: EditorPaneProps) {
  const t = useTranslations('Workspace.editor');
  const locale = useLocale();
  const monacoRef = useRef<Monaco | null>(null);
  const editorRef = useRef<MonacoEditor.IStandaloneCodeEditor | null>(null);
  const pathRef = useRef(path);
  const autosaveTimer = useRef<ReturnType<typeof setTimeout> | null>(null);
  const [comparing, setComparing] = useState(false);
  const [ready, setReady] = useState(false);
  const [localeLoaded, setLocaleLoaded] = useState(false);
  const doc = path ? snap.docs.get(path) : undefined;

  useEffect(() => {
    let live = true;
    void configureMonaco(locale).then(() => live && setLocaleLoaded(true));
    return () => {
      live = false;
    };
  }, [locale]);

  useEffect(() => {
    pathRef.current = path;
    setComparing(false);
  }, [path]);

  const modelOf = useCallback((p: string) => {
    const monaco = monacoRef.current;
    return monaco ? monaco.editor.getModel(monaco.Uri.parse(modelUri(p))) : null;
  }, []);

  const reportDirty = useCallback(
    (p: string) => {
      const model = modelOf(p);
      if (!model) return;
      files.setDirty(p, model.getAlternativeVersionId() !== savedVersion.get(p));
    },
    [files, modelOf],
  );

  const save = useCallback(
    async (p: string) => {
      const model = modelOf(p);
      const current = files.getSnapshot().docs.get(p);
      if (!model || !current || current.conflict || current.saving) return;
      const version = model.getAlternativeVersionId();
      if (await files.save(p, model.getValue())) {
        savedVersion.set(p, version);
        reportDirty(p);
      }
    },
    [files, modelOf, reportDirty],
  );

  // Every open model shows the newest `base` of its file when that changed from
  // outside the editor (loaded again, reloaded after a change in the sandbox, theirs taken).
  useEffect(() => {
    if (!ready) return;
    for (const d of snap.docs.values()) {
      const model = modelOf(d.path);
      if (!model || applied.get(d.path) === d.revision || d.status !== 'ready') continue;
      applied.set(d.path, d.revision);
      if (model.getValue() !== d.base) {
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text: d.base }], () => null);
        model.pushStackElement();
      }
      savedVersion.set(d.path, model.getAlternativeVersionId());
      files.setDirty(d.path, false);
    }
    // Models of files that were closed go away.
    const monaco = monacoRef.current;
    for (const model of monaco?.editor.getModels() ?? []) {
      const uri = model.uri.toString();
      if (!uri.startsWith('file:///home/learner/')) continue;
      const p = decodeURIComponent(model.uri.path.slice('/home/learner/'.length));
      if (!snap.docs.has(p) && p !== pathRef.current) {
        model.dispose();
        applied.delete(p);
        savedVersion.delete(p);
      }
    }
  }, [files, modelOf, ready, snap.docs]);

  // Autosave.
  const scheduleAutosave = useCallback(
    (p: string) => {
      if (autosaveTimer.current) clearTimeout(autosaveTimer.current);
      if (!files.getSnapshot().autosave) return;
      autosaveTimer.current = setTimeout(() => {
        const current = files.getSnapshot().docs.get(p);
        if (current?.dirty && !current.conflict && current.status === 'ready') void save(p);
      }, AUTOSAVE_MS);
    },
    [files, save],
  );
  useEffect(() => () => void (autosaveTimer.current && clearTimeout(autosaveTimer.current)), []);

  if (!path || !doc) return null;
  const language = languageFor(path);

  let body: React.ReactNode;
  if (doc.status === 'loading') {
    body = (
      <Panel testId="editor-loading">
        <Spinner /> {t('loading')}
      </Panel>
    );
  } else if (doc.status === 'binary') {
    body = <Panel testId="editor-binary">{t('binary', { path: `~/${path}`, size: formatBytes(doc.size, locale) })}</Panel>;
  } else if (doc.status === 'too-large') {
    body = <Panel testId="editor-too-large">{t('tooLarge', { path: `~/${path}`, size: formatBytes(doc.size, locale), max: formatBytes(768 * 1024, locale) })}</Panel>;
  } else if (doc.status === 'error') {
    const reason = fileErrorReason(doc.error);
    body = (
      <Panel testId="editor-error">
        <span>{reason === 'outside' ? t('outside', { path: `~/${path}` }) : reason === 'not-found' ? t('notFound', { path: `~/${path}` }) : t('openFailed', { message: doc.error?.message ?? '' })}</span>
        <button type="button" className={secondaryButton} onClick={() => files.reload(path)}>
          {t('tryAgain')}
        </button>
      </Panel>
    );
  } else if (doc.status === 'deleted' && !doc.dirty) {
    body = (
      <Panel testId="editor-deleted">
        <span>{t('deleted', { path: `~/${path}` })}</span>
        <div className="flex gap-2">
          <button type="button" className={secondaryButton} onClick={() => files.closeTab(`file:${path}`)}>
            {t('close')}
          </button>
          <button type="button" className={primaryButton} onClick={() => void save(path)} data-testid="editor-restore">
            {t('restore')}
          </button>
        </div>
      </Panel>
    );
  }

  const showEditor = doc.status === 'ready' || (doc.status === 'deleted' && doc.dirty);
  const conflict = doc.conflict;

  return (
    <div className="flex h-full min-h-0 flex-col" data-testid="editor-pane" data-path={path} data-dirty={doc.dirty} data-status={doc.status}>
      <EditorBar doc={doc} autosave={snap.autosave} onToggleAutosave={() => files.setAutosave(!snap.autosave)} onSave={() => void save(path)} />
      {conflict ? (
        <div role="alert" className="flex flex-wrap items-center gap-2 border-b border-sand-300/40 bg-sand-300/10 px-3 py-2 text-sm text-sand-100" data-testid="editor-conflict">
          <p className="min-w-0 flex-1">{conflict.kind === 'deleted' ? t('conflictDeleted') : t('conflictChanged')}</p>
          <button
            type="button"
            className={primaryButton}
            data-testid="conflict-keep-mine"
            onClick={async () => {
              const model = modelOf(path);
              if (!model) return;
              const version = model.getAlternativeVersionId();
              if (await files.keepMine(path, model.getValue())) {
                savedVersion.set(path, version);
                reportDirty(path);
                setComparing(false);
              }
            }}
          >
            {conflict.kind === 'deleted' ? t('keepMineDeleted') : t('keepMine')}
          </button>
          <button type="button" className={secondaryButton} data-testid="conflict-take-theirs" onClick={() => (setComparing(false), files.takeTheirs(path))}>
            {conflict.kind === 'deleted' ? t('takeTheirsDeleted') : t('takeTheirs')}
          </button>
          {conflict.kind === 'changed' && conflict.theirs !== null ? (
            <button type="button" className={secondaryButton} aria-pressed={comparing} data-testid="conflict-compare" onClick={() => setComparing((c) => !c)}>
              <Icon name="compare" className="mr-1 inline size-3.5" />
              {comparing ? t('hideCompare') : t('compare')}
            </button>
          ) : null}
        </div>
      ) : null}
      {doc.error && doc.status === 'ready' ? (
        <p role="alert" className="border-b border-red-400/30 bg-red-400/10 px-3 py-1.5 text-xs text-red-200" data-testid="editor-save-error">
          {fileErrorReason(doc.error) === 'too-large' ? t('saveTooLarge') : t('saveFailed', { message: doc.error.message })}
        </p>
      ) : null}
      <div className="relative min-h-0 flex-1" data-focus-target="documents">
        {body}
        {comparing && conflict?.theirs != null ? (
          <div className="absolute inset-0 flex flex-col" data-testid="editor-compare">
            <div className="grid shrink-0 grid-cols-2 border-b border-harbor-800 bg-harbor-900 text-[11px] font-semibold tracking-wide text-harbor-300 uppercase">
              <span className="px-3 py-1">{t('theirs')}</span>
              <span className="px-3 py-1">{t('mine')}</span>
            </div>
            <div className="min-h-0 flex-1">
              <DiffEditor
                original={conflict.theirs}
                modified={modelOf(path)?.getValue() ?? ''}
                originalModelPath={`inmemory://theirs/${encodeURIComponent(path)}`}
                modifiedModelPath={modelUri(path)}
                keepCurrentModifiedModel
                language={language}
                theme={THEME}
                beforeMount={prepareMonaco}
                options={{ fontFamily: FONT, fontSize: 13, minimap: { enabled: false }, renderSideBySide: true, originalEditable: false, automaticLayout: true }}
              />
            </div>
          </div>
        ) : null}
        <div className={`absolute inset-0 ${showEditor && !comparing ? '' : 'invisible'}`} data-testid="monaco-host">
          {showEditor && localeLoaded ? (
            <Editor
              path={modelUri(path)}
              defaultValue={doc.base}
              language={language}
              theme={THEME}
              keepCurrentModel
              loading={
                <span className="flex items-center gap-2 text-sm text-harbor-300">
                  <Spinner /> {t('loadingEditor')}
                </span>
              }
              beforeMount={(monaco) => {
                monacoRef.current = monaco;
                loadedMonaco = monaco;
                prepareMonaco(monaco);
              }}
              onMount={(editor, monaco) => {
                editorRef.current = editor;
                monacoRef.current = monaco;
                // The model the editor was created with shows this revision.
                const p = pathRef.current;
                if (p) {
                  const d = files.getSnapshot().docs.get(p);
                  if (d && !applied.has(p)) {
                    applied.set(p, d.revision);
                    savedVersion.set(p, editor.getModel()?.getAlternativeVersionId() ?? 1);
                  }
                }
                editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => {
                  if (pathRef.current) void save(pathRef.current);
                });
                editor.onDidChangeModel(() => {
                  const now = pathRef.current;
                  const d = now ? files.getSnapshot().docs.get(now) : undefined;
                  if (now && d && !applied.has(now)) {
                    applied.set(now, d.revision);
                    savedVersion.set(now, editor.getModel()?.getAlternativeVersionId() ?? 1);
                  }
                });
                editor.onDidChangeModelContent(() => {
                  const now = pathRef.current;
                  if (!now) return;
                  reportDirty(now);
                  scheduleAutosave(now);
                });
                document.fonts?.ready.then(() => monaco.editor.remeasureFonts());
                setReady(true);
              }}
              options={{
                fontFamily: FONT,
                fontSize: 14,
                lineHeight: 21,
                minimap: { enabled: false },
                scrollBeyondLastLine: false,
                automaticLayout: true,
                tabSize: 2,
                renderWhitespace: 'selection',
                fixedOverflowWidgets: true,
                padding: { top: 8 },
                ariaLabel: t('ariaLabel', { path: `~/${path}` }),
                unicodeHighlight: { ambiguousCharacters: false },
              }}
            />
          ) : null}
        </div>
      </div>
    </div>
  );
}

const primaryButton =
  'cursor-pointer rounded-md bg-sea-300 px-2.5 py-1 text-xs font-semibold text-harbor-950 hover:bg-sea-200 disabled:cursor-not-allowed disabled:opacity-50';
const secondaryButton =
  'cursor-pointer rounded-md border border-harbor-600 px-2.5 py-1 text-xs font-semibold text-harbor-100 hover:border-sea-400 hover:text-white';

function Panel({ children, testId }: { children: React.ReactNode; testId: string }) {
  return (
    <div className="absolute inset-0 grid place-items-center bg-[#071324] p-6" data-testid={testId}>
      <div className="flex max-w-md flex-col items-center gap-3 text-center text-sm leading-relaxed text-harbor-200">{children}</div>
    </div>
  );
}

function EditorBar({ doc, autosave, onToggleAutosave, onSave }: { doc: DocState; autosave: boolean; onToggleAutosave(): void; onSave(): void }) {
  const t = useTranslations('Workspace.editor');
  const [, setTick] = useState(0);
  // "Reloaded from the sandbox" shows for a few seconds.
  useEffect(() => {
    if (!doc.reloadedAt) return;
    const timer = setTimeout(() => setTick((n) => n + 1), 4000);
    return () => clearTimeout(timer);
  }, [doc.reloadedAt]);
  const recentlyReloaded = doc.reloadedAt !== null && Date.now() - doc.reloadedAt < 4000;
  const status = doc.saving
    ? t('saving')
    : doc.conflict
      ? t('conflictShort')
      : doc.dirty
        ? t('unsaved')
        : recentlyReloaded
          ? t('reloaded')
          : doc.savedAt
            ? t('saved')
            : '';
  return (
    <div className="flex h-8 shrink-0 items-center gap-2 border-b border-harbor-800 bg-harbor-900/70 px-3 text-xs">
      <span className="min-w-0 flex-1 truncate font-mono text-harbor-300" title={`/home/learner/${doc.path}`}>
        ~/{doc.path}
      </span>
      <span aria-live="polite" className={`shrink-0 ${doc.dirty || doc.conflict ? 'text-sand-200' : 'text-harbor-400'}`} data-testid="editor-status">
        {status}
      </span>
      <label className="flex shrink-0 cursor-pointer items-center gap-1.5 text-harbor-300">
        <input type="checkbox" checked={autosave} onChange={onToggleAutosave} className="accent-sea-400" data-testid="editor-autosave" />
        {t('autosave')}
      </label>
      <button
        type="button"
        onClick={onSave}
        disabled={!doc.dirty || doc.saving || doc.conflict !== null}
        title={t('saveShortcut')}
        aria-keyshortcuts="Control+S Meta+S"
        data-testid="editor-save"
        className="flex shrink-0 cursor-pointer items-center gap-1 rounded-md border border-harbor-700 px-2 py-0.5 text-harbor-100 hover:border-sea-400 disabled:cursor-default disabled:opacity-40"
      >
        <Icon name="save" className="size-3.5" />
        {t('save')}
      </button>
    </div>
  );
}
