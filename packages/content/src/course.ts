import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { imagesMadeBy, ImageCatalog, unknownImages } from './images';
import { actionsOf, readStepDoc, type StepDoc } from './markdown';
import { Problems, type Problem } from './problems';
import { LANGS, LessonManifest, type Lang, type StepEntry } from './schema';
import { parseYamlFile } from './yaml-file';

export interface StepText {
  /** The markdown as written (the player renders it). */
  markdown: string;
  doc: StepDoc;
  /** Repo-relative path, for messages. */
  file: string;
}

export interface Step extends StepEntry {
  texts: Record<Lang, StepText>;
  /** Script bodies (the agent runs them as the learner, after the check library). */
  check: string;
  setup: string | null;
  /** For a challenge: what the walkthrough runs instead of the text's commands. */
  solution: string | null;
}

export interface Lesson {
  manifest: LessonManifest;
  /** Absolute folder. */
  dir: string;
  intro: Record<Lang, { markdown: string; file: string }>;
  steps: Step[];
}

export interface Course {
  lessons: Lesson[];
  /** content/lib/check.sh: the functions every check and setup script may use. */
  checkLibrary: string;
  problems: Problem[];
}

export interface LoadOptions {
  /** The content folder (content/). */
  contentDir: string;
  /** infra/images, for the image catalog; left out, images are not checked. */
  imagesDir?: string;
  /** Run `bash -n` on scripts (content:check does; the web server need not). */
  syntaxCheck?: boolean;
}

const FOLDER = /^(\d{2})-([a-z0-9-]+)$/;

/** Reads the whole course, collecting every problem rather than stopping at the first. */
export function loadCourse(opts: LoadOptions): Course {
  const problems = new Problems();
  const repo = path.dirname(opts.contentDir);
  const rel = (p: string) => path.relative(repo, p);
  const lessonsDir = path.join(opts.contentDir, 'lessons');
  const catalog = opts.imagesDir ? ImageCatalog.load(opts.imagesDir) : null;
  const profilesDir = path.join(opts.contentDir, 'sandbox-profiles');
  const libFile = path.join(opts.contentDir, 'lib', 'check.sh');
  const checkLibrary = existsSync(libFile) ? readFileSync(libFile, 'utf8') : '';
  if (!checkLibrary) problems.add(rel(libFile), undefined, 'the check library is missing');

  const lessons: Lesson[] = [];
  const folders = existsSync(lessonsDir) ? readdirSync(lessonsDir).filter((f) => statSync(path.join(lessonsDir, f)).isDirectory()).sort() : [];
  for (const folder of folders) {
    const dir = path.join(lessonsDir, folder);
    const manifestFile = path.join(dir, 'lesson.yaml');
    const m = FOLDER.exec(folder);
    if (!m) {
      problems.add(rel(dir), undefined, 'a lesson folder is named <two-digit order>-<lesson id>, e.g. 03-first-steps');
      continue;
    }
    if (!existsSync(manifestFile)) {
      problems.add(rel(manifestFile), undefined, 'missing: every lesson folder needs a lesson.yaml');
      continue;
    }
    const manifest = parseYamlFile(readFileSync(manifestFile, 'utf8'), LessonManifest, rel(manifestFile), problems);
    if (!manifest) continue;
    if (manifest.id !== m[2] || manifest.order !== Number(m[1]))
      problems.add(rel(manifestFile), 1, `the folder name "${folder}" must be "${String(manifest.order).padStart(2, '0')}-${manifest.id}" (order and id)`);
    if (!existsSync(path.join(profilesDir, `${manifest.profile}.json`)))
      problems.add(rel(manifestFile), 1, `profile "${manifest.profile}" is not in content/sandbox-profiles`);
    const lesson = readLesson(dir, manifest, { problems, rel, syntaxCheck: opts.syntaxCheck ?? false });
    if (lesson) lessons.push(lesson);
  }

  crossCheck(lessons, catalog, problems, rel);
  return { lessons: lessons.sort((a, b) => a.manifest.order - b.manifest.order), checkLibrary, problems: problems.list };
}

interface Ctx {
  problems: Problems;
  rel: (p: string) => string;
  syntaxCheck: boolean;
}

function readText(file: string, ctx: Ctx, what: string): string | null {
  if (!existsSync(file)) {
    ctx.problems.add(ctx.rel(file), undefined, `missing ${what}`);
    return null;
  }
  const text = readFileSync(file, 'utf8');
  if (text.includes('\r')) ctx.problems.add(ctx.rel(file), 1, 'use Unix line endings (LF), not CRLF');
  return text;
}

