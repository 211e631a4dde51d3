import type { Duplex } from 'node:stream';
import type Docker from 'dockerode';
import type { PtyProcess } from '../terminal/pty';

/** A Docker exec with a TTY over the engine's hijacked connection. */
export class ExecPty implements PtyProcess {
  private exited = false;
  private readonly exitListeners: ((code: number) => void)[] = [];

  constructor(
    private readonly exec: Docker.Exec,
    private readonly stream: Duplex,
  ) {
    stream.once('close', () => void this.finish());
    stream.once('end', () => void this.finish());
    stream.on('error', () => void this.finish());
  }

  onData(listener: (chunk: Buffer) => void): void {
    this.stream.on('data', listener);
  }

  onExit(listener: (exitCode: number) => void): void {
    this.exitListeners.push(listener);
  }

  write(data: string): void {
    if (!this.exited) this.stream.write(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    await this.exec.resize({ w: cols, h: rows });
  }

  pause(): void {
    this.stream.pause();
  }

  resume(): void {
    this.stream.resume();
  }

  /** Hangs up the shell (SIGHUP reaches its jobs too) and drops the connection. */
  kill(): void {
    void signalExec(this.exec, 'SIGHUP').finally(() => this.stream.destroy());
  }

  private async finish(): Promise<void> {
    if (this.exited) return;
    this.exited = true;
    const code = await execExitCode(this.exec);
    for (const listener of this.exitListeners) listener(code);
  }
}

/**
 * The exit code of an exec whose stream ended: the stream can end a moment before
 * the engine records the code, so ask again for up to a second. -1 when unknown
 * (the sandbox is gone).
 */
export async function execExitCode(exec: Docker.Exec): Promise<number> {
  for (let i = 0; i < 40; i++) {
    const info = await exec.inspect().catch(() => null);
    if (!info) return -1;
    if (!info.Running) return info.ExitCode ?? -1;
    await new Promise((r) => setTimeout(r, 25));
  }
  return -1;
}

/** Signals an exec's process from the host (the agent runs as host root); quiet when it is gone. */
export async function signalExec(exec: Docker.Exec, signal: NodeJS.Signals): Promise<void> {
  try {
    const info = await exec.inspect();
    if (info.Running && info.Pid > 0) process.kill(info.Pid, signal);
  } catch {
    // already gone
  }
}
