import type { FilesChanged, ListeningPort, PortsChanged, WatchSet } from '@berth/protocol';
import type { Logger } from 'pino';
import type { SandboxFilesEnv, SandboxProcess } from '../sandbox/driver';
import { WATCH_SCRIPT } from './scripts';

/** What the union of a session's viewers may watch (each viewer is capped by the protocol). */
const MAX_DIRS = 128;
const MAX_FILES = 64;
const SNAPSHOT_END = '\n\x1e\n';
/** Docker's embedded DNS server listens on this loopback address in every sandbox. */
const DOCKER_DNS = '127.0.0.11';

export interface WatchNotifier {
  filesChanged(event: FilesChanged): void;
  ports(event: PortsChanged): void;
}

export interface Snapshot {
  /** Per watched folder: a signature of its entries (names and types), 'missing' when absent. */
  dirs: Map<string, string>;
  /** Per watched file: its version, or null when it is gone. */
  files: Map<string, string | null>;
  ports: ListeningPort[];
}

/** IPv4 or IPv6 address in /proc/net/tcp{,6} notation → its text form and scope. */
function addressScope(hex: string): { text: string; loopback: boolean; any: boolean } {
  if (hex.length === 8) {
    const bytes = [0, 2, 4, 6].map((i) => parseInt(hex.slice(i, i + 2), 16)).reverse();
    const text = bytes.join('.');
    return { text, loopback: bytes[0] === 127, any: text === '0.0.0.0' };
  }
  // IPv6: four little-endian 32-bit words.
  const words = [0, 8, 16, 24].map((i) => hex.slice(i, i + 8));
  const bytes = words.flatMap((w) => [6, 4, 2, 0].map((j) => parseInt(w.slice(j, j + 2), 16)));
  const any = bytes.every((b) => b === 0);
  const loopback = bytes.slice(0, 15).every((b) => b === 0) && bytes[15] === 1;
  const mapped = bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  const v4 = mapped ? bytes.slice(12).join('.') : null;
  return { text: v4 ?? hex, loopback: loopback || (v4?.startsWith('127.') ?? false), any: any || v4 === '0.0.0.0' };
}

/** Listening sockets ("P <addr-hex>:<port-hex>" lines) → ports with their scope. */
export function parsePorts(lines: string[]): ListeningPort[] {
  const ports = new Map<number, ListeningPort['scope']>();
  for (const line of lines) {
    const m = /^P ([0-9A-Fa-f]+):([0-9A-Fa-f]{4})$/.exec(line.trim());
    if (!m) continue;
    const address = addressScope(m[1]!);
    const port = parseInt(m[2]!, 16);
    if (port === 0 || address.text === DOCKER_DNS) continue;
    const scope = address.loopback ? 'loopback' : 'any';
    if (ports.get(port) !== 'any') ports.set(port, scope);
  }
  return [...ports.entries()].sort((a, b) => a[0] - b[0]).map(([port, scope]) => ({ port, scope }));
}

