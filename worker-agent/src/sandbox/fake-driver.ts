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
  SessionClaim,
} from './driver';
import type { SlotIdentity } from './slots';

export interface FakeDriverOptions {
  /**
   * Gives every sandbox a real home folder under this directory (SANDBOX/home) and runs
   * `runRaw` and `spawn` as local processes in it, so the file API's scripts run for
   * real in unit tests (as the test's own user: permissions are not what they test).
   * SANDBOX/tcp stands in for /proc/net/tcp (setListening writes it).
   */
  filesRoot?: string;
}

interface FakeSandbox {
  spec: SandboxSpec;
  running: boolean;
  /** The session it belongs to (from the spec, or claimed later). */
  session: SessionClaim | null;
  cpuShares: number;
  /** Shells opened in it. */
  shells: number;
  /** Shells it had when a session claimed it (a pooled sandbox must have had none). */
  shellsAtClaim: number | null;
}

/**
 * An in-memory engine for the manager's unit tests: it records what it was asked
 * to do and can be told to fail, to lose a sandbox, or to restart.
 */
export class FakeDriver implements SandboxDriver {
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly calls: string[] = [];
  readonly shells: FakePty[] = [];
  /** Leftovers of sandboxes nobody knows (as after a crash): removed by sweep. */
  readonly strays = new Set<string>();
  /** Sandboxes whose inner daemon no longer answers (check() says so). */
  readonly unready = new Set<string>();
  failNextCreate: string | null = null;
  /** "SANDBOX:PORT" -> a local port that stands for that port of the sandbox (connect). */
  readonly forwards = new Map<string, number>();
  /** When set, create() waits for this before it resolves (a slow boot). */
  createGate: Promise<void> | null = null;
  private listeners: ((event: DriverEvent) => void)[] = [];
  private readonly processes = new Set<SandboxProcess>();

  constructor(private readonly options: FakeDriverOptions = {}) {}

  /** The sandbox's home folder (with `filesRoot`; a sandbox made for a session is named after it). */
  home(sandboxId: string): string {
    if (!this.options.filesRoot) throw new Error('the fake driver has no filesRoot');
    return path.join(this.options.filesRoot, sandboxId, 'home');
  }

  /** Pretends that the sandbox listens on these ports (for the watcher), e.g. [{ port: 8080 }]. */
  setListening(sandboxId: string, ports: { port: number; loopback?: boolean }[]): void {
    const hex = (n: number, width: number) => n.toString(16).toUpperCase().padStart(width, '0');
    const lines = ['  sl  local_address rem_address   st', ...ports.map((p, i) => `   ${i}: ${p.loopback ? '0100007F' : '00000000'}:${hex(p.port, 4)} 00000000:0000 0A`)];
    writeFileSync(path.join(this.options.filesRoot!, sandboxId, 'tcp'), `${lines.join('\n')}\n`);
  }

  async create(spec: SandboxSpec): Promise<void> {
    this.calls.push(`create ${spec.sandboxId} slot=${spec.identity.slot}`);
    if (this.failNextCreate) {
      const message = this.failNextCreate;
      this.failNextCreate = null;
      this.sandboxes.set(spec.sandboxId, this.record(spec, false));
      throw new Error(message);
    }
    this.sandboxes.set(spec.sandboxId, this.record(spec, false));
    if (this.createGate) await this.createGate;
    const sandbox = this.sandboxes.get(spec.sandboxId);
    if (!sandbox) throw new Error('the sandbox was removed while it was starting');
    sandbox.running = true;
    if (this.options.filesRoot) {
      mkdirSync(this.home(spec.sandboxId), { recursive: true });
      this.setListening(spec.sandboxId, []);
    }
  }

  async start(spec: SandboxSpec): Promise<void> {
    this.calls.push(`start ${spec.sandboxId}`);
    const sandbox = this.sandboxes.get(spec.sandboxId);
    if (!sandbox) throw new Error('no such sandbox');
    sandbox.running = true;
  }

  async stop(sandboxId: string): Promise<void> {
    this.calls.push(`stop ${sandboxId}`);
    const sandbox = this.sandboxes.get(sandboxId);
    if (sandbox) sandbox.running = false;
  }

