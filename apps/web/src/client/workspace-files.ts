/**
 * The workspace's files and previews, framework-free (the React panes render its
 * snapshots; unit tests drive it against the fake gateway):
 *
 * - the tree: folders of the learner's home as listed by the agent, which ones are
 *   open, hidden files shown or not;
 * - open files: each with the version (etag) and text it was loaded or saved at
 *   (`base`), whether the editor has unsaved edits (`dirty`, told by the editor), and
 *   a conflict when the file changed in the sandbox while it had unsaved edits
 *   (nothing is overwritten or dropped silently: the learner chooses);
 * - tabs in the document area (files and previews) and the active one;
 * - the ports something listens on in the sandbox.
 *
 * It asks the agent to watch the open folders and files (and re-asks after every
 * reconnect); changes arrive about a second after they happen.
 */
import type { DirListing, FileEntry, ListeningPort, PreviewGrant } from '@berth/protocol';
import { FileErrorDetails, isHomeRelativePath, MAX_EDIT_BYTES, MAX_WATCHED_DIRS, MAX_WATCHED_FILES } from '@berth/protocol';
import { TypedEmitter } from './emitter';
import { LearnerError, toLearnerError } from './errors';
import type { FilesChangedEvent, LearnerConnection } from './learner-connection';

export type DirState =
  | { status: 'loading'; entries?: FileEntry[]; truncated?: boolean }
  | { status: 'ready'; entries: FileEntry[]; truncated: boolean }
  | { status: 'error'; error: LearnerError };

export type DocStatus = 'loading' | 'ready' | 'binary' | 'too-large' | 'error' | 'deleted';

export interface DocConflict {
  /** changed: the sandbox has another version; deleted: the file is gone there. */
  kind: 'changed' | 'deleted';
  /** Their text (null when deleted, binary or too large to show). */
  theirs: string | null;
  etag: string | null;
}

export interface DocState {
  path: string;
  status: DocStatus;
  size: number;
  /** The version the editor's text started from (null: never loaded). */
  etag: string | null;
  /** The text of that version. */
  base: string;
  /**
   * Bumped whenever `base` replaces what the editor shows (loaded, reloaded after a
   * change in the sandbox, their version taken): the editor then shows `base`.
   */
  revision: number;
  dirty: boolean;
  saving: boolean;
  savedAt: number | null;
  error: LearnerError | null;
  conflict: DocConflict | null;
  /** The text was reloaded because the file changed in the sandbox (shown briefly). */
  reloadedAt: number | null;
}

export type WorkspaceTab = { kind: 'file'; path: string } | { kind: 'preview'; port: number; path: string };
export const tabKey = (tab: WorkspaceTab) => (tab.kind === 'file' ? `file:${tab.path}` : `preview:${tab.port}`);

export interface FilesSnapshot {
  dirs: ReadonlyMap<string, DirState>;
  expanded: ReadonlySet<string>;
  showHidden: boolean;
  autosave: boolean;
  docs: ReadonlyMap<string, DocState>;
  tabs: readonly WorkspaceTab[];
  activeTab: string | null;
  ports: readonly ListeningPort[];
  /** The ports were read at least once in this session. */
  portsKnown: boolean;
  /** The sandbox can be used (online and ready). */
  available: boolean;
}

export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export type FilesEvents = {
  change: () => void;
  /** A tab was opened or activated by code (the layout shows the document area). */
  reveal: (tab: WorkspaceTab) => void;
};

const MAX_OPEN_FILES = MAX_WATCHED_FILES;
const WATCH_DEBOUNCE_MS = 60;
/**
 * Right after Start the first terminal is being opened: the first listing and the
 * watcher (each an exec in the sandbox) wait this long so as not to compete with it.
 */
const FIRST_LOAD_DELAY_MS = 400;

export const parentOf = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');
export const nameOf = (path: string) => path.slice(path.lastIndexOf('/') + 1);
export const joinPath = (dir: string, name: string) => (dir ? `${dir}/${name}` : name);
const isInside = (path: string, dir: string) => dir === '' || path === dir || path.startsWith(`${dir}/`);

