import type { Locale } from './config';
import type messages from '../../messages/en.json';

// Typed keys for useTranslations / getTranslations (next-intl's AppConfig).
declare module 'next-intl' {
  interface AppConfig {
    Locale: Locale;
    Messages: typeof messages;
  }
}
