'use client';

import { useTranslations } from 'next-intl';
import { useRef, useState } from 'react';
import type { FilesSnapshot, WorkspaceFiles } from '@/client/workspace-files';
import { Icon } from '../icons';

/**
 * The ports something listens on in the sandbox (discovered, not typed in): each opens
 * a preview. A port bound to 127.0.0.1 only cannot be previewed and says why. Another
 * port can be typed, for a server that is about to start.
 */
export function PortsMenu({ files, snap }: { files: WorkspaceFiles; snap: FilesSnapshot }) {
  const t = useTranslations('Workspace.ports');
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState('');
  const ref = useRef<HTMLDivElement>(null);
  const previewable = snap.ports.filter((p) => p.scope === 'any');
  const typedPort = Number(typed);
  const typedValid = Number.isInteger(typedPort) && typedPort >= 1 && typedPort <= 65_535;

  const openPort = (port: number) => {
    setOpen(false);
    files.openPreview(port);
  };

  return (
    <div
      ref={ref}
      className="relative shrink-0"
      onBlur={(e) => {
        if (!ref.current?.contains(e.relatedTarget as Node | null)) setOpen(false);
      }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') setOpen(false);
      }}
    >
      <button
        type="button"
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
        data-testid="ports-button"
        className={`flex h-8 cursor-pointer items-center gap-1.5 rounded-md border px-2 text-xs font-semibold ${
          previewable.length ? 'border-sea-400/60 text-sea-200 hover:border-sea-300' : 'border-harbor-700 text-harbor-300 hover:border-harbor-500'
        }`}
      >
        <Icon name="globe" className="size-3.5" />
        {t('button')}
        {previewable.length ? (
          <span className="rounded-full bg-sea-300 px-1.5 text-[10px] leading-4 text-harbor-950" data-testid="ports-count">
            {previewable.length}
          </span>
        ) : null}
      </button>
      {open ? (
        <div role="dialog" aria-label={t('title')} className="absolute top-full right-0 z-30 mt-1 w-72 rounded-lg border border-harbor-700 bg-harbor-850 p-2 shadow-xl shadow-black/40" data-testid="ports-menu">
          <p className="px-1 pb-1 text-[11px] font-semibold tracking-wider text-harbor-400 uppercase">{t('title')}</p>
          {snap.ports.length === 0 ? (
            <p className="px-1 py-1 text-xs leading-relaxed text-harbor-300">{snap.portsKnown ? t('none') : t('unknown')}</p>
          ) : (
            <ul className="space-y-0.5">
              {snap.ports.map((p) => (
                <li key={p.port}>
                  {p.scope === 'any' ? (
                    <button
                      type="button"
                      autoFocus={p === previewable[0]}
                      onClick={() => openPort(p.port)}
                      data-testid="ports-open"
                      data-port={p.port}
                      className="flex w-full cursor-pointer items-center gap-2 rounded-md px-2 py-1.5 text-left text-sm text-harbor-100 hover:bg-harbor-700 focus:bg-harbor-700 focus:outline-none"
                    >
                      <span className="size-2 rounded-full bg-sea-300" aria-hidden="true" />
                      <span className="font-mono">{p.port}</span>
                      <span className="ml-auto text-xs text-sea-200">{t('preview')}</span>
                    </button>
                  ) : (
                    <p className="flex items-start gap-2 px-2 py-1.5 text-xs text-harbor-300" title={t('loopback', { port: p.port })}>
                      <span className="mt-1 size-2 shrink-0 rounded-full bg-harbor-500" aria-hidden="true" />
                      <span>
                        <span className="font-mono text-harbor-100">{p.port}</span> {t('loopbackShort')}
                      </span>
                    </p>
                  )}
                </li>
              ))}
            </ul>
          )}
          <form
            className="mt-2 flex items-center gap-1.5 border-t border-harbor-700 px-1 pt-2"
            onSubmit={(e) => {
              e.preventDefault();
              if (typedValid) openPort(typedPort);
            }}
          >
            <label className="min-w-0 flex-1">
              <span className="sr-only">{t('otherLabel')}</span>
              <input
                inputMode="numeric"
                placeholder={t('otherPlaceholder')}
                value={typed}
                onChange={(e) => setTyped(e.target.value.replace(/\D/g, '').slice(0, 5))}
                data-testid="ports-other"
                className="w-full rounded-md border border-harbor-700 bg-harbor-950 px-2 py-1 font-mono text-xs text-white outline-none focus:border-sea-400"
              />
            </label>
            <button
              type="submit"
              disabled={!typedValid}
              className="cursor-pointer rounded-md border border-harbor-600 px-2 py-1 text-xs font-semibold text-harbor-100 hover:border-sea-400 disabled:cursor-not-allowed disabled:opacity-40"
            >
              {t('open')}
            </button>
          </form>
        </div>
      ) : null}
    </div>
  );
}
