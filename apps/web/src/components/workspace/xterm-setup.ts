/**
 * Creating an xterm.js terminal the way every Berth tab wants it: the app's fonts,
 * the harbor palette, Unicode 11 widths (Hangul takes two cells), links, WebGL with
 * a fallback to the DOM renderer, and copy/paste keys that leave IME composition
 * alone. Loaded in the browser only (xterm touches `window` when imported).
 */
import type { ITheme, Terminal } from '@xterm/xterm';
import type { FitAddon } from '@xterm/addon-fit';

/**
 * JetBrains Mono for Latin; Nanum Gothic Coding for Hangul (JetBrains Mono has none):
 * a monospace font whose Hangul are all one width, so Korean sits evenly in its
 * two-cell slots (Pretendard's proportional Hangul looked letter-spaced there).
 * Pretendard stays for what neither has. Nanum Gothic Coding's @font-face rules
 * (TerminalView.tsx) are split by unicode-range: a page downloads only the Hangul
 * subsets it draws, and Latin never comes from it.
 */
export const TERMINAL_FONT_FAMILY = '"JetBrains Mono", "Nanum Gothic Coding", "Pretendard Variable", Pretendard, ui-monospace, monospace';
const FONT_SIZE = 14;

/** The harbor palette; bright black stays readable on navy (dim text, prompts). */
export const TERMINAL_THEME: ITheme = {
  background: '#071324',
  foreground: '#e6edf5',
  cursor: '#6fe0cf',
  cursorAccent: '#071324',
  selectionBackground: 'rgba(111, 224, 207, 0.32)',
  selectionInactiveBackground: 'rgba(169, 189, 214, 0.22)',
  black: '#0b1d35',
  red: '#f48484',
  green: '#7ddc9f',
  yellow: '#e8c98a',
  blue: '#6cb6ff',
  magenta: '#d3a4f5',
  cyan: '#3cc8b5',
  white: '#cbd8e8',
  brightBlack: '#6b83a3',
  brightRed: '#ffa3a3',
  brightGreen: '#a7efc1',
  brightYellow: '#f1dfb8',
  brightBlue: '#9ccfff',
  brightMagenta: '#e4c3fa',
  brightCyan: '#a7f0e4',
  brightWhite: '#ffffff',
};

export type RendererKind = 'webgl' | 'dom';

export interface XtermHandle {
  term: Terminal;
  fit: FitAddon;
  renderer(): RendererKind;
  dispose(): void;
}

const isMac = () => typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

/** Waits (briefly) for the fonts xterm measures its cells with. */
async function fontsReady(): Promise<void> {
  if (typeof document === 'undefined' || !document.fonts) return;
  const loads = [
    document.fonts.load(`400 ${FONT_SIZE}px "JetBrains Mono"`),
    document.fonts.load(`600 ${FONT_SIZE}px "JetBrains Mono"`),
  ];
  // On Korean pages, the Hangul subsets the terminal's lessons use most (English pages
  // load Hangul only if some shows up; the terminal redraws when it arrives). No space
  // in the sample: it would fetch the font's Latin subset, which JetBrains Mono covers.
  if (document.documentElement.lang.startsWith('ko')) {
    loads.push(document.fonts.load(`400 ${FONT_SIZE}px "Nanum Gothic Coding"`, '도커컨테이너실습한국어안녕하세요'));
  }
  await Promise.race([Promise.allSettled(loads), new Promise((r) => setTimeout(r, 3000))]);
}

/**
 * WebGL draws fast on a GPU. Without one the browser emulates it on the CPU
 * (SwiftShader, llvmpipe: VMs, remote desktops, headless browsers), where it is
 * slower than the DOM renderer: use the DOM then. `localStorage['berth:renderer']`
 * ('webgl' or 'dom') overrides the choice. Asked once, while the terminal's code
 * preloads: the check creates a WebGL context (~10 ms on a CPU-only browser), which
 * would otherwise delay the first terminal after Start.
 */
let webglAnswer: boolean | null = null;
function webglWanted(): boolean {
  webglAnswer ??= askWebgl();
  return webglAnswer;
}

function askWebgl(): boolean {
  try {
    const forced = localStorage.getItem('berth:renderer');
    if (forced === 'dom' || forced === 'webgl') return forced === 'webgl';
  } catch {
    // storage disabled
  }
  try {
    const gl = document.createElement('canvas').getContext('webgl2');
    if (!gl) return false;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return !/swiftshader|llvmpipe|softpipe|software|basic render/i.test(name);
  } catch {
    return false;
  }
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Not a secure context, or permission denied: the textarea's copy event still works.
    document.execCommand('copy');
  }
}

type TerminalModules = [
  typeof import('@xterm/xterm'),
  typeof import('@xterm/addon-fit'),
  typeof import('@xterm/addon-unicode11'),
  typeof import('@xterm/addon-web-links'),
  typeof import('@xterm/addon-webgl') | null,
  void,
];
let preloaded: Promise<TerminalModules> | null = null;

/**
 * Loads xterm.js, its addons and the terminal's fonts, once. The workspace calls it
 * while the learner reads (before Start), so a terminal opens without waiting for them.
 */
