/**
 * The size a new terminal is opened at before its view has measured the pane, so that
 * the server opens it while React and xterm.js are still building the view (the view
 * resizes it once it has measured, if the hint was wrong): the size the pane had last
 * time in this browser, else 80x24, the size of the shell the agent opens ahead.
 */
const KEY = 'berth:terminal-size';
const FALLBACK = { cols: 80, rows: 24 };

export interface TerminalSize {
  cols: number;
  rows: number;
}

export function terminalSizeHint(): TerminalSize {
  try {
    const saved = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<TerminalSize> | null;
    if (saved && Number.isInteger(saved.cols) && Number.isInteger(saved.rows) && saved.cols! > 0 && saved.rows! > 0) {
      return { cols: saved.cols!, rows: saved.rows! };
    }
  } catch {
    // storage disabled or a value from elsewhere
  }
  return FALLBACK;
}

/** Remembers a measured size for the next terminal. */
export function rememberTerminalSize(size: TerminalSize): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ cols: size.cols, rows: size.rows }));
  } catch {
    // storage disabled: the fallback size is used next time
  }
}
