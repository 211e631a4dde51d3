/**
 * The fake gateway's sandbox files (tests only, Node): an in-memory home folder with
 * versions, the file API's answers and errors as the agent gives them, change events
 * for watched folders and files, and listening ports.
 */
import type { DirListing, FileEntry, FileStat, ListeningPort, Result } from '@berth/protocol';
import { MAX_EDIT_BYTES } from '@berth/protocol';

interface Node {
  kind: 'file' | 'dir';
  content: Buffer;
  mtimeNs: bigint;
  ino: number;
  executable: boolean;
}

const parent = (path: string) => (path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '');

export class FakeFiles {
  readonly nodes = new Map<string, Node>([['', { kind: 'dir', content: Buffer.alloc(0), mtimeNs: 0n, ino: 1, executable: false }]]);
  ports: ListeningPort[] = [];
  portsVersion = 0;
  /** What each socket watches. */
  readonly watches = new Map<string, { dirs: string[]; files: string[] }>();
  private ino = 2;
  private clock = BigInt(Date.now()) * 1_000_000n;

  constructor(private readonly notify: (event: 'fs:changed' | 'preview:ports', payload: unknown) => void) {}

  private tick(): bigint {
    this.clock += 1_000_123n;
    return this.clock;
  }

  etag(path: string): string | null {
    const node = this.nodes.get(path);
    if (!node) return null;
    const ns = node.mtimeNs.toString();
    return `${node.content.length}:${ns.slice(0, -9) || '0'}.${ns.slice(-9).padStart(9, '0')}:${node.ino}`;
  }

  stat(path: string): FileStat {
    const node = this.nodes.get(path)!;
    return { path, kind: node.kind, size: node.content.length, mtimeMs: Number(node.mtimeNs / 1_000_000n), etag: this.etag(path)! };
  }

  // ------------------------------------------------------------ test controls

  /** Writes a file as something in the sandbox would (the terminal, a container): watchers hear of it. */
  put(path: string, content: string | Buffer, options: { executable?: boolean } = {}): void {
    const created = this.ensureDir(parent(path));
    const existing = this.nodes.get(path);
    this.nodes.set(path, {
      kind: 'file',
      content: typeof content === 'string' ? Buffer.from(content) : content,
      mtimeNs: this.tick(),
      ino: existing?.ino ?? this.ino++,
      executable: options.executable ?? existing?.executable ?? false,
    });
    this.changed([parent(path), ...created.map(parent)], [path]);
  }

  delete(path: string): void {
    for (const key of [...this.nodes.keys()]) if (key === path || key.startsWith(`${path}/`)) this.nodes.delete(key);
    this.changed([parent(path)], [path]);
  }

  setPorts(ports: ListeningPort[]): void {
    this.ports = ports;
    this.portsVersion++;
    this.notify('preview:ports', { ports, portsVersion: this.portsVersion });
  }

  /** Creates the folder and its missing parents; returns the folders it created. */
  private ensureDir(path: string): string[] {
    if (path === '' || this.nodes.has(path)) return [];
    const created = this.ensureDir(parent(path));
    this.nodes.set(path, { kind: 'dir', content: Buffer.alloc(0), mtimeNs: this.tick(), ino: this.ino++, executable: false });
    return [...created, path];
  }

  /** Tells watchers what changed (as the agent's watcher does, a moment later). */
  private changed(dirs: string[], files: string[]): void {
    const watched = [...this.watches.values()];
    const d = dirs.filter((x) => watched.some((w) => w.dirs.includes(x)));
    const f = files.filter((x) => watched.some((w) => w.files.includes(x))).map((path) => ({ path, etag: this.etag(path) }));
    if (d.length || f.length) setTimeout(() => this.notify('fs:changed', { dirs: d, files: f }), 30);
  }

  // ------------------------------------------------------------ the file API

