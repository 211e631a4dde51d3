'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useRef } from 'react';

export interface ResetDialogProps {
  open: boolean;
  onConfirm(): void;
  onCancel(): void;
}

/** A modal <dialog>: focus stays inside, Escape cancels, Cancel has the focus first. */
export function ResetDialog({ open, onConfirm, onCancel }: ResetDialogProps) {
  const t = useTranslations('Workspace');
  const ref = useRef<HTMLDialogElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);

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
        if (event.target === ref.current) onCancel(); // a click on the backdrop
      }}
      aria-labelledby="reset-title"
      aria-describedby="reset-body"
      data-testid="reset-dialog"
      className="m-auto w-[min(28rem,calc(100vw-2rem))] rounded-xl border border-harbor-700 bg-harbor-850 p-0 text-harbor-100 shadow-2xl shadow-black/50 backdrop:bg-harbor-950/70 backdrop:backdrop-blur-sm"
    >
      <div className="p-6">
        <h2 id="reset-title" className="text-lg font-semibold text-white">
          {t('resetTitle')}
        </h2>
        <p id="reset-body" className="mt-3 text-sm leading-relaxed text-harbor-200">
          {t('resetBody')}
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
          <button
            type="button"
            onClick={onConfirm}
            data-testid="reset-confirm"
            className="cursor-pointer rounded-lg bg-sand-300 px-4 py-2 text-sm font-semibold text-harbor-950 hover:bg-sand-200"
          >
            {t('resetConfirm')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
