import { getLocale, getTranslations } from 'next-intl/server';
import type { LessonSummary } from '@/content/lessons';
import { CommandBlock } from './CommandBlock';

/**
 * The lesson's text. For now: its title and summary from the course outline, and a
 * short first exercise, until the lessons are written.
 */
export async function LessonText({ lesson }: { lesson: LessonSummary }) {
  const [locale, t] = await Promise.all([getLocale(), getTranslations('Lesson')]);
  return (
    <article aria-labelledby="lesson-title" className="h-full overflow-y-auto bg-harbor-950" data-testid="lesson-text">
      <div className="mx-auto max-w-2xl px-5 py-8 sm:px-8 lg:py-10">
        <p className="font-mono text-xs font-semibold tracking-wider text-sea-400 uppercase">
          {t('lessonNumber', { number: lesson.number })}
        </p>
        <h1 id="lesson-title" className="mt-2 text-2xl font-bold tracking-tight text-balance text-white sm:text-3xl">
          {lesson.title[locale]}
        </h1>
        <p className="mt-4 text-lg leading-relaxed text-harbor-200">{lesson.summary[locale]}</p>

        <p className="mt-8 rounded-lg border border-sand-300/30 bg-sand-300/5 px-4 py-3 text-sm leading-relaxed text-sand-200">
          {t('draftNote')}
        </p>

        <h2 className="mt-10 text-lg font-semibold text-white">{t('tryTitle')}</h2>
        <p className="mt-3 leading-relaxed text-harbor-200">{t('tryBody')}</p>
        <CommandBlock command="docker run hello-world" />
        <p className="leading-relaxed text-harbor-200">{t('afterBody')}</p>

        <h2 className="mt-10 text-lg font-semibold text-white">{t('nextTitle')}</h2>
        <p className="mt-3 leading-relaxed text-harbor-200">{t('nextBody')}</p>
        <CommandBlock command="docker ps -a" />
        <CommandBlock command="docker images" />
      </div>
    </article>
  );
}
