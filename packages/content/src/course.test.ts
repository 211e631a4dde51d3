import { chmodSync, cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { formatProblem, loadCourse } from './index';

const REPO = path.resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];

/** A copy of the real content/ (lesson 1 and the library) in a temp repo, to break on purpose. */
function fixture(): { content: string; lesson: string; load(): string[] } {
  const repo = mkdtempSync(path.join(tmpdir(), 'berth-content-'));
  dirs.push(repo);
  const content = path.join(repo, 'content');
  cpSync(path.join(REPO, 'content/lib'), path.join(content, 'lib'), { recursive: true });
  cpSync(path.join(REPO, 'content/sandbox-profiles'), path.join(content, 'sandbox-profiles'), { recursive: true });
  cpSync(path.join(REPO, 'content/lessons/01-why-containers'), path.join(content, 'lessons/01-why-containers'), { recursive: true });
  const lesson = path.join(content, 'lessons/01-why-containers');
  return {
    content,
    lesson,
    load: () =>
      loadCourse({ contentDir: content, imagesDir: path.join(REPO, 'infra/images'), syntaxCheck: true }).problems.map(formatProblem),
  };
}

const edit = (file: string, change: (s: string) => string) => writeFileSync(file, change(readFileSync(file, 'utf8')));

afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('loadCourse', () => {
  it('reads a good lesson with no problem', () => {
    const f = fixture();
    expect(f.load()).toEqual([]);
    const course = loadCourse({ contentDir: f.content });
    const lesson = course.lessons[0]!;
    expect(lesson.manifest.id).toBe('why-containers');
    expect(lesson.steps.map((s) => s.id)).toEqual(['same-kernel', 'startup-time']);
    const blocks = lesson.steps[0]!.texts.en.doc.blocks;
    expect(blocks.filter((b) => b.kind === 'run').map((b) => b.text)).toEqual(['uname -r', 'docker run --rm debian uname -r']);
    expect(blocks.filter((b) => b.kind === 'hint')).toHaveLength(2);
  });

  it('reports a schema error in lesson.yaml on its line', () => {
    const f = fixture();
    edit(path.join(f.lesson, 'lesson.yaml'), (s) => s.replace('minutes: 15', 'minutes: lots'));
    const problems = f.load();
    const line = readFileSync(path.join(f.lesson, 'lesson.yaml'), 'utf8').split('\n').findIndex((l) => l.startsWith('minutes:')) + 1;
    expect(problems).toEqual([expect.stringMatching(new RegExp(`^content/lessons/01-why-containers/lesson.yaml:${line}: minutes: `))]);
  });

  it('reports a YAML syntax error with its line', () => {
    const f = fixture();
    edit(path.join(f.lesson, 'lesson.yaml'), (s) => s.replace('order: 1', 'order: 1\n  bad: [unclosed'));
    expect(f.load()[0]).toMatch(/lesson.yaml:\d+: YAML: /);
  });

  it('reports a missing translation, a missing check, and a check that is not executable', () => {
    const f = fixture();
    rmSync(path.join(f.lesson, 'steps/same-kernel/ko.md'));
    chmodSync(path.join(f.lesson, 'steps/startup-time/check.sh'), 0o644);
    const problems = f.load();
    expect(problems).toContain('content/lessons/01-why-containers/steps/same-kernel/ko.md: missing translation: step "same-kernel" in ko (ko.md)');
    expect(problems).toContain(
      'content/lessons/01-why-containers/steps/startup-time/check.sh: not executable (chmod +x content/lessons/01-why-containers/steps/startup-time/check.sh)',
    );
    rmSync(path.join(f.lesson, 'steps/startup-time/check.sh'));
    expect(f.load()).toContain('content/lessons/01-why-containers/steps/startup-time/check.sh: missing: every step needs a check script');
  });

  it('reports a bash syntax error in a check with its line', () => {
    const f = fixture();
    edit(path.join(f.lesson, 'steps/same-kernel/check.sh'), (s) => `${s}if true; then\n`);
    expect(f.load().join('\n')).toMatch(/steps\/same-kernel\/check.sh:\d+: bash: syntax error/);
  });

  it('reports an unknown image with the line of its block, and a broken link', () => {
    const f = fixture();
    edit(path.join(f.lesson, 'steps/same-kernel/en.md'), (s) => s.replace('docker run --rm debian uname -r', 'docker run --rm -e A=1 ubuntu:99 uname -r'));
    edit(path.join(f.lesson, 'steps/same-kernel/ko.md'), (s) => `${s.replace('docker run --rm debian uname -r', 'docker run --rm -e A=1 ubuntu:99 uname -r')}\n[다음](/lessons/nope)\n`);
    const problems = f.load();
    const line = readFileSync(path.join(f.lesson, 'steps/same-kernel/en.md'), 'utf8').split('\n').findIndex((l) => l.includes('ubuntu:99'));
    expect(problems).toContain(
      `content/lessons/01-why-containers/steps/same-kernel/en.md:${line}: unknown image "ubuntu:99": not in the offline catalog (infra/images) and not built by this lesson`,
    );
    expect(problems.some((p) => /ko\.md:\d+: broken link: no lesson "nope"/.test(p))).toBe(true);
  });

  it('insists that every language runs the same commands', () => {
    const f = fixture();
    edit(path.join(f.lesson, 'steps/startup-time/ko.md'), (s) => s.replace('time docker run --rm debian true', 'time docker run --rm debian false'));
    expect(f.load()).toEqual([expect.stringMatching(/steps\/startup-time\/ko\.md:\d+: the commands and files must be the same in every language \(block 1 differs/)]);
  });

  it('reports an unknown word in a block info string', () => {
    const f = fixture();
    for (const lang of ['en', 'ko'])
      edit(path.join(f.lesson, `steps/same-kernel/${lang}.md`), (s) => s.replace('```sh run\nuname -r', '```sh run please\nuname -r'));
    expect(f.load()).toContainEqual(expect.stringMatching(/en\.md:\d+: unknown word "please" after ```sh run/));
  });
});
