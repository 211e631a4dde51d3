import {
  BerthError,
  MAX_EDIT_BYTES,
  MAX_LIST_ENTRIES,
  type DirListing,
  type ErrorCode,
  type FileContent,
  type FileEntry,
  type FileErrorDetails,
  type FileErrorReason,
  type FileKind,
  type FileStat,
  type SandboxWriteFileResult,
} from '@berth/protocol';
import type { RawRunResult, RunOptions, SandboxFilesEnv } from '../sandbox/driver';
import { FS_SCRIPT } from './scripts';

/** Runs argv in a ready sandbox as the learner. */
export type SandboxRunner = (sessionId: string, argv: string[], timeoutMs: number, opts?: RunOptions) => Promise<RawRunResult>;

const TIMEOUT_MS = 15_000;

const EXIT: Record<number, { code: ErrorCode; reason: FileErrorReason }> = {
  10: { code: 'not_found', reason: 'not-found' },
  11: { code: 'bad_request', reason: 'outside' },
  12: { code: 'conflict', reason: 'not-a-folder' },
  13: { code: 'conflict', reason: 'is-a-folder' },
  14: { code: 'conflict', reason: 'changed' },
  15: { code: 'limit', reason: 'too-large' },
  16: { code: 'conflict', reason: 'exists' },
  17: { code: 'conflict', reason: 'not-a-file' },
  18: { code: 'failed', reason: 'permission' },
  19: { code: 'conflict', reason: 'not-empty' },
  20: { code: 'limit', reason: 'no-space' },
};

/** "size:mtime:inode" → the parts a FileStat needs. */
function parseVersion(version: string): { size: number; mtimeMs: number; etag: string } {
  const [size, mtime] = version.split(':');
  return { size: Number(size), mtimeMs: Math.round(Number(mtime) * 1000), etag: version.trim() };
}

function kindOf(statType: string): FileKind {
  if (statType.startsWith('regular')) return 'file';
  if (statType === 'directory') return 'dir';
  if (statType === 'symbolic link') return 'symlink';
  return 'other';
}

/** The parent folder and the name of a home-relative path (never the home itself). */
export function splitPath(path: string): [string, string] {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? ['', path] : [path.slice(0, slash), path.slice(slash + 1)];
}

/** Joins a relative symlink target onto its folder and tells whether it stays inside the home. */
function linkStaysInside(home: string, dir: string, target: string): boolean {
  const parts = target.startsWith('/') ? [] : (dir ? dir.split('/') : []);
  let rest = target;
  if (target.startsWith('/')) {
    if (target !== home && !target.startsWith(`${home}/`)) return false;
    rest = target.slice(home.length);
  }
  for (const segment of rest.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (parts.length === 0) return false;
      parts.pop();
    } else parts.push(segment);
  }
  return true;
}

/**
 * The learner's files, through the sandbox: every operation is one exec of FS_SCRIPT
 * as the learner. Errors carry a FileErrorDetails so the page can say what happened.
 */
export class FileService {
  constructor(
    private readonly run: SandboxRunner,
    private readonly env: (sessionId: string) => SandboxFilesEnv,
  ) {}

  private async fs(sessionId: string, op: string, args: string[], opts: RunOptions = {}): Promise<RawRunResult> {
    const home = this.env(sessionId).home;
    return this.run(sessionId, ['bash', '-c', FS_SCRIPT, 'berth-fs', home, op, ...args], TIMEOUT_MS, opts);
  }

  private fail(r: RawRunResult, path: string, extra: Partial<FileErrorDetails> = {}): never {
    if (r.timedOut) throw new BerthError('failed', `the sandbox did not answer in time (${path || '~'})`);
    const known = EXIT[r.exitCode];
    const message = r.stderr.toString('utf8').split('\n').find((l) => l && !/^(current|version|before|after) /.test(l));
    if (!known) throw new BerthError('failed', message || `the file operation failed (exit code ${r.exitCode})`);
    const details: FileErrorDetails = { reason: known.reason, ...extra };
    throw new BerthError(known.code, message || known.reason, details);
  }

  /** A "current VERSION" line of stderr as the file's stat (for conflict answers). */
  private current(r: RawRunResult, path: string): FileStat | null {
    const line = r.stderr.toString('utf8').split('\n').find((l) => l.startsWith('current '));
    return line ? { path, kind: 'file', ...parseVersion(line.slice('current '.length)) } : null;
  }

  async list(sessionId: string, path: string): Promise<DirListing> {
    const r = await this.fs(sessionId, 'list', [path, String(MAX_LIST_ENTRIES)], { maxOutputBytes: 4 * 1024 * 1024 });
    if (r.exitCode !== 0) this.fail(r, path);
    const home = this.env(sessionId).home;
    const fields = r.stdout.toString('utf8').split('\0');
    const entries: FileEntry[] = [];
    for (let i = 0; i + 2 < fields.length && entries.length < MAX_LIST_ENTRIES; i += 3) {
      const [type, targetType, size, mtime, mode] = (fields[i] ?? '').split('/');
      const name = fields[i + 1] ?? '';
      if (!name) continue;
      const kind: FileKind = type === 'f' ? 'file' : type === 'd' ? 'dir' : type === 'l' ? 'symlink' : 'other';
      const entry: FileEntry = { name, kind, size: Number(size) || 0, mtimeMs: Math.round(Number(mtime) * 1000) || 0 };
      const perms = parseInt(mode ?? '0', 8);
      if (kind === 'file') entry.executable = (perms & 0o111) !== 0;
      if (kind === 'symlink') {
        const target = fields[i + 2] ?? '';
        entry.target = !linkStaysInside(home, path, target)
          ? 'outside'
          : targetType === 'f'
            ? 'file'
            : targetType === 'd'
              ? 'dir'
              : targetType === 'N' || targetType === 'L'
                ? 'missing'
                : 'other';
      }
      entries.push(entry);
    }
    const truncated = fields.length > 3 * MAX_LIST_ENTRIES + 1;
    entries.sort((a, b) => {
      const dirA = a.kind === 'dir' || (a.kind === 'symlink' && a.target === 'dir');
      const dirB = b.kind === 'dir' || (b.kind === 'symlink' && b.target === 'dir');
      if (dirA !== dirB) return dirA ? -1 : 1;
      return a.name.localeCompare(b.name, 'en', { numeric: true });
    });
    return { path, entries, truncated };
  }

