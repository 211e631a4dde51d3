import { getLocale, getTranslations } from 'next-intl/server';
import { lessonOutline } from '@/content/lessons';
import { LessonProgressBadge } from './lesson/LessonProgressBadge';

export async function LessonList() {
  const [locale, t] = await Promise.all([getLocale(), getTranslations('Lessons')]);
  const lessons = lessonOutline();
  return (
    <section id="lessons" aria-labelledby="lessons-title" className="scroll-mt-20">
      <div className="mx-auto max-w-6xl px-5 py-16 sm:px-8">
        <h2 id="lessons-title" className="text-2xl font-bold text-white">
          {t('title')}
        </h2>
        <p className="mt-3 max-w-2xl text-harbor-200">{t('intro')}</p>
        <ol className="mt-10 grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="lesson-list">
          {lessons.map((lesson) => (
            <li
              key={lesson.slug}
              data-testid="lesson-card"
              className="flex flex-col rounded-xl border border-harbor-800 bg-harbor-900 p-5 transition-colors hover:border-harbor-600"
            >
              <div className="flex items-center justify-between gap-3">
                <span className="font-mono text-xs font-semibold tracking-wider text-sea-400 uppercase">
                  {t('lessonNumber', { number: lesson.number })}
                </span>
                <LessonProgressBadge lessonId={lesson.slug} total={lesson.steps} />
              </div>
              <h3 className="mt-3 text-lg font-semibold text-white">{lesson.title[locale]}</h3>
              <p className="mt-2 text-sm leading-relaxed text-harbor-300">{lesson.summary[locale]}</p>
              <p className="mt-3 text-xs text-harbor-400">{t('meta', { minutes: lesson.minutes, steps: lesson.steps })}</p>
              <div className="mt-auto pt-4">
                <a
                  href={`/lessons/${lesson.slug}`}
                  aria-label={t('startLabel', { number: lesson.number, title: lesson.title[locale] })}
                  data-testid="lesson-start"
                  className="inline-flex items-center gap-1.5 rounded-lg bg-sea-300/10 px-3.5 py-1.5 text-sm font-semibold text-sea-200 ring-1 ring-sea-300/30 transition-colors ring-inset hover:bg-sea-300 hover:text-harbor-950"
                >
                  {t('available')}
                  <span aria-hidden="true">→</span>
                </a>
              </div>
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
