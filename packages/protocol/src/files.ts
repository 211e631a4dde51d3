import { z } from 'zod';
import { SessionId } from './sandbox';
import { ViewerId } from './terminal';

/**
 * The workspace's file API: the learner's home folder, read and written by the agent
 * AS THE LEARNER inside the sandbox (never as root on the host). Paths are relative to
 * the home folder; the agent resolves symbolic links inside the sandbox and refuses
 * anything that ends up outside it.
 */
export const LEARNER_HOME = '/home/learner';

/** Largest file the editor opens or saves (fits one socket.io message with room to spare). */
export const MAX_EDIT_BYTES = 768 * 1024;
/** Entries one folder listing returns; the rest is left out (`truncated`). */
export const MAX_LIST_ENTRIES = 2000;
/** What one page may watch at once. */
export const MAX_WATCHED_DIRS = 64;
export const MAX_WATCHED_FILES = 32;
export const MAX_PATH_CHARS = 1024;

/** Control characters are refused in names: they would garble listings and terminals. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A path under the learner's home, relative to it: '' is the home itself; segments are
 * separated by single slashes, none of them empty, '.' or '..'. Any other character is
 * allowed (spaces, Hangul...), control characters are not.
 */
export function isHomeRelativePath(path: string): boolean {
  if (path === '') return true;
  if (path.length > MAX_PATH_CHARS || CONTROL.test(path) || path.startsWith('/')) return false;
  return path.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && new TextEncoder().encode(s).length <= 255);
}

export const FilePath = z.string().max(MAX_PATH_CHARS).refine(isHomeRelativePath, {
  message: 'a path inside the home folder (relative, without "..")',
});

/**
 * Turns what a person types or a lesson names ('~/app/x', '/home/learner/x', './x',
 * 'a//b/') into a FilePath, or null when it points outside the home folder.
 */
export function toHomePath(input: string): string | null {
  let p = input.trim();
  if (p === '~' || p === LEARNER_HOME) return '';
  if (p.startsWith('~/')) p = p.slice(2);
  else if (p.startsWith(`${LEARNER_HOME}/`)) p = p.slice(LEARNER_HOME.length + 1);
  else if (p.startsWith('/')) return null;
  const parts: string[] = [];
  for (const segment of p.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') return null;
    parts.push(segment);
  }
  const joined = parts.join('/');
  return isHomeRelativePath(joined) ? joined : null;
}

export const FileKind = z.enum(['file', 'dir', 'symlink', 'other']);
export type FileKind = z.infer<typeof FileKind>;

/**
 * An opaque version of a file's content (size, modification time in nanoseconds, inode):
 * a save names the version it started from, and the agent refuses it when the file
 * changed in the meantime.
 */
export const Etag = z.string().regex(/^[0-9]+:[0-9.]+:[0-9]+$/);

export const FileEntry = z
  .object({
    name: z.string(),
    kind: FileKind,
    size: z.number().int().nonnegative(),
    mtimeMs: z.number(),
    /** For a symbolic link: what it points to, as far as the home folder goes. */
    target: z.enum(['file', 'dir', 'other', 'missing', 'outside']).optional(),
    executable: z.boolean().optional(),
  })
  .strict();
export type FileEntry = z.infer<typeof FileEntry>;

export const FileStat = z
  .object({
    path: FilePath,
    kind: FileKind,
    size: z.number().int().nonnegative(),
    mtimeMs: z.number(),
    etag: Etag,
  })
  .strict();
export type FileStat = z.infer<typeof FileStat>;

const Bytes = z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)]);

// ---------------------------------------------------------------- agent requests

export const ListDirRequest = z.object({ sessionId: SessionId, path: FilePath }).strict();
export type ListDirRequest = z.infer<typeof ListDirRequest>;
export const DirListing = z
  .object({ path: FilePath, entries: z.array(FileEntry), truncated: z.boolean() })
  .strict();
export type DirListing = z.infer<typeof DirListing>;

/** `as: 'bytes'`: the raw content whatever it is (a download), else text or `binary`. */
export const ReadAs = z.enum(['text', 'bytes']).default('text');
export const ReadFileRequest = z.object({ sessionId: SessionId, path: FilePath, as: ReadAs }).strict();
export type ReadFileRequest = z.input<typeof ReadFileRequest>;
/**
 * A file's content: `text` (UTF-8, when the bytes are valid UTF-8 without NUL) or
 * `binary` (no content: the editor does not open it). Files over MAX_EDIT_BYTES are
 * refused with the error code `limit` (details: { size, max }).
 */
