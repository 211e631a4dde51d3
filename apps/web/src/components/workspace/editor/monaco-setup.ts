/**
 * Monaco, loaded from the site itself (the installed monaco-editor package, served by
 * server.ts under /_berth/monaco/<version>/vs): never from a CDN. Also: which language
 * a file is, a Monarch grammar for nginx configuration (Monaco has none), and the
 * harbor theme.
 */
import { loader } from '@monaco-editor/react';
import type * as Monaco from 'monaco-editor';
import { MONACO_VERSION } from '@/lib/monaco-version';

export const MONACO_BASE = `/_berth/monaco/${MONACO_VERSION}/vs`;
export const THEME = 'berth-harbor';

let localeReady: Promise<void> | null = null;

/**
 * Points the loader at our copy, and loads Monaco's own texts in Korean first when the
 * page is Korean (0.57's nls/lang/ko.js is a plain script that sets globals, not an AMD
 * module: asked for through the loader's `vs/nls` option it never answers, and the
 * editor never appears). Resolves when the editor may be created; once per page.
 */
export function configureMonaco(locale: string): Promise<void> {
  if (localeReady) return localeReady;
  loader.config({ paths: { vs: MONACO_BASE } });
  localeReady =
    locale === 'ko' && typeof document !== 'undefined'
      ? new Promise<void>((resolve) => {
          const script = document.createElement('script');
          script.src = `${MONACO_BASE}/nls/lang/ko.js`;
          script.onload = () => resolve();
          script.onerror = () => resolve(); // English texts, then
          document.head.appendChild(script);
        })
      : Promise.resolve();
  return localeReady;
}

/** Monaco's language id for a file of the learner's home. */
export function languageFor(path: string): string {
  const name = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const dir = path.toLowerCase();
  const ext = name.includes('.') ? name.slice(name.lastIndexOf('.') + 1) : '';
  if (name === 'dockerfile' || name === 'containerfile' || name.startsWith('dockerfile.') || ext === 'dockerfile') return 'dockerfile';
  if (name === 'nginx.conf' || (ext === 'conf' && (dir.includes('nginx') || name === 'default.conf')) || dir.includes('nginx/conf.d/')) return 'nginx';
  if (['.bashrc', '.profile', '.bash_profile', '.bash_logout', '.bash_aliases', '.zshrc', '.env', '.envrc'].includes(name)) return 'shell';
  if (name === 'makefile' || name === '.dockerignore' || name === '.gitignore') return 'plaintext';
  const byExt: Record<string, string> = {
    yml: 'yaml',
    yaml: 'yaml',
    json: 'json',
    jsonc: 'json',
    js: 'javascript',
    mjs: 'javascript',
    cjs: 'javascript',
    jsx: 'javascript',
    ts: 'typescript',
    mts: 'typescript',
    cts: 'typescript',
    tsx: 'typescript',
    sh: 'shell',
    bash: 'shell',
    zsh: 'shell',
    py: 'python',
    md: 'markdown',
    markdown: 'markdown',
    sql: 'sql',
    html: 'html',
    htm: 'html',
    css: 'css',
    scss: 'scss',
    less: 'less',
    xml: 'xml',
    ini: 'ini',
    cfg: 'ini',
    toml: 'ini',
    conf: 'nginx',
    go: 'go',
    java: 'java',
    php: 'php',
    rb: 'ruby',
    rs: 'rust',
    c: 'c',
    h: 'c',
    cpp: 'cpp',
  };
  return byExt[ext] ?? 'plaintext';
}

/** A Monarch grammar for nginx configuration files: directives, blocks, variables, strings. */
const NGINX: Monaco.languages.IMonarchLanguage = {
  defaultToken: '',
  ignoreCase: false,
  keywords: [
    'http', 'server', 'location', 'upstream', 'events', 'stream', 'map', 'if', 'types', 'include', 'listen', 'server_name',
    'root', 'index', 'try_files', 'return', 'rewrite', 'proxy_pass', 'proxy_set_header', 'proxy_http_version', 'add_header',
    'error_page', 'access_log', 'error_log', 'worker_processes', 'worker_connections', 'sendfile', 'keepalive_timeout',
    'gzip', 'default_type', 'client_max_body_size', 'user', 'pid', 'alias', 'expires', 'set', 'allow', 'deny', 'autoindex',
    'fastcgi_pass', 'fastcgi_param', 'ssl_certificate', 'ssl_certificate_key', 'charset', 'resolver', 'internal', 'limit_except',
  ],
  tokenizer: {
    root: [
      [/#.*$/, 'comment'],
      [/[{}]/, 'delimiter.bracket'],
      [/;/, 'delimiter'],
      [/\$[A-Za-z_][\w]*/, 'variable'],
      [/"/, 'string', '@dstring'],
      [/'/, 'string', '@sstring'],
      [/\b\d+[kKmMgGsdhw]?\b/, 'number'],
      [/\b(on|off)\b/, 'keyword.constant'],
      [/~\*?|\^~|=/, 'operator'],
      [/[A-Za-z_][\w.]*/, { cases: { '@keywords': 'keyword', '@default': 'identifier' } }],
    ],
    dstring: [
      [/\$[A-Za-z_][\w]*/, 'variable'],
      [/[^"$]+/, 'string'],
      [/"/, 'string', '@pop'],
    ],
    sstring: [
      [/[^']+/, 'string'],
      [/'/, 'string', '@pop'],
    ],
  },
};

let prepared = false;

/** Registers what Monaco does not have (nginx) and the theme; once per page. */
export function prepareMonaco(monaco: typeof Monaco): void {
  if (prepared) return;
  prepared = true;
  if (!monaco.languages.getLanguages().some((l) => l.id === 'nginx')) {
    monaco.languages.register({ id: 'nginx', extensions: ['.conf'], filenames: ['nginx.conf'], aliases: ['nginx'] });
    monaco.languages.setMonarchTokensProvider('nginx', NGINX);
    monaco.languages.setLanguageConfiguration('nginx', {
      comments: { lineComment: '#' },
      brackets: [['{', '}']],
      autoClosingPairs: [
        { open: '{', close: '}' },
        { open: '"', close: '"' },
        { open: "'", close: "'" },
      ],
    });
  }
  monaco.editor.defineTheme(THEME, {
    base: 'vs-dark',
    inherit: true,
    rules: [
      { token: 'comment', foreground: '6b83a3', fontStyle: 'italic' },
      { token: 'keyword', foreground: '6fe0cf' },
      { token: 'string', foreground: 'e8c98a' },
      { token: 'number', foreground: 'd3a4f5' },
      { token: 'variable', foreground: '9ccfff' },
    ],
    colors: {
      'editor.background': '#071324',
      'editor.foreground': '#e6edf5',
      'editorLineNumber.foreground': '#46678f',
      'editorLineNumber.activeForeground': '#a9bdd6',
      'editor.lineHighlightBackground': '#0b1d35',
      'editor.selectionBackground': '#1fa89755',
      'editorCursor.foreground': '#6fe0cf',
      'editorWidget.background': '#0b1d35',
      'editorGutter.background': '#071324',
      'diffEditor.insertedTextBackground': '#3cc8b533',
      'diffEditor.removedTextBackground': '#f4848433',
    },
  });
}