/** A name a learner types for a new file or folder: one segment, no control characters. */
export function validName(name: string): boolean {
  return name.trim() === name && name !== '' && !name.includes('/') && isHomeRelativePath(name);
}

/** The reason in a file error's details (outside, changed, too-large...), if any. */
export function fileErrorReason(error: unknown): FileErrorDetails['reason'] | null {
  const parsed = FileErrorDetails.safeParse((error as LearnerError | undefined)?.details);
  return parsed.success ? parsed.data.reason : null;
}

function emptyDoc(path: string): DocState {
  return {
    path,
    status: 'loading',
    size: 0,
    etag: null,
    base: '',
    revision: 0,
    dirty: false,
    saving: false,
    savedAt: null,
    error: null,
    conflict: null,
    reloadedAt: null,
  };
}

export class WorkspaceFiles extends TypedEmitter<FilesEvents> {
  private dirs = new Map<string, DirState>();
  private expanded = new Set<string>(['']);
  private docs = new Map<string, DocState>();
  private tabs: WorkspaceTab[] = [];
  private activeTab: string | null = null;
  private ports: ListeningPort[] = [];
  private portsVersion = -1;
  private portsKnown = false;
  private showHidden = false;
  private autosave = true;
  private snap: FilesSnapshot;
  private readonly offs: (() => void)[] = [];
  private lastWatch = '';
  /** What the agent confirmed it watches (changes before that are caught by reading again). */
  private watchedDirs = new Set<string>();
  private watchedFiles = new Set<string>();
  private readonly dirGeneration = new Map<string, number>();
  private watchTimer: ReturnType<typeof setTimeout> | null = null;
  /** Newest version announced for a file while it was being saved (checked when the save is done). */
  private readonly announced = new Map<string, string | null>();
  private wasAvailable = false;
  private firstLoadTimer: ReturnType<typeof setTimeout> | null | 'done' = null;
  private disposed = false;

  constructor(
    private readonly conn: LearnerConnection,
    private readonly options: { session?: KeyValueStorage | null; prefs?: KeyValueStorage | null } = {},
  ) {
    super();
    this.restore();
    this.snap = this.makeSnapshot();
    this.offs.push(
      conn.on('status', () => this.onAvailability()),
      conn.on('state', () => this.onAvailability()),
      conn.on('filesChanged', (e) => this.onFilesChanged(e)),
      conn.on('ports', (ports, version) => this.setPorts(ports, version)),
    );
    this.onAvailability();
  }

  // ------------------------------------------------------------ React bindings

  subscribe = (listener: () => void): (() => void) => this.on('change', listener);
  getSnapshot = (): FilesSnapshot => this.snap;

  dispose(): void {
    this.disposed = true;
    for (const off of this.offs) off();
    if (this.watchTimer) clearTimeout(this.watchTimer);
    if (this.firstLoadTimer && this.firstLoadTimer !== 'done') clearTimeout(this.firstLoadTimer);
    this.removeAllListeners();
  }

  private get available(): boolean {
    return this.conn.status === 'online' && this.conn.session.state === 'ready';
  }

  private changed(): void {
    if (this.disposed) return;
    this.snap = this.makeSnapshot();
    this.persist();
    this.scheduleWatch();
    this.emit('change');
  }

  private makeSnapshot(): FilesSnapshot {
    return {
      dirs: new Map(this.dirs),
      expanded: new Set(this.expanded),
      showHidden: this.showHidden,
      autosave: this.autosave,
      docs: new Map(this.docs),
      tabs: [...this.tabs],
      activeTab: this.activeTab,
      ports: this.ports,
      portsKnown: this.portsKnown,
      available: this.available,
    };
  }

  // ---------------------------------------------------------------- storage