  handle(socketId: string, name: string, req: Record<string, unknown>): Result<unknown> {
    const path = (req.path as string | undefined) ?? '';
    const error = (code: string, reason: string, extra: Record<string, unknown> = {}) =>
      ({ ok: false, error: { code, message: `${reason}: ${path}`, details: { reason, ...extra } } }) as Result<unknown>;
    const node = this.nodes.get(path);
    switch (name) {
      case 'fs:watch':
        this.watches.set(socketId, { dirs: req.dirs as string[], files: req.files as string[] });
        return { ok: true, data: { ports: this.ports, portsVersion: this.portsVersion } };
      case 'fs:list': {
        if (!node) return error('not_found', 'not-found');
        if (node.kind !== 'dir') return error('conflict', 'not-a-folder');
        const entries: FileEntry[] = [...this.nodes.entries()]
          .filter(([p]) => p !== '' && parent(p) === path)
          .map(([p, n]) => ({
            name: p.slice(p.lastIndexOf('/') + 1),
            kind: n.kind,
            size: n.content.length,
            mtimeMs: Number(n.mtimeNs / 1_000_000n),
            ...(n.kind === 'file' ? { executable: n.executable } : {}),
          }))
          .sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1));
        return { ok: true, data: { path, entries, truncated: false } satisfies DirListing };
      }
      case 'fs:stat':
        return node ? { ok: true, data: this.stat(path) } : error('not_found', 'not-found');
      case 'fs:read': {
        if (!node) return error('not_found', 'not-found');
        if (node.kind === 'dir') return error('conflict', 'is-a-folder');
        if (node.content.length > MAX_EDIT_BYTES) return error('limit', 'too-large', { size: node.content.length, max: MAX_EDIT_BYTES });
        if (req.as === 'bytes') return { ok: true, data: { ...this.stat(path), kind: 'bytes', data: node.content } };
        const text = node.content.includes(0) ? null : node.content.toString('utf8');
        return { ok: true, data: text === null ? { ...this.stat(path), kind: 'binary' } : { ...this.stat(path), kind: 'text', content: text } };
      }
      case 'fs:write': {
        const content = req.content as string | Uint8Array | ArrayBuffer;
        const bytes = typeof content === 'string' ? Buffer.from(content) : Buffer.from(content as ArrayBuffer);
        if (node?.kind === 'dir') return error('conflict', 'is-a-folder');
        if ('ifMatch' in req) {
          if (req.ifMatch === null && node) return error('conflict', 'exists', { current: this.stat(path) });
          if (typeof req.ifMatch === 'string' && req.ifMatch !== this.etag(path)) {
            return error('conflict', 'changed', { current: node ? this.stat(path) : null });
          }
        }
        const made = this.ensureDir(parent(path));
        this.nodes.set(path, { kind: 'file', content: bytes, mtimeNs: this.tick(), ino: node?.ino ?? this.ino++, executable: node?.executable ?? false });
        this.changed([parent(path), ...made.map(parent)], [path]);
        return { ok: true, data: { path, bytes: bytes.length, etag: this.etag(path), mtimeMs: this.stat(path).mtimeMs } };
      }
      case 'fs:mkdir':
        if (node) return error('conflict', 'exists');
        this.changed(this.ensureDir(path).map(parent), []);
        return { ok: true, data: this.stat(path) };
      case 'fs:remove': {
        if (!node) return error('not_found', 'not-found');
        const children = [...this.nodes.keys()].some((p) => p.startsWith(`${path}/`));
        if (node.kind === 'dir' && children && !req.recursive) return error('conflict', 'not-empty');
        this.delete(path);
        return { ok: true, data: { path } };
      }
      case 'fs:rename': {
        const from = req.from as string;
        const to = req.to as string;
        if (!this.nodes.has(from)) return error('not_found', 'not-found');
        if (this.nodes.has(to)) return error('conflict', 'exists');
        const madeTo = this.ensureDir(parent(to));
        for (const [p, n] of [...this.nodes.entries()]) {
          if (p === from || p.startsWith(`${from}/`)) {
            this.nodes.delete(p);
            this.nodes.set(to + p.slice(from.length), n);
          }
        }
        this.changed([parent(from), parent(to), ...madeTo.map(parent)], [from, to]);
        return { ok: true, data: this.stat(to) };
      }
    }
    return { ok: false, error: { code: 'bad_request', message: `unknown ${name}` } };
  }
}