export function preloadTerminal(): Promise<TerminalModules> {
  preloaded ??= Promise.all([
    import('@xterm/xterm'),
    import('@xterm/addon-fit'),
    import('@xterm/addon-unicode11'),
    import('@xterm/addon-web-links'),
    import('@xterm/addon-webgl').catch(() => null),
    fontsReady(),
  ]);
  if (typeof document !== 'undefined') webglWanted();
  // A failed load (a flaky network) is tried again next time.
  preloaded.catch(() => (preloaded = null));
  return preloaded;
}

export async function createXterm(container: HTMLElement, options: { webgl?: boolean } = {}): Promise<XtermHandle> {
  const [{ Terminal }, { FitAddon }, { Unicode11Addon }, { WebLinksAddon }, webglModule] = await preloadTerminal();
  const wantWebgl = options.webgl ?? webglWanted();

  const term = new Terminal({
    allowProposedApi: true, // the unicode API
    fontFamily: TERMINAL_FONT_FAMILY,
    fontSize: FONT_SIZE,
    fontWeight: '400',
    fontWeightBold: '600',
    lineHeight: 1.15,
    // The DOM renderer blinks the cursor with a CSS animation that repaints every
    // frame: where the browser renders on the CPU (which is when the DOM renderer is
    // used) that halved the frame rate and delayed echoes by ~10 ms. Solid there.
    cursorBlink: wantWebgl,
    scrollback: 5000,
    theme: TERMINAL_THEME,
    // Learners select with the mouse; Option stays a character key for macOS users.
    macOptionIsMeta: false,
    rightClickSelectsWord: false,
  });

  // Benchmarks (test/bench) and browser tests may ask for the terminals by defining
  // this list before the page loads; it is never defined in normal use.
  (window as { __berthTerminals?: Terminal[] }).__berthTerminals?.push(term);

  const fit = new FitAddon();
  term.loadAddon(fit);
  const unicode = new Unicode11Addon();
  term.loadAddon(unicode);
  term.unicode.activeVersion = '11';
  term.loadAddon(new WebLinksAddon());

  // Copy and paste without stealing ^C/^V from the shell more than learners expect.
  const mac = isMac();
  term.attachCustomKeyEventHandler((event) => {
    // IME composition (Korean, ...) belongs to xterm's textarea: never interfere.
    if (event.isComposing || event.keyCode === 229) return true;
    if (event.type !== 'keydown') return true;
    const key = event.key.toLowerCase();
    const primary = mac ? event.metaKey : event.ctrlKey;
    if (!primary || event.altKey) return true;
    if (key === 'c' && (event.shiftKey || (!mac && term.hasSelection()))) {
      // Ctrl+Shift+C (Cmd+Shift+C), or Ctrl+C with a selection: copy. Plain Ctrl+C stays ^C.
      event.preventDefault(); // also keeps Ctrl+Shift+C from opening the browser's inspector
      if (term.hasSelection()) {
        void copyText(term.getSelection());
        if (!event.shiftKey) term.clearSelection();
      }
      return false;
    }
    if (key === 'v' && !mac) {
      // Ctrl+V and Ctrl+Shift+V paste: let the browser fire its paste event into xterm.
      return false;
    }
    return true;
  });

  term.open(container);

  let renderer: RendererKind = 'dom';
  let webglDispose: (() => void) | null = null;
  if (wantWebgl) {
    try {
      if (!webglModule) throw new Error('the WebGL addon did not load');
      const webgl = new webglModule.WebglAddon();
      webgl.onContextLoss(() => {
        // The GPU went away: fall back to the DOM renderer for good.
        webgl.dispose();
        renderer = 'dom';
        container.dataset.renderer = renderer;
        term.options.cursorBlink = false;
      });
      term.loadAddon(webgl);
      renderer = 'webgl';
      webglDispose = () => webgl.dispose();
    } catch (error) {
      console.info('[berth] WebGL is not available; the terminal uses the DOM renderer', error);
      renderer = 'dom';
      term.options.cursorBlink = false;
    }
  }
  container.dataset.renderer = renderer;
  // Lets browser tests read the screen (WebGL draws it on a canvas, not in the DOM).
  Object.defineProperty(container, 'berthScreenText', {
    configurable: true,
    value: () => {
      const buffer = term.buffer.active;
      const lines: string[] = [];
      for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n').trimEnd();
    },
  });

  // Glyphs of fonts that load later (another Hangul subset) must not stay cached
  // as fallback glyphs in the WebGL texture atlas.
  // The DOM renderer pads each character to its cells by the width it measured once:
  // a Hangul measured in a fallback font before Nanum Gothic Coding arrived would stay
  // padded wrongly (uneven, letter-spaced). Changing the font option (an equivalent
  // string) makes it measure again.
  const onFontsLoaded = () => {
    if (renderer === 'webgl') term.clearTextureAtlas();
    else term.options.fontFamily = term.options.fontFamily === TERMINAL_FONT_FAMILY ? `${TERMINAL_FONT_FAMILY} ` : TERMINAL_FONT_FAMILY;
    term.refresh(0, term.rows - 1);
  };
  document.fonts?.addEventListener('loadingdone', onFontsLoaded);

  return {
    term,
    fit,
    renderer: () => renderer,
    dispose() {
      document.fonts?.removeEventListener('loadingdone', onFontsLoaded);
      try {
        webglDispose?.();
      } catch {
        // already gone
      }
      term.dispose();
    },
  };
}