  private restore(): void {
    try {
      const prefs = JSON.parse(this.options.prefs?.getItem('berth:files-prefs') ?? 'null') as { showHidden?: boolean; autosave?: boolean } | null;
      if (typeof prefs?.showHidden === 'boolean') this.showHidden = prefs.showHidden;
      if (typeof prefs?.autosave === 'boolean') this.autosave = prefs.autosave;
      const saved = JSON.parse(this.options.session?.getItem(this.sessionKey) ?? 'null') as {
        expanded?: string[];
        tabs?: WorkspaceTab[];
        activeTab?: string | null;
      } | null;
      if (!saved) return;
      for (const d of saved.expanded ?? []) if (typeof d === 'string' && isHomeRelativePath(d)) this.expanded.add(d);
      for (const tab of saved.tabs ?? []) {
        if (tab?.kind === 'file' && isHomeRelativePath(tab.path) && tab.path) {
          this.tabs.push({ kind: 'file', path: tab.path });
          this.docs.set(tab.path, emptyDoc(tab.path));
        } else if (tab?.kind === 'preview' && Number.isInteger(tab.port) && tab.port > 0 && tab.port < 65_536) {
          this.tabs.push({ kind: 'preview', port: tab.port, path: typeof tab.path === 'string' && tab.path.startsWith('/') ? tab.path : '/' });
        }
      }
      this.activeTab = this.tabs.some((t) => tabKey(t) === saved.activeTab) ? (saved.activeTab ?? null) : (this.tabs[0] ? tabKey(this.tabs[0]) : null);
    } catch {
      // unreadable: start fresh
    }
  }

  private get sessionKey(): string {
    return `berth:workspace:${this.conn.sessionId}`;
  }

  private persist(): void {
    try {
      this.options.session?.setItem(
        this.sessionKey,
        JSON.stringify({ expanded: [...this.expanded], tabs: this.tabs, activeTab: this.activeTab }),
      );
      this.options.prefs?.setItem('berth:files-prefs', JSON.stringify({ showHidden: this.showHidden, autosave: this.autosave }));
    } catch {
      // storage full or disabled: not remembered
    }
  }

  // ------------------------------------------------------------ availability

  /** Back online and ready (first time, after a reconnect or a reset): read everything again. */
  private onAvailability(): void {
    const now = this.available;
    const was = this.wasAvailable;
    this.wasAvailable = now;
    if (now && !was) {
      if (this.firstLoadTimer === null) {
        this.firstLoadTimer = setTimeout(() => {
          this.firstLoadTimer = 'done';
          if (this.available && !this.disposed) this.reloadAll();
        }, FIRST_LOAD_DELAY_MS);
      } else if (this.firstLoadTimer === 'done') {
        this.reloadAll();
      }
    }
    this.changed();
  }

  private reloadAll(): void {
    this.lastWatch = '';
    // Another agent (or the same one restarted) counts ports' versions anew.
    this.portsVersion = -1;
    this.watchedDirs.clear();
    this.watchedFiles.clear();
    for (const dir of this.expanded) void this.loadDir(dir);
    for (const doc of this.docs.values()) void this.recheck(doc.path);
    this.scheduleWatch();
  }

  // ---------------------------------------------------------------- watching

  private scheduleWatch(): void {
    if (this.watchTimer || this.disposed) return;
    this.watchTimer = setTimeout(() => {
      this.watchTimer = null;
      void this.sendWatch();
    }, WATCH_DEBOUNCE_MS);
  }

  private async sendWatch(): Promise<void> {
    if (!this.available) return;
    const dirs = [...this.expanded].filter((d) => d === '' || this.dirs.get(d)?.status === 'ready').slice(0, MAX_WATCHED_DIRS);
    const files = [...this.docs.values()].filter((d) => d.status !== 'error').map((d) => d.path).slice(0, MAX_WATCHED_FILES);
    const key = JSON.stringify([dirs, files]);
    if (key === this.lastWatch) return;
    this.lastWatch = key;
    try {
      const result = await this.conn.watch({ dirs, files });
      // What changed between reading a folder or file and the watch starting is not
      // announced: read what is newly watched once more.
      for (const d of dirs) if (!this.watchedDirs.has(d)) void this.loadDir(d);
      for (const f of files) if (!this.watchedFiles.has(f)) void this.recheck(f);
      this.watchedDirs = new Set(dirs);
      this.watchedFiles = new Set(files);
      this.setPorts(result.ports, result.portsVersion);
    } catch (error) {
      // Try again with the next change (or when the session is ready again).
      if (this.lastWatch === key) this.lastWatch = '';
      void error;
    }
  }

