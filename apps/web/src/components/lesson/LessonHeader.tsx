import { getTranslations } from 'next-intl/server';
import { LanguageSwitcher } from '@/components/LanguageSwitcher';
import { LogoMark } from '@/components/Logo';

/** A slim header for the lesson screen: home, the way back to the course, the language. */
export async function LessonHeader({ number, title }: { number: number; title: string }) {
  const [t, th] = await Promise.all([getTranslations('Lesson'), getTranslations('Header')]);
  return (
    <header className="flex h-14 shrink-0 items-center gap-3 border-b border-harbor-800 bg-harbor-950 px-3 sm:px-4">
      <a href="/" aria-label={th('home')} className="shrink-0 rounded-md">
        <LogoMark className="size-8" />
      </a>
      <nav aria-label={t('backToLessons')} className="min-w-0 flex-1">
        <ol className="flex min-w-0 items-center gap-2 text-sm">
          <li className="hidden shrink-0 sm:block">
            <a href="/#lessons" className="rounded text-harbor-300 transition-colors hover:text-white">
              {t('backToLessons')}
            </a>
          </li>
          <li aria-hidden="true" className="hidden text-harbor-600 sm:block">
            /
          </li>
          <li className="flex min-w-0 items-baseline gap-2" aria-current="page">
            <span className="shrink-0 font-mono text-xs font-semibold tracking-wider text-sea-400 uppercase">
              {t('lessonNumber', { number })}
            </span>
            <span className="truncate font-semibold text-white">{title}</span>
          </li>
        </ol>
      </nav>
      <LanguageSwitcher />
    </header>
  );
}
