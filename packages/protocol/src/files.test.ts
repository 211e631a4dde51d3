import { describe, expect, it } from 'vitest';
import { FilePath, toHomePath } from './files';
import { SandboxWriteFileRequest } from './exec';

describe('home-relative paths', () => {
  it('accept what a learner names files, refuse ways out and garbage', () => {
    for (const ok of ['', 'Dockerfile', 'app/compose.yaml', '.bashrc', 'my notes/한글 파일.md', 'a..b', '...']) {
      expect(FilePath.safeParse(ok).success, ok).toBe(true);
    }
    for (const bad of ['/etc/passwd', '../x', 'a/../../x', 'a/..', './a', 'a//b', 'a/', 'a\nb', 'a\u0000b', 'x'.repeat(256), 'a/'.repeat(600)]) {
      expect(FilePath.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('turn typed paths into home-relative ones, or null outside the home', () => {
    expect(toHomePath('~/app//Dockerfile')).toBe('app/Dockerfile');
    expect(toHomePath('/home/learner/app/')).toBe('app');
    expect(toHomePath('./web/./index.html')).toBe('web/index.html');
    expect(toHomePath('~')).toBe('');
    expect(toHomePath('/etc/passwd')).toBeNull();
    expect(toHomePath('../x')).toBeNull();
    expect(toHomePath('/home/learnerx/a')).toBeNull();
  });

  it('writeFile takes text or bytes within the limit, and a version to match', () => {
    expect(SandboxWriteFileRequest.safeParse({ sessionId: 'session-aaaa', path: 'a.txt', content: 'x', ifMatch: '3:1795442849.738309481:15' }).success).toBe(true);
    expect(SandboxWriteFileRequest.safeParse({ sessionId: 'session-aaaa', path: 'a.bin', content: new Uint8Array(3), ifMatch: null }).success).toBe(true);
    expect(SandboxWriteFileRequest.safeParse({ sessionId: 'session-aaaa', path: '', content: 'x' }).success).toBe(false);
    expect(SandboxWriteFileRequest.safeParse({ sessionId: 'session-aaaa', path: 'a', content: new Uint8Array(10 * 1024 * 1024) }).success).toBe(false);
    expect(SandboxWriteFileRequest.safeParse({ sessionId: 'session-aaaa', path: 'a', content: 'x', ifMatch: 'garbage' }).success).toBe(false);
  });
});