  /** An answer and an event may cross on the way: the newer version wins. */
  private setPorts(ports: ListeningPort[], version: number): void {
    if (version < this.portsVersion) return;
    this.portsVersion = version;
    this.ports = ports;
    this.portsKnown = true;
    this.changed();
  }

  private onFilesChanged(event: FilesChangedEvent): void {
    for (const dir of event.dirs) if (this.dirs.has(dir)) void this.loadDir(dir);
    for (const { path, etag } of event.files) {
      const doc = this.docs.get(path);
      if (!doc) continue;
      if (doc.saving) {
        this.announced.set(path, etag);
        continue;
      }
      if (etag !== doc.etag) void this.onDiskChange(path, etag);
    }
  }

  // ---------------------------------------------------------------- the tree

  async loadDir(path: string): Promise<void> {
    // Only the newest listing of a folder counts (answers may overtake each other).
    const generation = (this.dirGeneration.get(path) ?? 0) + 1;
    this.dirGeneration.set(path, generation);
    const current = () => this.dirGeneration.get(path) === generation;
    const before = this.dirs.get(path);
    this.dirs.set(path, before?.status === 'ready' ? { status: 'loading', entries: before.entries, truncated: before.truncated } : { status: 'loading' });
    this.changed();
    let listing: DirListing;
    try {
      listing = await this.conn.listDir(path);
    } catch (error) {
      if (!current()) return;
      const err = toLearnerError(error);
      if (err.code === 'not_found' || fileErrorReason(err) === 'not-a-folder') {
        // Gone: forget it (its parent's listing says so too).
        this.dirs.delete(path);
        this.expanded.delete(path);
      } else {
        this.dirs.set(path, { status: 'error', error: err });
      }
      this.changed();
      return;
    }
    if (!current()) return;
    this.dirs.set(path, { status: 'ready', entries: listing.entries, truncated: listing.truncated });
    this.changed();
  }

  toggleDir(path: string): void {
    if (this.expanded.has(path) && path !== '') {
      this.expanded.delete(path);
      this.changed();
      return;
    }
    this.expandDir(path);
  }

  expandDir(path: string): void {
    this.expanded.add(path);
    if (this.dirs.get(path)?.status !== 'ready' && this.available) void this.loadDir(path);
    this.changed();
  }

  /** Opens every folder down to `path` (to show a file that was just opened or created). */
  reveal(path: string): void {
    let dir = parentOf(path);
    const chain: string[] = [];
    while (dir !== '') {
      chain.unshift(dir);
      dir = parentOf(dir);
    }
    for (const d of chain) if (!this.expanded.has(d)) this.expandDir(d);
  }

  setShowHidden(show: boolean): void {
    this.showHidden = show;
    this.changed();
  }

  setAutosave(on: boolean): void {
    this.autosave = on;
    this.changed();
  }

  refreshAll(): void {
    for (const dir of this.expanded) void this.loadDir(dir);
  }

  async createFile(dir: string, name: string): Promise<string> {
    const path = joinPath(dir, name);
    await this.conn.writeFile(path, '', null);
    await this.loadDir(dir);
    await this.open(path);
    return path;
  }

  /** Puts a file from the learner's computer into a folder (never over an existing one). */
  async upload(dir: string, name: string, bytes: Uint8Array): Promise<string> {
    if (bytes.length > MAX_EDIT_BYTES) {
      throw new LearnerError('limit', `${name} is too large`, undefined, { reason: 'too-large', size: bytes.length, max: MAX_EDIT_BYTES });
    }
    const path = joinPath(dir, name);
    await this.conn.writeFile(path, bytes, null);
    await this.loadDir(dir);
    return path;
  }

