'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useId, useRef } from 'react';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  body: string;
  confirm: string;
  /** A third choice between Cancel and the confirmation (e.g. "Don't save"). */
  alternative?: { label: string; onSelect(): void };
  danger?: boolean;
  onConfirm(): void;
  onCancel(): void;
  testId?: string;
}

/** A modal <dialog> (focus stays inside, Escape cancels, Cancel has the focus first). */
export function ConfirmDialog({ open, title, body, confirm, alternative, danger, onConfirm, onCancel, testId = 'confirm-dialog' }: ConfirmDialogProps) {
  const t = useTranslations('Workspace');
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const id = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) {
      dialog.showModal();
      cancelRef.current?.focus();
    } else if (!open && dialog.open) {
      dialog.close();
    }
  }, [open]);

  return (
    <dialog
      ref={ref}
      onCancel={(event) => {
        event.preventDefault();
        onCancel();
      }}
      onClick={(event) => {
        if (event.target === ref.current) onCancel();
      }}
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-body`}
      data-testid={testId}
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-harbor-700 bg-harbor-850 p-0 text-harbor-100 shadow-2xl shadow-black/50 backdrop:bg-harbor-950/70 backdrop:backdrop-blur-sm"
    >
      <div className="p-6">
        <h2 id={`${id}-title`} className="text-lg font-semibold break-words text-white">
          {title}
        </h2>
        <p id={`${id}-body`} className="mt-3 text-sm leading-relaxed break-words text-harbor-200">
          {body}
        </p>
        <div className="mt-6 flex flex-wrap justify-end gap-3">
          <button
            ref={cancelRef}
            type="button"
            onClick={onCancel}
            className="cursor-pointer rounded-lg border border-harbor-600 px-4 py-2 text-sm font-semibold text-harbor-100 hover:border-harbor-300"
          >
            {t('cancel')}
          </button>
          {alternative ? (
            <button
              type="button"
              onClick={alternative.onSelect}
              data-testid={`${testId}-alternative`}
              className="cursor-pointer rounded-lg border border-harbor-600 px-4 py-2 text-sm font-semibold text-harbor-100 hover:border-red-300 hover:text-red-100"
            >
              {alternative.label}
            </button>
          ) : null}
          <button
            type="button"
            onClick={onConfirm}
            data-testid={`${testId}-confirm`}
            className={`cursor-pointer rounded-lg px-4 py-2 text-sm font-semibold ${
              danger ? 'bg-red-300 text-harbor-950 hover:bg-red-200' : 'bg-sea-300 text-harbor-950 hover:bg-sea-200'
            }`}
          >
            {confirm}
          </button>
        </div>
      </div>
    </dialog>
  );
}
