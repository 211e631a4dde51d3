import { getLocale, getTranslations } from 'next-intl/server';
import { setLocale } from '@/i18n/actions';
import { localeNames, type Locale } from '@/i18n/config';

/**
 * Two buttons in one form posting to a server action that sets the `berth-locale`
 * cookie; Next then re-renders the page in the chosen language. No client JavaScript
 * of its own, and it still works before hydration.
 */
export async function LanguageSwitcher() {
  const [locale, t] = await Promise.all([getLocale(), getTranslations('Header')]);
  // Korean first: the course is written for Korean readers as much as English ones.
  const ordered: readonly Locale[] = ['ko', 'en'];
  return (
    <form action={setLocale}>
      <div
        role="group"
        aria-label={t('language')}
        className="flex rounded-full border border-harbor-700 bg-harbor-900/80 p-1 text-sm"
      >
        {ordered.map((option) => {
          const active = option === locale;
          return (
            <button
              key={option}
              type="submit"
              name="locale"
              value={option}
              lang={option}
              aria-pressed={active}
              data-testid={`locale-${option}`}
              className={
                active
                  ? 'rounded-full bg-sea-300 px-3 py-1 font-semibold text-harbor-950'
                  : 'cursor-pointer rounded-full px-3 py-1 text-harbor-200 transition-colors hover:bg-harbor-800 hover:text-white'
              }
            >
              {localeNames[option]}
            </button>
          );
        })}
      </div>
    </form>
  );
}