  /** A file's bytes, for a download. */
  download(path: string): Promise<Uint8Array> {
    return this.conn.downloadFile(path);
  }

  async createFolder(dir: string, name: string): Promise<string> {
    const path = joinPath(dir, name);
    await this.conn.makeDir(path);
    await this.loadDir(dir);
    this.expandDir(path);
    return path;
  }

  async rename(from: string, to: string): Promise<void> {
    await this.conn.renamePath(from, to);
    // Open files (and folders) move with it.
    for (const doc of [...this.docs.values()]) {
      if (!isInside(doc.path, from)) continue;
      const moved = to + doc.path.slice(from.length);
      this.docs.delete(doc.path);
      this.docs.set(moved, { ...doc, path: moved });
      this.tabs = this.tabs.map((t) => (t.kind === 'file' && t.path === doc.path ? { kind: 'file', path: moved } : t));
      if (this.activeTab === `file:${doc.path}`) this.activeTab = `file:${moved}`;
    }
    for (const d of [...this.expanded]) {
      if (d !== '' && isInside(d, from)) {
        this.expanded.delete(d);
        this.expanded.add(to + d.slice(from.length));
      }
    }
    for (const d of [...this.dirs.keys()]) if (d !== '' && isInside(d, from)) this.dirs.delete(d);
    await Promise.all([...new Set([parentOf(from), parentOf(to)])].map((d) => this.loadDir(d)));
    for (const d of this.expanded) if (isInside(d, to) && !this.dirs.has(d)) void this.loadDir(d);
    this.changed();
  }

  async remove(path: string, recursive: boolean): Promise<void> {
    await this.conn.removePath(path, recursive);
    for (const doc of [...this.docs.values()]) {
      if (isInside(doc.path, path) && !doc.dirty) this.closeTab(`file:${doc.path}`);
      else if (isInside(doc.path, path)) this.docs.set(doc.path, { ...doc, status: 'deleted', etag: null });
    }
    for (const d of [...this.expanded]) if (d !== '' && isInside(d, path)) this.expanded.delete(d);
    for (const d of [...this.dirs.keys()]) if (d !== '' && isInside(d, path)) this.dirs.delete(d);
    await this.loadDir(parentOf(path));
  }

  // ---------------------------------------------------------------- files

  /** Opens a file in a tab (or shows its tab) and loads it. */
  async open(path: string): Promise<void> {
    const key = `file:${path}`;
    const existing = this.docs.get(path);
    if (!this.tabs.some((t) => tabKey(t) === key)) {
      if (this.tabs.filter((t) => t.kind === 'file').length >= MAX_OPEN_FILES) {
        const oldest = this.tabs.find((t) => t.kind === 'file' && !this.docs.get(t.path)?.dirty && tabKey(t) !== this.activeTab);
        if (oldest) this.closeTab(tabKey(oldest));
      }
      this.tabs.push({ kind: 'file', path });
    }
    this.activeTab = key;
    this.reveal(path);
    this.emit('reveal', { kind: 'file', path });
    if (existing && existing.status !== 'error' && existing.status !== 'loading') {
      // Open already: make sure it shows what the sandbox has (a lesson may just have written it).
      this.changed();
      await this.recheck(path);
      return;
    }
    this.docs.set(path, existing ?? emptyDoc(path));
    this.changed();
    await this.load(path);
  }

  private async load(path: string): Promise<void> {
    if (!this.available) return;
    try {
      const file = await this.conn.readFile(path);
      const doc = this.docs.get(path);
      if (!doc) return;
      if (file.kind !== 'text') {
        this.docs.set(path, { ...doc, status: 'binary', size: file.size, etag: file.etag, error: null });
      } else {
        this.docs.set(path, { ...doc, status: 'ready', size: file.size, etag: file.etag, base: file.content, revision: doc.revision + 1, dirty: false, error: null });
      }
    } catch (error) {
      const doc = this.docs.get(path);
      if (!doc) return;
      const err = toLearnerError(error);
      const status: DocStatus = fileErrorReason(err) === 'too-large' ? 'too-large' : 'error';
      const size = (err.details as { size?: number } | undefined)?.size ?? 0;
      this.docs.set(path, { ...doc, status, size, error: err });
    }
    this.changed();
  }

