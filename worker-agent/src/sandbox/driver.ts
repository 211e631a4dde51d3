import type { Duplex } from 'node:stream';
import type { SandboxLimits } from '@berth/protocol';
import type { PtyProcess } from '../terminal/pty';
import type { SlotIdentity } from './slots';

/**
 * Which session a sandbox belongs to. A sandbox made for a session carries it from
 * the start; a pooled sandbox gets it when a session claims it (`SandboxDriver.claim`).
 */
export interface SessionClaim {
  sessionId: string;
  createdAt: Date;
  expiresAt: Date;
}

/** What the driver needs to build one sandbox. */
export interface SandboxSpec {
  /**
   * Names every resource of the sandbox (container berth-AGENT-ID, network, disk).
   * A sandbox made for a session is named after it; a pooled one gets `pool.<random>`.
   */
  sandboxId: string;
  /** The session it is made for; absent for a pooled sandbox. */
  session?: SessionClaim;
  profile: string;
  identity: SlotIdentity;
  limits: SandboxLimits;
  /** A pooled sandbox starts with a low CPU weight (cgroup cpu.shares) until claimed. */
  cpuShares?: number;
}

/** A sandbox found on the engine by its labels (after an agent restart). */
export interface DiscoveredSandbox {
  sandboxId: string;
  /** null: a pooled sandbox no session has claimed (it was never handed out). */
  session: SessionClaim | null;
  slot: number;
  profile: string;
  limits: SandboxLimits;
  /** Running, and it reported ready (its inner Docker answered). */
  running: boolean;
}

export type DriverEvent =
  | { kind: 'exited'; sandboxId: string; exitCode: number; oomKilled: boolean }
  | { kind: 'engine-lost'; message: string }
  | { kind: 'engine-back' };

export interface RunResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Output past maxOutputBytes was dropped. */
  truncated?: boolean;
  timedOut?: boolean;
}

export interface RunOptions {
  /** Added to the learner's usual environment. */
  env?: Record<string, string>;
  /** Keep at most this many bytes of stdout + stderr (default 1 MiB). */
  maxOutputBytes?: number;
  /** Fed to the command's standard input (then closed). */
  stdin?: Buffer;
}

/** A run's output as bytes (file contents are not necessarily text). */
export interface RawRunResult {
  exitCode: number;
  stdout: Buffer;
  stderr: Buffer;
  truncated: boolean;
  timedOut: boolean;
}

/** A long-running command as the learner, fed through its standard input (the file watcher). */
export interface SandboxProcess {
  write(data: string): void;
  onStdout(listener: (chunk: Buffer) => void): void;
  onExit(listener: (exitCode: number) => void): void;
  /** Closes its standard input, then kills it if it is still there a moment later. */
  stop(): void;
}

/** Where the file API finds things in a sandbox (paths as the learner sees them). */
export interface SandboxFilesEnv {
  /** The learner's home folder. */
  home: string;
  /** The kernel's lists of TCP sockets in the sandbox's network namespace. */
  procNet: string[];
}

/**
 * The only thing that touches the container engine. The manager holds the
 * lifecycle and the rules; a driver only does what it is told. Sandboxes are
 * addressed by their sandbox id.
 */
export interface SandboxDriver {
  /** Creates every resource of a sandbox, starts it and resolves once it is ready. */
  create(spec: SandboxSpec): Promise<void>;
  /** Starts a stopped sandbox again (disk kept) and resolves once it is ready. */
  start(spec: SandboxSpec): Promise<void>;
  /** Stops the sandbox's processes; its disk and network stay. */
  stop(sandboxId: string): Promise<void>;
  /** Removes everything of a sandbox. Idempotent. */
  destroy(sandboxId: string): Promise<void>;
  /**
   * Is a pooled sandbox fit to hand out right now? Resolves null when it is running
   * and its inner Docker answers, else with the reason it is not.
   */
  check(sandboxId: string): Promise<string | null>;
  /**
   * Records, durably (an agent restart must find it), that a pooled sandbox now
   * belongs to a session, and gives it a session's CPU weight.
   */
  claim(sandboxId: string, claim: SessionClaim): Promise<void>;
  /** Sandboxes of this agent that exist on the engine. */
  discover(): Promise<DiscoveredSandbox[]>;
  /** Removes what this agent made for any sandbox not in `keep`; returns what it removed. */
  sweep(keep: ReadonlySet<string>): Promise<string[]>;
  /** Opens a login shell for the learner on a TTY. */
  openShell(sandboxId: string, identity: SlotIdentity, size: { cols: number; rows: number }): Promise<PtyProcess>;
  /** Runs a command as the learner without a TTY (checks, admin). */
  run(sandboxId: string, identity: SlotIdentity, argv: string[], timeoutMs: number, opts?: RunOptions): Promise<RunResult>;
  /** The same with output as bytes (and optional input). */
  runRaw(sandboxId: string, identity: SlotIdentity, argv: string[], timeoutMs: number, opts?: RunOptions): Promise<RawRunResult>;
  /** Starts a long-running command as the learner, without a TTY. */
  spawn(sandboxId: string, identity: SlotIdentity, argv: string[]): Promise<SandboxProcess>;
  /** A TCP connection from the host to a port on the sandbox's own address (previews). */
  connect(sandboxId: string, port: number): Promise<Duplex>;
  filesEnv(sandboxId: string): SandboxFilesEnv;
  watch(listener: (event: DriverEvent) => void): void;
  close(): Promise<void>;
}