/** Reads one snapshot of the watch script for the given watch set. */
export function parseSnapshot(text: string, set: WatchSet): Snapshot {
  const lines = text.split('\n');
  const home = lines.find((l) => l.startsWith('H '))?.slice(2) ?? '';
  const absOf = (rel: string) => (rel ? `${home}/${rel}` : home);
  const byAbs = new Map(set.dirs.map((d) => [absOf(d), d]));
  const self = new Map<string, string>();
  const children = new Map<string, string[]>();
  const files = new Map<string, string | null>(set.files.map((f) => [f, null]));
  const portLines: string[] = [];
  for (const line of lines) {
    if (line.startsWith('E ')) {
      const m = /^E (\d+) (\S) (.*)$/.exec(line);
      if (!m) continue;
      const [, depth, type, path] = m as unknown as [string, string, string, string];
      if (depth === '0') {
        const rel = byAbs.get(path);
        if (rel !== undefined) self.set(rel, type);
      } else {
        const slash = path.lastIndexOf('/');
        const rel = byAbs.get(path.slice(0, slash));
        if (rel === undefined) continue;
        const list = children.get(rel) ?? [];
        list.push(`${type} ${path.slice(slash + 1)}`);
        children.set(rel, list);
      }
    } else if (line.startsWith('F ')) {
      const m = /^F (\S+) (.*)$/.exec(line);
      if (!m || !m[2]!.startsWith(`${home}/`)) continue;
      const rel = m[2]!.slice(home.length + 1);
      if (files.has(rel)) files.set(rel, m[1]!);
    } else if (line.startsWith('P ')) portLines.push(line);
  }
  const dirs = new Map<string, string>();
  for (const d of set.dirs) {
    const type = self.get(d);
    dirs.set(d, type === undefined ? 'missing' : `${type}|${(children.get(d) ?? []).sort().join('\n')}`);
  }
  return { dirs, files, ports: parsePorts(portLines) };
}

function union(sets: Iterable<WatchSet>): WatchSet {
  const dirs = new Set<string>(['']);
  const files = new Set<string>();
  for (const s of sets) {
    for (const d of s.dirs) if (dirs.size < MAX_DIRS) dirs.add(d);
    for (const f of s.files) if (files.size < MAX_FILES) files.add(f);
  }
  return { dirs: [...dirs], files: [...files] };
}

/**
 * One session's watcher: a long-running WATCH_SCRIPT as the learner, fed the union of
 * what the session's viewers watch. Differences between its snapshots become
 * `filesChanged` and `ports` events. It runs only while someone watches.
 */
class SessionWatcher {
  private portsVersion = 0;
  private readonly viewers = new Map<string, WatchSet>();
  private proc: SandboxProcess | null = null;
  private starting: Promise<SandboxProcess> | null = null;
  private current: WatchSet = { dirs: [''], files: [] };
  private last: Snapshot | null = null;
  private buffered = '';
  private waiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    private readonly sessionId: string,
    private readonly spawn: (argv: string[]) => Promise<SandboxProcess>,
    private readonly env: SandboxFilesEnv,
    private readonly notify: WatchNotifier,
    private readonly log: Logger,
    private readonly nextVersion: () => number,
  ) {}

  get idle(): boolean {
    return this.viewers.size === 0;
  }

  /** Sets what one viewer watches and resolves with the listening ports once a fresh snapshot is in. */
  async set(viewerKey: string, set: WatchSet): Promise<{ ports: ListeningPort[]; portsVersion: number }> {
    this.viewers.set(viewerKey, set);
    const proc = await this.process();
    const next = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 5_000);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    this.send(proc);
    await next;
    return { ports: this.last?.ports ?? [], portsVersion: this.portsVersion };
  }

  remove(viewerKey: string): void {
    if (!this.viewers.delete(viewerKey)) return;
    if (this.viewers.size === 0) this.stop();
    else if (this.proc) this.send(this.proc);
  }

  stop(): void {
    this.stopped = true;
    this.viewers.clear();
    this.proc?.stop();
    this.proc = null;
    for (const w of this.waiters.splice(0)) w();
  }

  private send(proc: SandboxProcess): void {
    this.current = union(this.viewers.values());
    const lines = ['SET', ...this.current.dirs.map((d) => `D ${d}`), ...this.current.files.map((f) => `F ${f}`), 'NOW'];
    proc.write(`${lines.join('\n')}\n`);
  }

  private async process(): Promise<SandboxProcess> {
    if (this.proc) return this.proc;
    this.starting ??= this.spawn(['bash', '-c', WATCH_SCRIPT, 'berth-watch', this.env.home, ...this.env.procNet]).then(
      (proc) => {
        this.starting = null;
        if (this.stopped) {
          proc.stop();
          return proc;
        }
        this.proc = proc;
        proc.onStdout((chunk) => this.onOutput(chunk.toString('utf8')));
        proc.onExit((code) => {
          if (this.proc !== proc) return;
          this.proc = null;
          this.last = null;
          if (!this.stopped) this.log.warn({ sessionId: this.sessionId, code }, 'the file watcher ended; it starts again with the next watch');
          for (const w of this.waiters.splice(0)) w();
        });
        return proc;
      },
      (err: unknown) => {
        this.starting = null;
        throw err;
      },
    );
    return this.starting;
  }

  private onOutput(text: string): void {
    this.buffered += text;
    if (this.buffered.length > 8 * 1024 * 1024) this.buffered = this.buffered.slice(-1024 * 1024);
    let end: number;
    while ((end = this.buffered.indexOf(SNAPSHOT_END)) >= 0) {
      const snapshot = parseSnapshot(this.buffered.slice(0, end), this.current);
      this.buffered = this.buffered.slice(end + SNAPSHOT_END.length);
      this.apply(snapshot);
    }
  }

  private apply(next: Snapshot): void {
    const prev = this.last;
    this.last = next;
    const portsChanged = !prev || JSON.stringify(prev.ports) !== JSON.stringify(next.ports);
    if (portsChanged) this.portsVersion = this.nextVersion();
    if (prev) {
      const dirs = [...next.dirs].filter(([d, sig]) => prev.dirs.has(d) && prev.dirs.get(d) !== sig).map(([d]) => d);
      const files = [...next.files]
        .filter(([f, etag]) => prev.files.has(f) && prev.files.get(f) !== etag)
        .map(([path, etag]) => ({ path, etag }));
      if (dirs.length || files.length) this.notify.filesChanged({ sessionId: this.sessionId, dirs, files });
      if (portsChanged) this.notify.ports({ sessionId: this.sessionId, ports: next.ports, portsVersion: this.portsVersion });
    }
    for (const w of this.waiters.splice(0)) w();
  }
}