  /** After a reconnect (or on reopening): compare the version, handle a change like one announced. */
  private async recheck(path: string): Promise<void> {
    const doc = this.docs.get(path);
    if (!doc || !this.available) return;
    if (doc.status === 'loading' || doc.status === 'error' || doc.etag === null) {
      await this.load(path);
      return;
    }
    try {
      const stat = await this.conn.statPath(path);
      if (stat.etag !== this.docs.get(path)?.etag) await this.onDiskChange(path, stat.etag);
    } catch (error) {
      if (toLearnerError(error).code === 'not_found') await this.onDiskChange(path, null);
    }
  }

  /** The file changed (or went away) in the sandbox. */
  private async onDiskChange(path: string, etag: string | null): Promise<void> {
    const doc = this.docs.get(path);
    if (!doc || doc.status === 'loading') return;
    if (etag === null) {
      this.docs.set(path, doc.dirty ? { ...doc, conflict: { kind: 'deleted', theirs: null, etag: null } } : { ...doc, status: 'deleted', etag: null });
      this.changed();
      return;
    }
    let theirs: string | null = null;
    let theirEtag = etag;
    let binary = false;
    try {
      const file = await this.conn.readFile(path);
      theirEtag = file.etag;
      if (file.kind === 'text') theirs = file.content;
      else binary = true;
    } catch (error) {
      if (toLearnerError(error).code === 'not_found') return this.onDiskChange(path, null);
      binary = fileErrorReason(error) === 'too-large';
      if (!binary) return;
    }
    const now = this.docs.get(path);
    if (!now || theirEtag === now.etag) return;
    if (!now.dirty && theirs !== null) {
      this.docs.set(path, {
        ...now,
        status: 'ready',
        etag: theirEtag,
        base: theirs,
        revision: now.revision + 1,
        conflict: null,
        reloadedAt: Date.now(),
      });
    } else if (!now.dirty && binary) {
      this.docs.set(path, { ...now, status: 'binary', etag: theirEtag, conflict: null });
    } else {
      this.docs.set(path, { ...now, conflict: { kind: 'changed', theirs, etag: theirEtag } });
    }
    this.changed();
  }

  /** The editor says whether its text differs from `base`. */
  setDirty(path: string, dirty: boolean): void {
    const doc = this.docs.get(path);
    if (!doc || doc.dirty === dirty) return;
    this.docs.set(path, { ...doc, dirty });
    this.changed();
  }

  /**
   * Saves the editor's text over the version it started from. Resolves true when saved;
   * a newer version in the sandbox turns into a conflict (the learner chooses).
   */
  async save(path: string, text: string): Promise<boolean> {
    const doc = this.docs.get(path);
    if (!doc || doc.saving || doc.conflict || (doc.status !== 'ready' && doc.status !== 'deleted')) return false;
    return this.write(path, text, doc.status === 'deleted' ? null : doc.etag);
  }

