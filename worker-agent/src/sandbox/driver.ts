import type { Duplex } from 'node:stream';
import type { SandboxLimits } from '@berth/protocol';
import type { PtyProcess } from '../terminal/pty';
import type { SlotIdentity } from './slots';

/** What the driver needs to build one sandbox. */
export interface SandboxSpec {
  sessionId: string;
  profile: string;
  identity: SlotIdentity;
  limits: SandboxLimits;
  createdAt: Date;
  expiresAt: Date;
}

/** A sandbox found on the engine by its labels (after an agent restart). */
export interface DiscoveredSandbox {
  sessionId: string;
  slot: number;
  profile: string;
  limits: SandboxLimits;
  createdAt: Date;
  expiresAt: Date;
  running: boolean;
}

export type DriverEvent =
  | { kind: 'exited'; sessionId: string; exitCode: number; oomKilled: boolean }
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
 * lifecycle and the rules; a driver only does what it is told.
 */
export interface SandboxDriver {
  /** Creates every resource of a sandbox, starts it and resolves once it is ready. */
  create(spec: SandboxSpec): Promise<void>;
  /** Starts a stopped sandbox again (disk kept) and resolves once it is ready. */
  start(spec: SandboxSpec): Promise<void>;
  /** Stops the sandbox's processes; its disk and network stay. */
  stop(sessionId: string): Promise<void>;
  /** Removes everything of a sandbox. Idempotent. */
  destroy(sessionId: string): Promise<void>;
  /** Sandboxes of this agent that exist on the engine. */
  discover(): Promise<DiscoveredSandbox[]>;
  /** Removes what this agent made for any session not in `keep`; returns what it removed. */
  sweep(keep: ReadonlySet<string>): Promise<string[]>;
  /** Opens a login shell for the learner on a TTY. */
  openShell(sessionId: string, identity: SlotIdentity, size: { cols: number; rows: number }): Promise<PtyProcess>;
  /** Runs a command as the learner without a TTY (checks, admin). */
  run(sessionId: string, identity: SlotIdentity, argv: string[], timeoutMs: number, opts?: RunOptions): Promise<RunResult>;
  /** The same with output as bytes (and optional input). */
  runRaw(sessionId: string, identity: SlotIdentity, argv: string[], timeoutMs: number, opts?: RunOptions): Promise<RawRunResult>;
  /** Starts a long-running command as the learner, without a TTY. */
  spawn(sessionId: string, identity: SlotIdentity, argv: string[]): Promise<SandboxProcess>;
  /** A TCP connection from the host to a port on the sandbox's own address (previews). */
  connect(sessionId: string, port: number): Promise<Duplex>;
  filesEnv(sessionId: string): SandboxFilesEnv;
  watch(listener: (event: DriverEvent) => void): void;
  close(): Promise<void>;
}
