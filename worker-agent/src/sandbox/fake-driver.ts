import { BerthError } from '@berth/protocol';
import { FakePty } from '../terminal/fake-pty';
import type { DiscoveredSandbox, DriverEvent, RunOptions, RunResult, SandboxDriver, SandboxSpec } from './driver';
import type { SlotIdentity } from './slots';

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
  private listeners: ((event: DriverEvent) => void)[] = [];

  async create(spec: SandboxSpec): Promise<void> {
    this.calls.push(`create ${spec.sessionId} slot=${spec.identity.slot}`);
    if (this.failNextCreate) {
      const message = this.failNextCreate;
      this.failNextCreate = null;
      this.sandboxes.set(spec.sessionId, { spec, running: false });
      throw new Error(message);
    }
    this.sandboxes.set(spec.sessionId, { spec, running: true });
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

  watch(listener: (event: DriverEvent) => void): void {
    this.listeners.push(listener);
  }

  emit(event: DriverEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  async close(): Promise<void> {}
}