  async stat(sessionId: string, path: string): Promise<FileStat> {
    const r = await this.fs(sessionId, 'stat', [path]);
    if (r.exitCode !== 0) this.fail(r, path);
    const [type, version] = r.stdout.toString('utf8').trim().split('|');
    return { path, kind: kindOf(type ?? ''), ...parseVersion(version ?? '0:0:0') };
  }

  /**
   * A file's content: text when it is valid UTF-8 without NUL bytes, else `binary`
   * (no content). Over MAX_EDIT_BYTES: `limit`. Read again when the file changed while
   * it was read, so the version always describes the content.
   */
  async read(sessionId: string, path: string, as: 'text' | 'bytes' = 'text'): Promise<FileContent> {
    for (let attempt = 0; ; attempt++) {
      const r = await this.fs(sessionId, 'read', [path, String(MAX_EDIT_BYTES)], { maxOutputBytes: MAX_EDIT_BYTES + 64 * 1024 });
      const stderr = r.stderr.toString('utf8');
      if (r.exitCode === 15) {
        const size = parseVersion(/^version (.*)$/m.exec(stderr)?.[1] ?? '0:0:0').size;
        this.fail(r, path, { size, max: MAX_EDIT_BYTES });
      }
      if (r.exitCode !== 0) this.fail(r, path);
      const before = /^before (.*)$/m.exec(stderr)?.[1];
      const after = /^after (.*)$/m.exec(stderr)?.[1];
      if (r.stdout.length > MAX_EDIT_BYTES) {
        throw new BerthError('limit', `~/${path} is larger than ${MAX_EDIT_BYTES} bytes`, { reason: 'too-large', size: r.stdout.length, max: MAX_EDIT_BYTES });
      }
      if (before !== after && attempt < 2) continue;
      const stat: FileStat = { path, kind: 'file', ...parseVersion(after ?? before ?? '0:0:0') };
      if (as === 'bytes') return { ...stat, kind: 'bytes', data: new Uint8Array(r.stdout) };
      const text = decodeText(r.stdout);
      return text === null ? { ...stat, kind: 'binary' } : { ...stat, kind: 'text', content: text };
    }
  }

  async write(
    sessionId: string,
    req: { path: string; content: string | Uint8Array | ArrayBuffer; ifMatch?: string | null; executable?: boolean },
  ): Promise<SandboxWriteFileResult> {
    const data = typeof req.content === 'string' ? Buffer.from(req.content, 'utf8') : Buffer.from(req.content as ArrayBuffer);
    if (data.length > MAX_EDIT_BYTES) {
      throw new BerthError('limit', `files of at most ${MAX_EDIT_BYTES} bytes can be saved here`, { reason: 'too-large', size: data.length, max: MAX_EDIT_BYTES });
    }
    const ifMatch = req.ifMatch === undefined ? 'any' : req.ifMatch === null ? 'none' : req.ifMatch;
    const r = await this.fs(sessionId, 'write', [req.path, ifMatch, req.executable ? '1' : '0'], { stdin: data });
    if (r.exitCode === 14 || r.exitCode === 16) this.fail(r, req.path, { current: this.current(r, req.path) });
    if (r.exitCode !== 0) this.fail(r, req.path);
    const version = parseVersion(r.stdout.toString('utf8').trim());
    return { path: req.path, bytes: data.length, etag: version.etag, mtimeMs: version.mtimeMs };
  }

  async remove(sessionId: string, path: string, recursive: boolean): Promise<{ path: string }> {
    const [parent, name] = splitPath(path);
    const r = await this.fs(sessionId, 'remove', [parent, name, recursive ? '1' : '0'], { maxOutputBytes: 64 * 1024 });
    if (r.exitCode !== 0) this.fail(r, path);
    return { path };
  }

  async rename(sessionId: string, from: string, to: string): Promise<FileStat> {
    if (to === from || to.startsWith(`${from}/`)) {
      throw new BerthError('bad_request', 'a folder cannot move into itself', { reason: 'exists' });
    }
    const [fromParent, fromName] = splitPath(from);
    const [toParent, toName] = splitPath(to);
    const r = await this.fs(sessionId, 'rename', [fromParent, fromName, toParent, toName]);
    if (r.exitCode !== 0) this.fail(r, to);
    const [type, version] = r.stdout.toString('utf8').trim().split('|');
    return { path: to, kind: kindOf(type ?? ''), ...parseVersion(version ?? '0:0:0') };
  }

  async mkdir(sessionId: string, path: string): Promise<FileStat> {
    const r = await this.fs(sessionId, 'mkdir', [path]);
    if (r.exitCode !== 0) this.fail(r, path);
    const [type, version] = r.stdout.toString('utf8').trim().split('|');
    return { path, kind: kindOf(type ?? ''), ...parseVersion(version ?? '0:0:0') };
  }
}

/** The text of UTF-8 bytes, or null when they are binary (NUL bytes or invalid UTF-8). */
export function decodeText(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}