/** Every session's watcher. */
export class WatchService {
  private readonly sessions = new Map<string, SessionWatcher>();
  /** Versions of ports keep increasing across sessions and watcher restarts. */
  private version = 0;

  constructor(
    private readonly deps: {
      spawn: (sessionId: string, argv: string[]) => Promise<SandboxProcess>;
      env: (sessionId: string) => SandboxFilesEnv;
      notify: WatchNotifier;
      log: Logger;
    },
  ) {}

  async watch(sessionId: string, viewerKey: string, set: WatchSet): Promise<{ ports: ListeningPort[]; portsVersion: number }> {
    let watcher = this.sessions.get(sessionId);
    if (!watcher) {
      watcher = new SessionWatcher(
        sessionId,
        (argv) => this.deps.spawn(sessionId, argv),
        this.deps.env(sessionId),
        this.deps.notify,
        this.deps.log,
        () => ++this.version,
      );
      this.sessions.set(sessionId, watcher);
    }
    try {
      return await watcher.set(viewerKey, set);
    } catch (err) {
      watcher.remove(viewerKey);
      if (watcher.idle) this.sessions.delete(sessionId);
      throw err;
    }
  }

  unwatch(sessionId: string, viewerKey: string): void {
    const watcher = this.sessions.get(sessionId);
    if (!watcher) return;
    watcher.remove(viewerKey);
    if (watcher.idle) this.sessions.delete(sessionId);
  }

  /** A viewer went away (its connection dropped). */
  unwatchViewer(viewerKey: string): void {
    for (const sessionId of [...this.sessions.keys()]) this.unwatch(sessionId, viewerKey);
  }

  /** The session's sandbox is going away. */
  stopSession(sessionId: string): void {
    this.sessions.get(sessionId)?.stop();
    this.sessions.delete(sessionId);
  }

  watching(sessionId: string): boolean {
    return this.sessions.has(sessionId);
  }
}
