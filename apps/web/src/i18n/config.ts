/** Locales the site is written in. The first one is the fallback. */
export const locales = ['en', 'ko'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

/** Cookie that remembers the learner's choice from the language switcher. */
export const LOCALE_COOKIE = 'berth-locale';
export const LOCALE_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

/** Names shown in the switcher, each in its own language. */
export const localeNames: Record<Locale, string> = { en: 'English', ko: '한국어' };

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/**
 * Picks the locale from an Accept-Language header: languages are taken in order of
 * their q-value, and the first whose primary tag we support wins (ko, ko-KR -> ko;
 * en-GB -> en). Anything else falls back to English.
 */
export function localeFromAcceptLanguage(header: string | null | undefined): Locale {
  if (!header) return defaultLocale;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
      const q = qParam ? Number(qParam.slice(2)) : 1;
      return { primary: tag.trim().toLowerCase().split('-')[0] ?? '', q: Number.isFinite(q) ? q : 0, index };
    })
    .filter((entry) => entry.primary !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { primary } of ranked) {
    if (isLocale(primary)) return primary;
  }
  return defaultLocale;
}

/** The cookie wins when it holds a known locale; otherwise the browser's languages decide. */
export function resolveLocale(cookieValue: string | null | undefined, acceptLanguage: string | null | undefined): Locale {
  if (isLocale(cookieValue)) return cookieValue;
  return localeFromAcceptLanguage(acceptLanguage);
}
