/** A process with a TTY, as the terminal sees it: Docker exec in production, a fake in tests. */
export interface PtyProcess {
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once, after the last data, with the exit code (-1 when unknown). */
  onExit(listener: (exitCode: number) => void): void;
  write(data: string): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Stop reading output (back-pressure reaches the process through the TTY). */
  pause(): void;
  resume(): void;
  /** End the process and release its connection. */
  kill(): void;
}
