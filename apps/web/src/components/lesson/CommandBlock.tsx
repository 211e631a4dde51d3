'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';

/** A shell command to type or copy. */
export function CommandBlock({ command }: { command: string }) {
  const t = useTranslations('Lesson');
  const [copied, setCopied] = useState(false);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(command);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // No clipboard access (not a secure context): the text stays selectable.
    }
  };

  return (
    <div className="group relative my-4 rounded-lg border border-harbor-700 bg-[#071324]">
      <pre className="overflow-x-auto py-3 pr-20 pl-4 font-mono text-[13px] leading-6 text-white">
        <code>
          <span className="text-sea-300 select-none">$ </span>
          {command}
        </code>
      </pre>
      <button
        type="button"
        onClick={copy}
        className="absolute top-2 right-2 cursor-pointer rounded-md border border-harbor-700 bg-harbor-850 px-2 py-1 text-xs font-medium text-harbor-200 transition-colors hover:border-sea-400 hover:text-white"
      >
        <span aria-live="polite">{copied ? t('copied') : t('copy')}</span>
      </button>
    </div>
  );
}
