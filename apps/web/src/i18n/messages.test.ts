import { describe, expect, it } from 'vitest';
import en from '../../messages/en.json';
import ko from '../../messages/ko.json';

/** Every leaf key as a dotted path, e.g. "Home.title". */
function leafKeys(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => leafKeys(child, prefix ? `${prefix}.${key}` : key));
}

/** ICU placeholders such as {version} used by one message. */
function placeholders(message: string): string[] {
  return [...message.matchAll(/\{\s*([A-Za-z0-9_]+)/g)].map((m) => m[1] ?? '').sort();
}

function lookup(messages: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], messages);
}

describe('messages', () => {
  const enKeys = leafKeys(en).sort();
  const koKeys = leafKeys(ko).sort();

  it('en.json and ko.json have exactly the same keys', () => {
    expect(koKeys.filter((k) => !enKeys.includes(k)), 'keys only in ko.json').toEqual([]);
    expect(enKeys.filter((k) => !koKeys.includes(k)), 'keys only in en.json').toEqual([]);
  });

  it('no message is empty and both languages use the same placeholders', () => {
    for (const key of enKeys) {
      const enMessage = lookup(en, key);
      const koMessage = lookup(ko, key);
      expect(typeof enMessage, key).toBe('string');
      expect(typeof koMessage, key).toBe('string');
      expect((enMessage as string).trim(), key).not.toBe('');
      expect((koMessage as string).trim(), key).not.toBe('');
      expect(placeholders(koMessage as string), key).toEqual(placeholders(enMessage as string));
    }
  });

  it('the Korean file is actually Korean', () => {
    expect(lookup(ko, 'Home.pitch')).toMatch(/[가-힣]/);
  });
});