export const FileContent = z.discriminatedUnion('kind', [
  FileStat.extend({ kind: z.literal('text'), content: z.string() }).strict(),
  FileStat.extend({ kind: z.literal('binary') }).strict(),
  FileStat.extend({ kind: z.literal('bytes'), data: z.union([z.instanceof(Uint8Array), z.instanceof(ArrayBuffer)]) }).strict(),
]);
export type FileContent = z.infer<typeof FileContent>;

export const StatRequest = z.object({ sessionId: SessionId, path: FilePath }).strict();
export type StatRequest = z.infer<typeof StatRequest>;

export const RemovePathRequest = z
  .object({ sessionId: SessionId, path: FilePath.refine((p) => p !== '', 'not the home folder itself'), recursive: z.boolean().default(false) })
  .strict();
export type RemovePathRequest = z.input<typeof RemovePathRequest>;

export const RenamePathRequest = z
  .object({
    sessionId: SessionId,
    from: FilePath.refine((p) => p !== '', 'not the home folder itself'),
    to: FilePath.refine((p) => p !== '', 'not the home folder itself'),
  })
  .strict();
export type RenamePathRequest = z.infer<typeof RenamePathRequest>;

export const MakeDirRequest = z.object({ sessionId: SessionId, path: FilePath.refine((p) => p !== '') }).strict();
export type MakeDirRequest = z.infer<typeof MakeDirRequest>;

export const PathRef = z.object({ path: FilePath }).strict();

/** What a page looks at: the folders open in its tree and the files open in its editor. */
export const WatchSet = z
  .object({
    dirs: z.array(FilePath).max(MAX_WATCHED_DIRS),
    files: z.array(FilePath).max(MAX_WATCHED_FILES),
  })
  .strict();
export type WatchSet = z.infer<typeof WatchSet>;

export const WatchRequest = WatchSet.extend({ sessionId: SessionId, viewerId: ViewerId }).strict();
export type WatchRequest = z.infer<typeof WatchRequest>;
export const UnwatchRequest = z.object({ sessionId: SessionId, viewerId: ViewerId }).strict();
export type UnwatchRequest = z.infer<typeof UnwatchRequest>;

/** A port something listens on in the sandbox's network namespace. */
export const ListeningPort = z
  .object({
    port: z.number().int().min(1).max(65_535),
    /** 'any': reachable for a preview; 'loopback': bound to 127.0.0.1/::1 only, so it is not. */
    scope: z.enum(['any', 'loopback']),
  })
  .strict();
export type ListeningPort = z.infer<typeof ListeningPort>;

/**
 * Ports come with a version (increasing while the agent runs): an answer and an event
 * that cross each other on the way are told apart by it, the newer wins.
 */
export const PortsVersion = z.number().int().nonnegative();
export const WatchResult = z.object({ ports: z.array(ListeningPort), portsVersion: PortsVersion }).strict();
export type WatchResult = z.infer<typeof WatchResult>;

/**
 * Something changed in the session's watched set (pushed about a second after it did):
 * folders whose entries changed (re-list them) and files whose version changed
 * (etag null: the file is gone).
 */
export const FilesChanged = z
  .object({
    sessionId: SessionId,
    dirs: z.array(FilePath),
    files: z.array(z.object({ path: FilePath, etag: Etag.nullable() }).strict()),
  })
  .strict();
export type FilesChanged = z.infer<typeof FilesChanged>;

export const PortsChanged = z.object({ sessionId: SessionId, ports: z.array(ListeningPort), portsVersion: PortsVersion }).strict();
export type PortsChanged = z.infer<typeof PortsChanged>;

// ---------------------------------------------------------------- browser side

export const BrowserWriteFile = z
  .object({
    path: FilePath.refine((p) => p !== '', 'a file name'),
    /** UTF-8 text, or the raw bytes. */
    content: z.union([z.string(), Bytes]),
    /** The version the edit started from; null: the file must not exist yet; absent: overwrite. */
    ifMatch: Etag.nullable().optional(),
  })
  .strict();

export { Bytes as FileBytes };

/**
 * Why a file request failed, in the `details` of its error (the page shows a message
 * per reason). `changed` and `exists` carry the file's `current` FileStat (null: gone).
 */
export const FileErrorReason = z.enum([
  'not-found',
  'outside',
  'not-a-folder',
  'is-a-folder',
  'changed',
  'too-large',
  'exists',
  'not-a-file',
  'permission',
  'not-empty',
  'no-space',
]);
export type FileErrorReason = z.infer<typeof FileErrorReason>;
export const FileErrorDetails = z
  .object({
    reason: FileErrorReason,
    current: FileStat.nullable().optional(),
    size: z.number().int().optional(),
    max: z.number().int().optional(),
  })
  .strict();
export type FileErrorDetails = z.infer<typeof FileErrorDetails>;