/** A script must exist (unless optional), be executable, start with a bash shebang and parse. */
function readScript(file: string, ctx: Ctx, optional: boolean): string | null {
  if (!existsSync(file)) {
    if (!optional) ctx.problems.add(ctx.rel(file), undefined, 'missing: every step needs a check script');
    return null;
  }
  const text = readText(file, ctx, 'script');
  if (text === null) return null;
  if ((statSync(file).mode & 0o111) === 0) ctx.problems.add(ctx.rel(file), undefined, `not executable (chmod +x ${ctx.rel(file)})`);
  if (!text.startsWith('#!/bin/bash') && !text.startsWith('#!/usr/bin/env bash'))
    ctx.problems.add(ctx.rel(file), 1, 'start the script with #!/bin/bash');
  if (ctx.syntaxCheck) {
    try {
      execFileSync('bash', ['-n', file], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      const stderr = String((err as { stderr?: Buffer }).stderr ?? '');
      for (const line of stderr.split('\n').filter(Boolean)) {
        const lm = /line (\d+): (.*)$/.exec(line);
        ctx.problems.add(ctx.rel(file), lm ? Number(lm[1]) : undefined, `bash: ${lm ? lm[2] : line}`);
      }
    }
  }
  return text;
}

function readLesson(dir: string, manifest: LessonManifest, ctx: Ctx): Lesson | null {
  const intro = {} as Lesson['intro'];
  for (const lang of LANGS) {
    const file = path.join(dir, `intro.${lang}.md`);
    intro[lang] = { markdown: readText(file, ctx, `translation: the lesson's introduction in ${lang}`) ?? '', file: ctx.rel(file) };
  }
  const stepsDir = path.join(dir, 'steps');
  const listed = new Set(manifest.steps.map((s) => s.id));
  const seen = new Set<string>();
  for (const s of manifest.steps) {
    if (seen.has(s.id)) ctx.problems.add(ctx.rel(path.join(dir, 'lesson.yaml')), undefined, `step "${s.id}" is listed twice`);
    seen.add(s.id);
  }
  if (existsSync(stepsDir))
    for (const f of readdirSync(stepsDir))
      if (!listed.has(f)) ctx.problems.add(ctx.rel(path.join(stepsDir, f)), undefined, `step folder "${f}" is not listed in lesson.yaml`);

  const steps: Step[] = [];
  for (const entry of manifest.steps) {
    const sdir = path.join(stepsDir, entry.id);
    const texts = {} as Step['texts'];
    for (const lang of LANGS) {
      const file = path.join(sdir, `${lang}.md`);
      const markdown = readText(file, ctx, `translation: step "${entry.id}" in ${lang} (${lang}.md)`) ?? '';
      texts[lang] = { markdown, doc: readStepDoc(markdown, ctx.rel(file), ctx.problems), file: ctx.rel(file) };
    }
    const check = readScript(path.join(sdir, 'check.sh'), ctx, false);
    const setup = readScript(path.join(sdir, 'setup.sh'), ctx, true);
    const solution = readScript(path.join(sdir, 'solution.sh'), ctx, true);
    steps.push({ ...entry, texts, check: check ?? '', setup, solution });
  }
  return { manifest, dir, intro, steps };
}

/** What can only be checked with the whole course in hand, or across languages. */
function crossCheck(lessons: Lesson[], catalog: ImageCatalog | null, problems: Problems, rel: (p: string) => string): void {
  const ids = new Map<string, Lesson>();
  const orders = new Map<number, Lesson>();
  for (const lesson of lessons) {
    const file = rel(path.join(lesson.dir, 'lesson.yaml'));
    const { id, order } = lesson.manifest;
    if (ids.has(id)) problems.add(file, 1, `lesson id "${id}" is used twice`);
    if (orders.has(order)) problems.add(file, 1, `order ${order} is used twice`);
    ids.set(id, lesson);
    orders.set(order, lesson);
  }
  for (const lesson of lessons) {
    const file = rel(path.join(lesson.dir, 'lesson.yaml'));
    for (const p of lesson.manifest.prerequisites) if (!ids.has(p)) problems.add(file, undefined, `prerequisite "${p}" is not a lesson`);

    const all = lesson.steps.flatMap((s) => LANGS.flatMap((l) => s.texts[l].doc.blocks));
    const made = imagesMadeBy(all);
    for (const step of lesson.steps) {
      const [en, ko] = [step.texts.en, step.texts.ko];
      const a = actionsOf(en.doc);
      const b = actionsOf(ko.doc);
      if (a.join('\n\0') !== b.join('\n\0')) {
        const i = a.findIndex((x, k) => x !== b[k]);
        const blocks = (t: StepText) => t.doc.blocks.filter((bl) => bl.kind === 'run' || bl.kind === 'file');
        const line = blocks(ko)[i]?.line ?? blocks(ko).at(-1)?.line;
        problems.add(ko.file, line, `the commands and files must be the same in every language (block ${i + 1} differs from ${en.file})`);
      }
      if (a.length === 0 && !step.solution)
        problems.add(en.file, 1, 'the step has no ```sh run or file= block, and no solution.sh: the walkthrough would have nothing to do');
      const hints = LANGS.map((l) => step.texts[l].doc.blocks.filter((bl) => bl.kind === 'hint').length);
      if (hints[0] !== hints[1]) problems.add(ko.file, undefined, `${hints[1]} hints here, ${hints[0]} in ${en.file}: translate every hint`);
      for (const lang of LANGS) {
        const text = step.texts[lang];
        for (const link of text.doc.links) {
          const lm = /^\/lessons\/([a-z0-9-]+)/.exec(link.url);
          if (lm && !ids.has(lm[1]!)) problems.add(text.file, link.line, `broken link: no lesson "${lm[1]}"`);
          else if (!lm && !/^(https?:|mailto:|#)/.test(link.url)) problems.add(text.file, link.line, `broken link "${link.url}": link lessons as /lessons/<id>`);
        }
        if (catalog)
          for (const u of unknownImages(text.doc.blocks, catalog, made))
            problems.add(text.file, u.line, `unknown image "${u.ref}": not in the offline catalog (infra/images) and not built by this lesson`);
      }
    }
  }
}
