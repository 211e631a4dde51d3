import type { Locale } from './config';

export async function loadMessages(locale: Locale) {
  switch (locale) {
    case 'ko':
      return (await import('../../messages/ko.json')).default;
    case 'en':
      return (await import('../../messages/en.json')).default;
  }
}
