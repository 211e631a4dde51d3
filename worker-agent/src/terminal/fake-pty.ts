import type { PtyProcess } from './pty';

/**
 * An in-memory TTY for unit tests: it echoes input, can be made to print, and
 * records pause/resume and resizes like the real Docker exec would see them.
 */
export class FakePty implements PtyProcess {
  readonly written: string[] = [];
  readonly resizes: { cols: number; rows: number }[] = [];
  paused = false;
  pauses = 0;
  resumes = 0;
  killed = false;
  /** While paused, emitted chunks wait here, as they would in the kernel's buffers. */
  private held: Buffer[] = [];
  private dataListeners: ((chunk: Buffer) => void)[] = [];
  private exitListeners: ((code: number) => void)[] = [];

  constructor(private readonly echo = true) {}

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListeners.push(listener);
  }

  onExit(listener: (exitCode: number) => void): void {
    this.exitListeners.push(listener);
  }

  write(data: string): void {
    this.written.push(data);
    if (this.echo) this.print(data);
  }

  async resize(cols: number, rows: number): Promise<void> {
    this.resizes.push({ cols, rows });
  }

  pause(): void {
    this.pauses++;
    this.paused = true;
  }

  resume(): void {
    this.resumes++;
    this.paused = false;
    const held = this.held;
    this.held = [];
    for (const chunk of held) this.print(chunk);
  }

  kill(): void {
    this.killed = true;
    this.exit(137);
  }

  /** The process writes to its terminal. */
  print(data: string | Buffer): void {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.paused) {
      this.held.push(chunk);
      return;
    }
    for (const listener of this.dataListeners) listener(chunk);
  }

  exit(code: number): void {
    const listeners = this.exitListeners;
    this.exitListeners = [];
    for (const listener of listeners) listener(code);
  }
}
