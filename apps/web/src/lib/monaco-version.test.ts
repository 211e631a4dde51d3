import { describe, expect, it } from 'vitest';
import { MONACO_PREFIX, MONACO_VERSION as installed } from '../server/http/monaco-static';
import { MONACO_VERSION } from './monaco-version';

describe('Monaco', () => {
  it('the page asks for the version that is installed (and served)', () => {
    expect(MONACO_VERSION).toBe(installed);
    expect(MONACO_PREFIX).toBe(`/_berth/monaco/${MONACO_VERSION}/vs/`);
  });
});
