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
    void this.exec
      .inspect()
      .then((info) => {
        if (info.Running && info.Pid > 0) process.kill(info.Pid, 'SIGHUP');
      })
      .catch(() => undefined)
      .finally(() => this.stream.destroy());
  }

  private async finish(): Promise<void> {
    if (this.exited) return;
    this.exited = true;
    let code = -1;
    // The stream can end a moment before the engine records the exit code.
    for (let i = 0; i < 40; i++) {
      try {
        const info = await this.exec.inspect();
        if (!info.Running) {
          code = info.ExitCode ?? -1;
          break;
        }
      } catch {
        break; // the sandbox is gone: the exit code is unknown
      }
      await new Promise((r) => setTimeout(r, 25));
    }
    for (const listener of this.exitListeners) listener(code);
  }
}
