import { describe, expect, it } from 'vitest';
import { localeFromAcceptLanguage, resolveLocale } from './config';

describe('localeFromAcceptLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['ko', 'ko'],
    ['ko-KR,ko;q=0.9,en-US;q=0.8,en;q=0.7', 'ko'],
    ['KO-kr', 'ko'],
    ['en-US,en;q=0.9', 'en'],
    ['en-US,ko;q=0.9', 'en'],
    ['fr-FR,fr;q=0.9', 'en'],
    ['fr-FR,ko;q=0.5', 'ko'],
    ['en;q=0.2,ko;q=0.8', 'ko'],
    ['ko;q=0,en', 'en'],
    ['*', 'en'],
  ])('%s -> %s', (header, expected) => {
    expect(localeFromAcceptLanguage(header)).toBe(expected);
  });
});

describe('resolveLocale', () => {
  it('prefers a valid cookie over the browser languages', () => {
    expect(resolveLocale('ko', 'en-US')).toBe('ko');
    expect(resolveLocale('en', 'ko-KR')).toBe('en');
  });

  it('ignores an unknown cookie value', () => {
    expect(resolveLocale('de', 'ko-KR')).toBe('ko');
    expect(resolveLocale('', 'en-US')).toBe('en');
  });
});
