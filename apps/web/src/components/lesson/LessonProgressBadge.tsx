'use client';

import { useTranslations } from 'next-intl';
import { useEffect, useState } from 'react';
import { loadProgress } from '@/lib/progress';

/** "2 of 5 done" or "Completed" on a lesson card, from this browser's progress. */
export function LessonProgressBadge({ lessonId, total }: { lessonId: string; total: number }) {
  const t = useTranslations('Lessons');
  const [done, setDone] = useState<number | null>(null);
  useEffect(() => setDone(loadProgress(lessonId).done.length), [lessonId]);
  if (!done) return null;
  const complete = done >= total;
  return (
    <span
      data-testid="lesson-progress"
      className={
        complete
          ? 'rounded-full border border-sea-300/40 bg-sea-300/10 px-2.5 py-0.5 text-xs font-medium text-sea-200'
          : 'rounded-full border border-harbor-600 px-2.5 py-0.5 text-xs font-medium text-harbor-200'
      }
    >
      {complete ? t('completed') : t('progress', { done, total })}
    </span>
  );
}
