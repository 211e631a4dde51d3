'use client';

import { useTranslations } from 'next-intl';
import { useState } from 'react';
import { useWorkspace } from '@/components/workspace/WorkspaceContext';
import { useLessonPlayer } from './player-context';

export interface CodeBlockProps {
  kind: 'run' | 'file' | 'code';
  lang: string;
  text: string;
  /** The step the block belongs to (null in the introduction). */
  stepId: string | null;
  /** For a file block: where it goes under the learner's home. */
  path?: string;
  /** Send Ctrl-C before the command. */
  interrupt?: boolean;
}

const buttonClass =
  'cursor-pointer rounded-md border border-harbor-700 bg-harbor-850 px-2 py-1 text-xs font-medium text-harbor-200 transition-colors hover:border-sea-400 hover:text-white disabled:cursor-not-allowed disabled:opacity-50';

function CopyButton({ text }: { text: string }) {
  const t = useTranslations('Player');
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      // No clipboard access (not a secure context): the text stays selectable.
    }
  };
  return (
    <button type="button" onClick={copy} className={buttonClass} data-testid="code-copy">
      <span aria-live="polite">{copied ? t('copied') : t('copy')}</span>
    </button>
  );
}

/** Which lines start a command (a `$` before them): not continuations, not heredoc bodies. */
function promptLines(lines: string[]): boolean[] {
  let heredoc: string | null = null;
  let continued = false;
  return lines.map((line) => {
    if (heredoc !== null) {
      if (line.trim() === heredoc) heredoc = null;
      return false;
    }
    const starts = !continued;
    continued = /\\$/.test(line);
    const m = /<<-?\s*['"]?(\w+)['"]?/.exec(line);
    if (m) heredoc = m[1]!;
    return starts;
  });
}

/**
 * A code block of a lesson: a command to Run in the terminal, a file to create in
 * the sandbox, or code to copy.
 */
export function CodeBlock({ kind, lang, text, stepId, path, interrupt }: CodeBlockProps) {
  const t = useTranslations('Player');
  const ws = useWorkspace();
  const player = useLessonPlayer();
  const lines = text.split('\n');
  const prompts = promptLines(lines);
  const file = path && stepId ? player?.fileState(stepId, path) : undefined;

  return (
    <figure
      className="group my-4 overflow-hidden rounded-lg border border-harbor-700 bg-[#071324]"
      data-testid={kind === 'run' ? 'run-block' : kind === 'file' ? 'file-block' : 'code-block'}
      data-path={path}
    >
      <div className="flex items-center gap-2 border-b border-harbor-800 bg-harbor-900/70 px-3 py-1.5">
        <figcaption className="min-w-0 flex-1 truncate font-mono text-xs text-harbor-400">
          {kind === 'file' ? t('fileLabel', { path: path ?? '' }) : lang}
        </figcaption>
        {kind === 'run' ? (
          <button
            type="button"
            className={`${buttonClass} border-sea-400/50 text-sea-200`}
            aria-label={`${t('runLabel')}: ${lines[0]}`}
            data-testid="code-run"
            onClick={() => ws.typeCommand(text, { interrupt })}
          >
            ▶ {t('run')}
          </button>
        ) : null}
        {kind === 'file' && stepId && path ? (
          <button
            type="button"
            className={`${buttonClass} border-sea-400/50 text-sea-200`}
            data-testid="code-create"
            disabled={file?.kind === 'busy'}
            onClick={() => player?.createFile(stepId, path)}
          >
            {file?.kind === 'busy' ? t('creating') : t('createFile')}
          </button>
        ) : null}
        <CopyButton text={text} />
      </div>
      <pre className="overflow-x-auto px-4 py-3 font-mono text-[13px] leading-6 text-white">
        <code>
          {kind === 'run'
            ? lines.map((line, i) => (
                <span key={i} className="block">
                  {prompts[i] ? <span className="text-sea-300 select-none">$ </span> : null}
                  {line}
                </span>
              ))
            : text}
        </code>
      </pre>
      {file && file.kind !== 'busy' ? (
        <p
          role="status"
          data-testid="code-create-status"
          className={`border-t border-harbor-800 px-3 py-1.5 text-xs ${file.kind === 'ok' ? 'text-sea-200' : 'text-red-200'}`}
        >
          {file.message}
        </p>
      ) : null}
    </figure>
  );
}
