'use client';

import { useTranslations } from 'next-intl';
import { useCallback, useEffect, useRef, useState } from 'react';
import { toLearnerError } from '@/client/errors';
import type { FilesSnapshot, WorkspaceFiles } from '@/client/workspace-files';
import { Spinner } from '../TerminalView';
import { Icon } from '../icons';

/** What a preview iframe may do: run the app (on its own origin), not navigate Berth away. */
const SANDBOX = 'allow-scripts allow-same-origin allow-forms allow-popups allow-popups-to-escape-sandbox allow-modals allow-downloads';

export interface PreviewPaneProps {
  files: WorkspaceFiles;
  snap: FilesSnapshot;
  port: number;
  path: string;
  active: boolean;
}

/**
 * A preview of a port of the sandbox, in a frame on the preview's own origin (never the
 * site's): a small address bar, reload, open in a new tab. While nothing listens on the
 * port it says so, and shows the page as soon as something does.
 */
export function PreviewPane({ files, snap, port, path, active }: PreviewPaneProps) {
  const t = useTranslations('Workspace.preview');
  const listening = snap.ports.find((p) => p.port === port);
  const waiting = snap.portsKnown && !listening;
  const [address, setAddress] = useState(path);
  const [src, setSrc] = useState<string | null>(null);
  const [origin, setOrigin] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const generation = useRef(0);

  const load = useCallback(
    async (target: string) => {
      const mine = ++generation.current;
      setError(null);
      setLoading(true);
      try {
        const grant = await files.previewUrl(port, target);
        if (mine !== generation.current) return;
        setOrigin(grant.origin);
        // A new ticket URL each time: the frame loads it even when only the path is the same.
        setSrc(grant.url);
        files.setPreviewPath(port, target);
      } catch (err) {
        if (mine === generation.current) {
          setError(toLearnerError(err).message);
          setLoading(false);
        }
      }
    },
    [files, port],
  );

  // Load when the tab is shown and the port answers (again after it was waiting).
  const shouldShow = active && snap.available && !waiting && (!listening || listening.scope === 'any');
  const addressRef = useRef(address);
  addressRef.current = address;
  useEffect(() => {
    if (shouldShow && !src) void load(addressRef.current);
  }, [shouldShow, src, load]);
  useEffect(() => {
    if (waiting) setSrc(null);
  }, [waiting]);

  const go = (target: string) => {
    const normalized = target.startsWith('/') ? target : `/${target}`;
    setAddress(normalized);
    void load(normalized);
  };

  const openInNewTab = async () => {
    // Opened at once (popup blockers), sent to the preview when its ticket is there.
    const win = window.open('about:blank', '_blank');
    try {
      const grant = await files.previewUrl(port, address);
      if (win) {
        win.opener = null;
        win.location.href = grant.url;
      }
    } catch (err) {
      win?.close();
      setError(toLearnerError(err).message);
    }
  };

  return (
    <div className="flex h-full min-h-0 flex-col bg-[#071324]" data-testid="preview-pane" data-port={port}>
      <form
        className="flex h-9 shrink-0 items-center gap-1.5 border-b border-harbor-800 bg-harbor-900/70 px-2"
        onSubmit={(e) => {
          e.preventDefault();
          go(address);
        }}
      >
        <button type="button" className={iconButton} onClick={() => go(address)} aria-label={t('reload')} title={t('reload')} data-testid="preview-reload">
          <Icon name="reload" />
        </button>
        <label className="flex min-w-0 flex-1 items-center rounded-md border border-harbor-700 bg-harbor-950 focus-within:border-sea-400">
          <span className="shrink-0 pl-2 font-mono text-xs text-harbor-400" title={origin ?? undefined}>
            :{port}
          </span>
          <input
            value={address}
            onChange={(e) => setAddress(e.target.value)}
            aria-label={t('address', { port })}
            data-testid="preview-address"
            data-focus-target="documents"
            spellCheck={false}
            className="min-w-0 flex-1 bg-transparent px-1.5 py-1 font-mono text-xs text-white outline-none"
          />
        </label>
        <button type="button" className={iconButton} onClick={() => void openInNewTab()} aria-label={t('openNewTab')} title={t('openNewTab')} data-testid="preview-open-tab">
          <Icon name="external" />
        </button>
      </form>
      <div className="relative min-h-0 flex-1 bg-white">
        {src && !waiting ? (
          <iframe
            key={src}
            src={src}
            title={t('frameTitle', { port })}
            sandbox={SANDBOX}
            referrerPolicy="no-referrer"
            allow="clipboard-write"
            onLoad={() => setLoading(false)}
            className="absolute inset-0 size-full border-0"
            data-testid="preview-frame"
          />
        ) : null}
        {waiting || (listening && listening.scope === 'loopback') || error || (!src && !waiting) ? (
          <div className="absolute inset-0 grid place-items-center bg-[#071324] p-6" data-testid={waiting ? 'preview-waiting' : 'preview-message'}>
            <div className="flex max-w-md flex-col items-center gap-3 text-center text-sm leading-relaxed text-harbor-200">
              {waiting ? (
                <>
                  <p className="flex items-center gap-2 font-semibold text-white">
                    <Spinner /> {t('waitingTitle', { port })}
                  </p>
                  <p>{t('waitingBody', { port })}</p>
                  <code className="rounded bg-harbor-850 px-2 py-1 font-mono text-xs text-sea-200">docker run -d -p {port}:80 nginx</code>
                </>
              ) : listening?.scope === 'loopback' ? (
                <p>{t('loopback', { port })}</p>
              ) : error ? (
                <>
                  <p>{t('failed', { message: error })}</p>
                  <button type="button" className="cursor-pointer rounded-md border border-harbor-600 px-3 py-1 text-xs font-semibold text-harbor-100 hover:border-sea-400" onClick={() => go(address)}>
                    {t('reload')}
                  </button>
                </>
              ) : (
                <p className="flex items-center gap-2">
                  <Spinner /> {t('opening', { port })}
                </p>
              )}
            </div>
          </div>
        ) : null}
        {loading && src && !waiting ? (
          <div className="absolute top-0 right-0 left-0 h-0.5 overflow-hidden bg-sea-500/20" aria-hidden="true">
            <div className="h-full w-1/3 animate-pulse bg-sea-300" />
          </div>
        ) : null}
      </div>
    </div>
  );
}

const iconButton = 'grid size-7 shrink-0 cursor-pointer place-items-center rounded-md text-harbor-300 hover:bg-harbor-800 hover:text-white';