  async destroy(sandboxId: string): Promise<void> {
    this.calls.push(`destroy ${sandboxId}`);
    this.sandboxes.delete(sandboxId);
    if (this.options.filesRoot) rmSync(path.join(this.options.filesRoot, sandboxId), { recursive: true, force: true });
  }

  async check(sandboxId: string): Promise<string | null> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox || !sandbox.running) return 'not running';
    if (this.unready.has(sandboxId)) return 'the inner Docker does not answer';
    return null;
  }

  async claim(sandboxId: string, claim: SessionClaim): Promise<void> {
    this.calls.push(`claim ${sandboxId} for ${claim.sessionId}`);
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox) throw new Error('no such sandbox');
    sandbox.session = claim;
    sandbox.shellsAtClaim = sandbox.shells;
    sandbox.cpuShares = 1024;
  }

  async discover(): Promise<DiscoveredSandbox[]> {
    return [...this.sandboxes.values()].map(({ spec, running, session }) => ({
      sandboxId: spec.sandboxId,
      session,
      slot: spec.identity.slot,
      profile: spec.profile,
      limits: spec.limits,
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

  async openShell(sandboxId: string, _identity: SlotIdentity, _size: { cols: number; rows: number }): Promise<FakePty> {
    const sandbox = this.sandboxes.get(sandboxId);
    if (!sandbox?.running) throw new BerthError('conflict', 'sandbox not running');
    sandbox.shells++;
    const pty = new FakePty();
    this.shells.push(pty);
    return pty;
  }

  /** What run() answers (tests set it); by default: success, no output. */
  respond: (argv: string[], opts: RunOptions) => RunResult = () => ({ exitCode: 0, stdout: '', stderr: '' });
  readonly runs: { argv: string[]; opts: RunOptions }[] = [];

  async run(sandboxId: string, _identity: SlotIdentity, argv: string[], _timeoutMs: number, opts: RunOptions = {}): Promise<RunResult> {
    this.calls.push(`run ${sandboxId} ${argv.join(' ')}`);
    this.runs.push({ argv, opts });
    return this.respond(argv, opts);
  }

  async runRaw(sandboxId: string, _identity: SlotIdentity, argv: string[], timeoutMs: number, opts: RunOptions = {}): Promise<RawRunResult> {
    this.calls.push(`runRaw ${sandboxId} ${argv[0]}`);
    if (!this.sandboxes.get(sandboxId)?.running) throw new BerthError('conflict', 'sandbox not running');
    if (!this.options.filesRoot) return { exitCode: 0, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: false, timedOut: false };
    const child = spawnProcess(argv[0]!, argv.slice(1), { cwd: this.home(sandboxId), env: { ...process.env, HOME: this.home(sandboxId) } });
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

  async spawn(sandboxId: string, _identity: SlotIdentity, argv: string[]): Promise<SandboxProcess> {
    this.calls.push(`spawn ${sandboxId} ${argv[0]}`);
    if (!this.sandboxes.get(sandboxId)?.running || !this.options.filesRoot) throw new BerthError('conflict', 'sandbox not running');
    const child = spawnProcess(argv[0]!, argv.slice(1), { cwd: this.home(sandboxId), stdio: ['pipe', 'pipe', 'ignore'] });
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

  async connect(sandboxId: string, port: number): Promise<Duplex> {
    const local = this.forwards.get(`${sandboxId}:${port}`);
    if (!this.sandboxes.get(sandboxId)?.running) throw new BerthError('not_found', 'the sandbox is not running');
    if (local === undefined) throw new BerthError('not_found', `nothing is listening on port ${port} in the sandbox`);
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port: local, allowHalfOpen: true });
      socket.once('connect', () => resolve(socket));
      socket.once('error', () => reject(new BerthError('not_found', `nothing is listening on port ${port} in the sandbox`)));
    });
  }

  filesEnv(sandboxId: string): SandboxFilesEnv {
    if (!this.options.filesRoot) return { home: '/home/learner', procNet: [] };
    return { home: realpathSync(this.home(sandboxId)), procNet: [path.join(this.options.filesRoot, sandboxId, 'tcp')] };
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

  private record(spec: SandboxSpec, running: boolean): FakeSandbox {
    return { spec, running, session: spec.session ?? null, cpuShares: spec.cpuShares ?? 1024, shells: 0, shellsAtClaim: null };
  }
}
