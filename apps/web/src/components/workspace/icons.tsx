/** Small line icons of the workspace (16 px, currentColor). */
const PATHS = {
  'file-plus': 'M9 2H4.5A1.5 1.5 0 0 0 3 3.5v9A1.5 1.5 0 0 0 4.5 14h7a1.5 1.5 0 0 0 1.5-1.5V6L9 2zM9 2v4h4M8 8v4M6 10h4',
  'folder-plus': 'M2 4.5A1.5 1.5 0 0 1 3.5 3H6l1.5 1.5h5A1.5 1.5 0 0 1 14 6v5.5a1.5 1.5 0 0 1-1.5 1.5h-9A1.5 1.5 0 0 1 2 11.5v-7zM8 7v4M6 9h4',
  refresh: 'M13 8a5 5 0 1 1-1.46-3.54M13 3v2.5h-2.5',
  eye: 'M1.5 8S4 3.5 8 3.5 14.5 8 14.5 8 12 12.5 8 12.5 1.5 8 1.5 8zM8 10a2 2 0 1 0 0-4 2 2 0 0 0 0 4z',
  close: 'M4 4l8 8M12 4l-8 8',
  reload: 'M13 8a5 5 0 1 1-1.46-3.54M13 3v2.5h-2.5',
  external: 'M9 3h4v4M13 3L7.5 8.5M11 9.5V12a1 1 0 0 1-1 1H4a1 1 0 0 1-1-1V6a1 1 0 0 1 1-1h2.5',
  globe: 'M8 14A6 6 0 1 0 8 2a6 6 0 0 0 0 12zM2 8h12M8 2c1.7 1.8 2.5 3.8 2.5 6S9.7 12.2 8 14M8 2C6.3 3.8 5.5 5.8 5.5 8s.8 4.2 2.5 6',
  sidebar: 'M2.5 3h11A1.5 1.5 0 0 1 15 4.5v7a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 1 11.5v-7A1.5 1.5 0 0 1 2.5 3zM6 3v10',
  terminal: 'M2.5 3h11A1.5 1.5 0 0 1 15 4.5v7a1.5 1.5 0 0 1-1.5 1.5h-11A1.5 1.5 0 0 1 1 11.5v-7A1.5 1.5 0 0 1 2.5 3zM4 6.5 6 8l-2 1.5M8 10h4',
  editor: 'M2.5 2h7L13 5.5v8a.5.5 0 0 1-.5.5h-10a.5.5 0 0 1-.5-.5v-11a.5.5 0 0 1 .5-.5zM5 8h6M5 10.5h4',
  preview: 'M1.5 4h13v8.5a1 1 0 0 1-1 1h-11a1 1 0 0 1-1-1V4zM1.5 4V3.5a1 1 0 0 1 1-1h11a1 1 0 0 1 1 1V4M4 2.5v1.5',
  save: 'M3 2h8l3 3v8.5a.5.5 0 0 1-.5.5h-11a.5.5 0 0 1-.5-.5v-11A.5.5 0 0 1 3 2zM5 2v3.5h5V2M5 14V9.5h6V14',
  compare: 'M5 2v12M11 2v12M2 5h3M11 11h3M2 11h3M11 5h3',
  keyboard: 'M2 4h12a1 1 0 0 1 1 1v6a1 1 0 0 1-1 1H2a1 1 0 0 1-1-1V5a1 1 0 0 1 1-1zM4 7h1M7 7h1M10 7h1M4 9.5h8',
  upload: 'M8 11V2.5M5 5.5l3-3 3 3M2.5 10v2.5a1 1 0 0 0 1 1h9a1 1 0 0 0 1-1V10',
} as const;

export function Icon({ name, className = 'size-4' }: { name: keyof typeof PATHS; className?: string }) {
  return (
    <svg viewBox="0 0 16 16" className={className} aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round" strokeLinejoin="round">
      <path d={PATHS[name]} />
    </svg>
  );
}

export function FolderIcon({ open }: { open: boolean }) {
  return (
    <svg viewBox="0 0 16 16" className="size-4 shrink-0 text-sand-300" aria-hidden="true" fill="currentColor" fillOpacity={open ? 0.25 : 0.35} stroke="currentColor" strokeWidth="1.2">
      <path d="M1.5 4.5A1.5 1.5 0 0 1 3 3h2.6l1.4 1.4h6A1.5 1.5 0 0 1 14.5 6v5.5A1.5 1.5 0 0 1 13 13H3a1.5 1.5 0 0 1-1.5-1.5v-7z" />
    </svg>
  );
}

/** A colour per kind of file, so Dockerfiles, compose files and code are told apart at a glance. */
function fileColour(name: string): string {
  const lower = name.toLowerCase();
  if (lower.startsWith('dockerfile') || lower.endsWith('.dockerfile') || lower === '.dockerignore') return 'text-sky-300';
  if (/\.(ya?ml)$/.test(lower)) return 'text-rose-300';
  if (/\.(json|jsonc)$/.test(lower)) return 'text-amber-300';
  if (/\.(js|mjs|cjs|ts|tsx|jsx)$/.test(lower)) return 'text-yellow-200';
  if (/\.(sh|bash)$/.test(lower) || lower.startsWith('.bash') || lower === '.profile') return 'text-emerald-300';
  if (/\.(html?|css)$/.test(lower)) return 'text-orange-300';
  if (/\.(py)$/.test(lower)) return 'text-blue-300';
  if (/\.(conf)$/.test(lower)) return 'text-lime-300';
  if (/\.(md|txt)$/.test(lower)) return 'text-harbor-200';
  return 'text-harbor-300';
}

export function FileIcon({ name }: { name: string }) {
  return (
    <svg viewBox="0 0 16 16" className={`size-4 shrink-0 ${fileColour(name)}`} aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.2" strokeLinejoin="round">
      <path d="M9 1.8H4.3A1.3 1.3 0 0 0 3 3.1v9.8a1.3 1.3 0 0 0 1.3 1.3h7.4a1.3 1.3 0 0 0 1.3-1.3V5.8L9 1.8zM9 1.8v4h4" />
    </svg>
  );
}
