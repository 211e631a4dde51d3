import { spawn as spawnProcess } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { BerthError } from '@berth/protocol';
import { FakePty } from '../terminal/fake-pty';
import type {
  DiscoveredSandbox,
  DriverEvent,
  RawRunResult,
  RunOptions,
  RunResult,
  SandboxDriver,
  SandboxFilesEnv,
  SandboxProcess,
  SandboxSpec,
} from './driver';
import type { SlotIdentity } from './slots';

export interface FakeDriverOptions {
  /**
   * Gives every sandbox a real home folder under this directory (SESSION/home) and runs
   * `runRaw` and `spawn` as local processes in it, so the file API's scripts run for
   * real in unit tests (as the test's own user: permissions are not what they test).
   * SESSION/tcp stands in for /proc/net/tcp (setListening writes it).
   */
  filesRoot?: string;
}

interface FakeSandbox {
  spec: SandboxSpec;
  running: boolean;
}

/**
 * An in-memory engine for the manager's unit tests: it records what it was asked
 * to do and can be told to fail, to lose a sandbox, or to restart.
 */
export class FakeDriver implements SandboxDriver {
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly calls: string[] = [];
  readonly shells: FakePty[] = [];
  /** Leftovers of sessions nobody knows (as after a crash): removed by sweep. */
  readonly strays = new Set<string>();
  failNextCreate: string | null = null;
  /** "SESSION:PORT" -> a local port that stands for that port of the sandbox (connect). */
  readonly forwards = new Map<string, number>();
  private listeners: ((event: DriverEvent) => void)[] = [];
  private readonly processes = new Set<SandboxProcess>();

  constructor(private readonly options: FakeDriverOptions = {}) {}

  /** The sandbox's home folder (with `filesRoot`). */
  home(sessionId: string): string {
    if (!this.options.filesRoot) throw new Error('the fake driver has no filesRoot');
    return path.join(this.options.filesRoot, sessionId, 'home');
  }

  /** Pretends that the sandbox listens on these ports (for the watcher), e.g. [{ port: 8080 }]. */
  setListening(sessionId: string, ports: { port: number; loopback?: boolean }[]): void {
    const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
    const lines = ['  sl  local_address rem_address   st', ...ports.map((p, i) => `   ${i}: ${p.loopback ? '0100007F' : '00000000'}:${hex(p.port, 4)} 00000000:0000 0A`)];
    writeFileSync(path.join(this.options.filesRoot!, sessionId, 'tcp'), `${lines.join('\n')}\n`);
  }

  async create(spec: SandboxSpec): Promise<void> {
    this.calls.push(`create ${spec.sessionId} slot=${spec.identity.slot}`);
    if (this.failNextCreate) {
      const message = this.failNextCreate;
      this.failNextCreate = null;
      this.sandboxes.set(spec.sessionId, { spec, running: false });
      throw new Error(message);
    }
    this.sandboxes.set(spec.sessionId, { spec, running: true });
    if (this.options.filesRoot) {
      mkdirSync(this.home(spec.sessionId), { recursive: true });
      this.setListening(spec.sessionId, []);
    }
  }

  async start(spec: SandboxSpec): Promise<void> {
    this.calls.push(`start ${spec.sessionId}`);
    const sandbox = this.sandboxes.get(spec.sessionId);
    if (!sandbox) throw new Error('no such sandbox');
    sandbox.running = true;
  }

  async stop(sessionId: string): Promise<void> {
    this.calls.push(`stop ${sessionId}`);
    const sandbox = this.sandboxes.get(sessionId);
    if (sandbox) sandbox.running = false;
  }

  async destroy(sessionId: string): Promise<void> {
    this.calls.push(`destroy ${sessionId}`);
    this.sandboxes.delete(sessionId);
    if (this.options.filesRoot) rmSync(path.join(this.options.filesRoot, sessionId), { recursive: true, force: true });
  }

  async discover(): Promise<DiscoveredSandbox[]> {
    return [...this.sandboxes.values()].map(({ spec, running }) => ({
      sessionId: spec.sessionId,
      slot: spec.identity.slot,
      profile: spec.profile,
      limits: spec.limits,
      createdAt: spec.createdAt,
      expiresAt: spec.expiresAt,
      running,
    }));
  }