  private async write(path: string, text: string, ifMatch: string | null): Promise<boolean> {
    const doc = this.docs.get(path);
    if (!doc) return false;
    this.docs.set(path, { ...doc, saving: true, error: null });
    this.announced.delete(path);
    this.changed();
    try {
      const saved = await this.conn.writeFile(path, text, ifMatch);
      const now = this.docs.get(path);
      if (!now) return true;
      this.docs.set(path, {
        ...now,
        status: 'ready',
        saving: false,
        etag: saved.etag ?? null,
        base: text,
        size: saved.bytes,
        savedAt: Date.now(),
        reloadedAt: null,
        conflict: null,
        error: null,
      });
      this.changed();
      // A change announced while saving that is not this save's version is someone else's.
      const announced = this.announced.get(path);
      this.announced.delete(path);
      if (announced !== undefined && announced !== saved.etag) void this.onDiskChange(path, announced);
      if (!saved.etag) void this.recheck(path);
      return true;
    } catch (error) {
      const err = toLearnerError(error);
      const now = this.docs.get(path);
      if (!now) return false;
      const reason = fileErrorReason(err);
      this.docs.set(path, { ...now, saving: false, error: reason === 'changed' || reason === 'exists' ? null : err });
      this.changed();
      if (reason === 'changed' || reason === 'exists') {
        const current = (err.details as { current?: { etag: string } | null } | undefined)?.current;
        const latest = this.docs.get(path)!;
        // Make sure the conflict shows even when the etag is one we think we have.
        this.docs.set(path, { ...latest, dirty: true });
        await this.onDiskChange(path, current ? current.etag : null);
      }
      return false;
    }
  }

  /** Conflict: write my text over theirs (or bring the file back when it was deleted). */
  async keepMine(path: string, text: string): Promise<boolean> {
    const doc = this.docs.get(path);
    if (!doc?.conflict) return false;
    const ifMatch = doc.conflict.etag;
    this.docs.set(path, { ...doc, conflict: null, status: 'ready' });
    return this.write(path, text, ifMatch);
  }

  /** Conflict: drop my edits and show their version (or close the file when it was deleted). */
  takeTheirs(path: string): void {
    const doc = this.docs.get(path);
    if (!doc?.conflict) return;
    if (doc.conflict.kind === 'deleted') {
      this.docs.delete(path);
      this.closeTab(`file:${path}`);
      return;
    }
    if (doc.conflict.theirs === null) {
      this.docs.set(path, { ...doc, conflict: null, dirty: false, status: 'binary', etag: doc.conflict.etag });
    } else {
      this.docs.set(path, {
        ...doc,
        conflict: null,
        dirty: false,
        status: 'ready',
        etag: doc.conflict.etag,
        base: doc.conflict.theirs,
        revision: doc.revision + 1,
      });
    }
    this.changed();
  }

  /** Reads the file again (a failed load, or after the learner dismissed a deleted file). */
  reload(path: string): void {
    const doc = this.docs.get(path);
    if (!doc) return;
    this.docs.set(path, { ...doc, status: 'loading', error: null, conflict: null, dirty: false });
    this.changed();
    void this.load(path);
  }

  // ---------------------------------------------------------------- tabs

  activate(key: string): void {
    if (!this.tabs.some((t) => tabKey(t) === key)) return;
    this.activeTab = key;
    this.changed();
  }

  closeTab(key: string): void {
    const index = this.tabs.findIndex((t) => tabKey(t) === key);
    if (index < 0) return;
    const [tab] = this.tabs.splice(index, 1);
    if (tab?.kind === 'file') this.docs.delete(tab.path);
    if (this.activeTab === key) {
      const next = this.tabs[Math.min(index, this.tabs.length - 1)];
      this.activeTab = next ? tabKey(next) : null;
    }
    this.changed();
  }

  // ---------------------------------------------------------------- previews

  openPreview(port: number, path = '/'): void {
    const key = `preview:${port}`;
    const existing = this.tabs.find((t) => tabKey(t) === key);
    if (!existing) this.tabs.push({ kind: 'preview', port, path });
    else if (existing.kind === 'preview' && path !== '/') existing.path = path;
    this.activeTab = key;
    this.emit('reveal', { kind: 'preview', port, path });
    this.changed();
  }

  /** Remembers where a preview tab is (its address bar), for a reload of the page. */
  setPreviewPath(port: number, path: string): void {
    this.tabs = this.tabs.map((t) => (t.kind === 'preview' && t.port === port ? { ...t, path } : t));
    this.changed();
  }

  /** A one-time URL that opens the preview (it sets the preview origin's cookie). */
  previewUrl(port: number, path = '/'): Promise<PreviewGrant> {
    return this.conn.openPreview(port, path);
  }
}