  async sweep(keep: ReadonlySet<string>): Promise<string[]> {
    const removed: string[] = [];
    for (const id of [...this.sandboxes.keys(), ...this.strays]) {
      if (!keep.has(id)) {
        this.sandboxes.delete(id);
        this.strays.delete(id);
        removed.push(id);
      }
    }
    return removed;
  }

  async openShell(sessionId: string, _identity: SlotIdentity, _size: { cols: number; rows: number }): Promise<FakePty> {
    if (!this.sandboxes.get(sessionId)?.running) throw new BerthError('conflict', 'sandbox not running');
    const pty = new FakePty();
    this.shells.push(pty);
    return pty;
  }

  /** What run() answers (tests set it); by default: success, no output. */
  respond: (argv: string[], opts: RunOptions) => RunResult = () => ({ exitCode: 0, stdout: '', stderr: '' });
  readonly runs: { argv: string[]; opts: RunOptions }[] = [];

  async run(sessionId: string, _identity: SlotIdentity, argv: string[], _timeoutMs: number, opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push(`run ${sessionId} ${argv.join(' ')}`);
    this.runs.push({ argv, opts });
    return this.respond(argv, opts);
  }

  async runRaw(sessionId: string, _identity: SlotIdentity, argv: string[], timeoutMs: number, opts: RunOptions = {}): Promise<RawRunResult> {
    this.calls.push(`runRaw ${sessionId} ${argv[0]}`);
    if (!this.sandboxes.get(sessionId)?.running) throw new BerthError('conflict', 'sandbox not running');
    if (!this.options.filesRoot) return { exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: false, timedOut: false };
    const child = spawnProcess(argv[0]!, argv.slice(1), { cwd: this.home(sessionId), env: { ...process.env, HOME: this.home(sessionId) } });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => stdout.push(c));
    child.stderr.on('data', (c: Buffer) => stderr.push(c));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.stdin ?? Buffer.alloc(0));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    clearTimeout(timer);
    return { exitCode: timedOut ? 124 : exitCode, stdout: Buffer.concat(stdout), stderr: Buffer.concat(stderr), truncated: false, timedOut };
  }

  async spawn(sessionId: string, _identity: SlotIdentity, argv: string[]): Promise<SandboxProcess> {
    this.calls.push(`spawn ${sessionId} ${argv[0]}`);
    if (!this.sandboxes.get(sessionId)?.running || !this.options.filesRoot) throw new BerthError('conflict', 'sandbox not running');
    const child = spawnProcess(argv[0]!, argv.slice(1), { cwd: this.home(sessionId), stdio: ['pipe', 'pipe', 'ignore'] });
    child.stdin.on('error', () => undefined);
    const proc: SandboxProcess = {
      write: (data) => {
        if (child.exitCode === null) child.stdin.write(data);
      },
      onStdout: (listener) => child.stdout.on('data', listener),
      onExit: (listener) => child.on('close', (code) => listener(code ?? -1)),
      stop: () => {
        this.processes.delete(proc);
        child.stdin.end();
        setTimeout(() => child.kill('SIGKILL'), 1000).unref();
      },
    };
    this.processes.add(proc);
    return proc;
  }

  async connect(sessionId: string, port: number): Promise<Duplex> {
    const local = this.forwards.get(`${sessionId}:${port}`);
    if (!this.sandboxes.get(sessionId)?.running) throw new BerthError('not_found', 'the sandbox is not running');
    if (local === undefined) throw new BerthError('not_found', `nothing is listening on port ${port} in the sandbox`);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: local, allowHalfOpen: true });
      socket.once('connect', () => resolve(socket));
      socket.once('error', () => reject(new BerthError('not_found', `nothing is listening on port ${port} in the sandbox`)));
    });
  }

  filesEnv(sessionId: string): SandboxFilesEnv {
    if (!this.options.filesRoot) return { home: '/home/learner', procNet: [] };
    return { home: realpathSync(this.home(sessionId)), procNet: [path.join(this.options.filesRoot, sessionId, 'tcp')] };
  }

  watch(listener: (event: DriverEvent) => void): void {
    this.listeners.push(listener);
  }

  emit(event: DriverEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async close(): Promise<void> {
    for (const p of this.processes) p.stop();
  }
}
