'use client';

import { useTranslations } from 'next-intl';
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { LessonCheckResult } from '@berth/protocol';
import { useWorkspace } from '@/components/workspace/WorkspaceContext';
import { useWorkspaceFiles, useWorkspaceLayout, type LayoutPreset } from '@/components/workspace/workspace-state';
import { toLearnerError } from '@/client/errors';
import { clearProgress, loadProgress, saveProgress, type LessonProgress } from '@/lib/progress';
import { LessonPlayerContext, type FileState, type LessonPlayerActions } from './player-context';
import { Quiz, type QuizItem } from './Quiz';

export interface PlayerStep {
  id: string;
  title: string;
  hasSetup: boolean;
  /** The workspace layout the step opens with (null: the learner's own). */
  layout?: LayoutPreset | null;
  /** The step's text, rendered on the server. */
  body: ReactNode;
  hints: ReactNode[];
}

export interface LessonPlayerProps {
  lessonId: string;
  lang: 'en' | 'ko';
  number: number;
  title: string;
  summary: string;
  intro: ReactNode;
  steps: PlayerStep[];
  quiz: QuizItem[];
  next: { slug: string; title: string } | null;
}

type CheckState =
  | { kind: 'idle' }
  | { kind: 'checking'; auto: boolean }
  | { kind: 'result'; result: LessonCheckResult; auto: boolean }
  | { kind: 'error'; message: string };

/** After a command finishes, wait this long for more before checking (a pasted block runs several). */
const AUTO_CHECK_DELAY_MS = 700;

function CheckIcon({ className = 'size-3.5' }: { className?: string }) {
  return (
    <svg viewBox="0 0 16 16" fill="none" aria-hidden="true" className={className}>
      <path d="M3.5 8.5l3 3 6-7" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/**
 * A lesson, step by step: the text of the open step, its check (on request and,
 * quietly, after each command), hints one at a time, progress kept in this browser,
 * then the quiz and the way on.
 */
export function LessonPlayer(props: LessonPlayerProps) {
  const { lessonId, lang, steps } = props;
  const t = useTranslations('Player');
  const tl = useTranslations('Lesson');
  const ws = useWorkspace();
  const workspaceFiles = useWorkspaceFiles();
  const workspaceLayout = useWorkspaceLayout();
  const [progress, setProgress] = useState<LessonProgress>({ done: [], quiz: {} });
  const [loaded, setLoaded] = useState(false);
  const [check, setCheck] = useState<CheckState>({ kind: 'idle' });
  const [hintsShown, setHintsShown] = useState<Record<string, number>>({});
  const [files, setFiles] = useState<Record<string, FileState>>({});
  const [setup, setSetup] = useState<{ kind: 'busy' } | { kind: 'error'; message: string } | null>(null);
  const setupDone = useRef(new Set<string>());
  const stepRefs = useRef(new Map<string, HTMLElement>());

  useEffect(() => {
    const saved = loadProgress(lessonId);
    // Open where the learner left off (or the first step not done); a step that
    // gets done stays open, with its success and the way on, until they move.
    const first = steps.find((s) => !saved.done.includes(s.id)) ?? steps[0]!;
    setProgress(saved.active && steps.some((s) => s.id === saved.active) ? saved : { ...saved, active: first.id });
    setLoaded(true);
  }, [lessonId, steps]);

  const update = useCallback(
    (change: (p: LessonProgress) => LessonProgress) => {
      setProgress((p) => {
        const next = change(p);
        saveProgress(lessonId, next);
        return next;
      });
    },
    [lessonId],
  );

  const done = useMemo(() => new Set(progress.done), [progress.done]);
  const activeId = progress.active && steps.some((s) => s.id === progress.active) ? progress.active : (steps.find((s) => !done.has(s.id))?.id ?? steps[0]!.id);
  const activeIndex = steps.findIndex((s) => s.id === activeId);
  const active = steps[activeIndex]!;

  // A step may open the workspace in a layout of its own (once, when it opens).
  const laidOut = useRef<string | null>(null);
  const { setPreset } = workspaceLayout;
  useEffect(() => {
    if (!loaded || laidOut.current === active.id) return;
    laidOut.current = active.id;
    if (active.layout) setPreset(active.layout);
  }, [active.id, active.layout, loaded, setPreset]);
  const allDone = steps.every((s) => done.has(s.id));

  const connection = ws.phase.kind === 'live' ? ws.phase.connection : null;
  const ready = connection !== null && ws.view?.state === 'ready' && ws.status === 'online' && !ws.resetting && !ws.ended;
  const sessionId = ws.view?.sessionId ?? null;

  const open = useCallback(
    (id: string) => {
      update((p) => ({ ...p, active: id }));
      setCheck({ kind: 'idle' });
      requestAnimationFrame(() => stepRefs.current.get(id)?.scrollIntoView({ block: 'start', behavior: 'smooth' }));
    },
    [update],
  );

  // ---- checks

  const runCheck = useCallback(
    async (auto: boolean) => {
      if (!connection || !ready) {
        if (!auto) setCheck({ kind: 'error', message: t('needSandbox') });
        return;
      }
      const stepId = active.id;
      setCheck((c) => (auto && c.kind === 'result' && !c.auto ? c : { kind: 'checking', auto }));
      try {
        const result = await connection.checkStep(stepId, lang);
        if (result.passed) update((p) => (p.done.includes(stepId) ? p : { ...p, done: [...p.done, stepId] }));
        // A quiet check that fails says nothing new: the learner is still working.
        setCheck((c) => (auto && !result.passed ? (c.kind === 'checking' ? { kind: 'idle' } : c) : { kind: 'result', result, auto }));
      } catch (error) {
        if (auto) setCheck((c) => (c.kind === 'checking' ? { kind: 'idle' } : c));
        else setCheck({ kind: 'error', message: t('checkFailed', { message: toLearnerError(error).message }) });
      }
    },
    [active.id, connection, lang, ready, t, update],
  );

  // After each command the learner runs, check the open step quietly (unless done).
  const activeDone = done.has(active.id);
  useEffect(() => {
    if (activeDone) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const off = ws.onCommandDone(() => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => void runCheck(true), AUTO_CHECK_DELAY_MS);
    });
    return () => {
      off();
      if (timer) clearTimeout(timer);
    };
  }, [activeDone, runCheck, ws]);

  // ---- setup scripts: once per session and step, when the step is opened

  useEffect(() => {
    if (!ready || !connection || !sessionId || !active.hasSetup || activeDone) return;
    const key = `${sessionId}/${active.id}`;
    if (setupDone.current.has(key)) return;
    setupDone.current.add(key);
    setSetup({ kind: 'busy' });
    connection.setupStep(active.id, lang).then(
      () => setSetup(null),
      (error: unknown) => {
        setupDone.current.delete(key);
        setSetup({ kind: 'error', message: toLearnerError(error).message });
      },
    );
  }, [active.hasSetup, active.id, activeDone, connection, lang, ready, sessionId]);

  // A reset gives a fresh sandbox: steps must be prepared again.
  useEffect(() => {
    if (ws.resetting) setupDone.current.clear();
  }, [ws.resetting]);

  // ---- files

  const actions: LessonPlayerActions = useMemo(
    () => ({
      fileState: (stepId, path) => files[`${stepId}/${path}`],
      createFile: (stepId, path) => {
        const key = `${stepId}/${path}`;
        if (!connection || !ready) {
          setFiles((f) => ({ ...f, [key]: { kind: 'error', message: t('needSandbox') } }));
          return;
        }
        setFiles((f) => ({ ...f, [key]: { kind: 'busy' } }));
        connection.createLessonFile(stepId, lang, path).then(
          () => {
            setFiles((f) => ({ ...f, [key]: { kind: 'ok', message: t('created', { path }) } }));
            // The file opens in the editor (shown at the version just written).
            void workspaceFiles?.open(path);
            if (!done.has(stepId)) void runCheck(true);
          },
          (error: unknown) =>
            setFiles((f) => ({ ...f, [key]: { kind: 'error', message: t('createFailed', { message: toLearnerError(error).message }) } })),
        );
      },
    }),
    [connection, done, files, lang, ready, runCheck, t, workspaceFiles],
  );

  const hintCount = hintsShown[active.id] ?? 0;

  return (
    <LessonPlayerContext.Provider value={actions}>
      <article aria-labelledby="lesson-title" className="h-full overflow-y-auto bg-harbor-950" data-testid="lesson-text">
        <div className="mx-auto max-w-2xl px-5 py-8 sm:px-8 lg:py-10">
          <p className="font-mono text-xs font-semibold tracking-wider text-sea-400 uppercase">{tl('lessonNumber', { number: props.number })}</p>
          <h1 id="lesson-title" className="mt-2 text-2xl font-bold tracking-tight text-balance text-white sm:text-3xl">
            {props.title}
          </h1>
          <p className="mt-3 text-lg leading-relaxed text-harbor-200">{props.summary}</p>

          <div className="mt-6" data-testid="lesson-progress-bar">
            <div className="flex items-center justify-between text-xs text-harbor-300">
              <span data-testid="progress-text">{t('progress', { done: progress.done.filter((id) => steps.some((s) => s.id === id)).length, total: steps.length })}</span>
            </div>
            <div className="mt-2 flex gap-1" aria-hidden="true">
              {steps.map((s) => (
                <span key={s.id} className={`h-1.5 flex-1 rounded-full ${done.has(s.id) ? 'bg-sea-400' : s.id === activeId ? 'bg-harbor-500' : 'bg-harbor-800'}`} />
              ))}
            </div>
          </div>

          <section aria-labelledby="intro-title" className="mt-8" data-testid="lesson-intro">
            <h2 id="intro-title" className="sr-only">
              {t('introTitle')}
            </h2>
            {props.intro}
          </section>

          <ol className="mt-10 space-y-3" data-testid="steps">
            {steps.map((step, i) => {
              const isActive = step.id === activeId;
              const isDone = done.has(step.id);
              return (
                <li
                  key={step.id}
                  ref={(el) => {
                    if (el) stepRefs.current.set(step.id, el);
                  }}
                  data-testid="step"
                  data-step-id={step.id}
                  data-done={isDone}
                  data-active={isActive}
                  className={`scroll-mt-4 rounded-xl border ${isActive ? 'border-harbor-600 bg-harbor-900' : 'border-harbor-800 bg-harbor-900/40'}`}
                >
                  <h2>
                    <button
                      type="button"
                      aria-expanded={isActive}
                      onClick={() => open(step.id)}
                      className="flex w-full cursor-pointer items-center gap-3 px-4 py-3 text-left"
                      data-testid="step-header"
                    >
                      <span
                        className={`grid size-7 shrink-0 place-items-center rounded-full text-xs font-bold ${
                          isDone ? 'bg-sea-400 text-harbor-950' : isActive ? 'bg-harbor-600 text-white' : 'bg-harbor-800 text-harbor-300'
                        }`}
                      >
                        {isDone ? <CheckIcon /> : i + 1}
                      </span>
                      <span className="min-w-0 flex-1">
                        <span className="block font-mono text-[11px] tracking-wider text-harbor-400 uppercase">
                          {t('stepNumber', { number: i + 1 })}
                          {isDone ? <span className="ml-2 text-sea-300">· {t('stepDone')}</span> : null}
                        </span>
                        <span className={`block font-semibold ${isActive ? 'text-white' : 'text-harbor-200'}`}>{step.title}</span>
                      </span>
                    </button>
                  </h2>
                  {/* Without JavaScript every step is readable; with it, only the open one. */}
                  <div className={loaded && !isActive ? 'hidden' : 'border-t border-harbor-800 px-4 pb-4'} data-testid="step-body">
                    {step.body}
                    {isActive ? (
                      <StepFooter
                        check={check}
                        setup={setup}
                        done={isDone}
                        ready={ready}
                        hints={step.hints}
                        hintCount={hintCount}
                        onHint={() => setHintsShown((h) => ({ ...h, [step.id]: hintCount + 1 }))}
                        onCheck={() => void runCheck(false)}
                        onPrevious={i > 0 ? () => open(steps[i - 1]!.id) : null}
                        onNext={i < steps.length - 1 ? () => open(steps[i + 1]!.id) : null}
                      />
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ol>

          {props.quiz.length ? (
            <Quiz
              items={props.quiz}
              answers={progress.quiz}
              onAnswer={(question, choice) => update((p) => ({ ...p, quiz: { ...p.quiz, [question]: choice } }))}
            />
          ) : null}

          {loaded && allDone ? (
            <section className="mt-10 rounded-xl border border-sea-400/40 bg-sea-300/10 p-5" data-testid="lesson-complete" aria-live="polite">
              <h2 className="flex items-center gap-2 text-lg font-semibold text-white">
                <CheckIcon className="size-5 text-sea-300" />
                {t('completeTitle')}
              </h2>
              <p className="mt-2 text-harbor-200">{t('completeBody')}</p>
              <div className="mt-4 flex flex-wrap gap-3">
                {props.next ? (
                  <a
                    href={`/lessons/${props.next.slug}`}
                    data-testid="next-lesson"
                    className="rounded-lg bg-sea-300 px-4 py-2 text-sm font-semibold text-harbor-950 hover:bg-sea-200"
                  >
                    {t('nextLesson', { title: props.next.title })} →
                  </a>
                ) : null}
                <a href="/#lessons" className="rounded-lg border border-harbor-600 px-4 py-2 text-sm font-semibold text-harbor-100 hover:border-sea-400">
                  {t('backToCourse')}
                </a>
              </div>
            </section>
          ) : null}

          {loaded && progress.done.length ? (
            <p className="mt-10 text-center">
              <button
                type="button"
                className="cursor-pointer text-xs text-harbor-400 underline underline-offset-2 hover:text-harbor-200"
                onClick={() => {
                  clearProgress(lessonId);
                  setProgress({ done: [], quiz: {} });
                  setCheck({ kind: 'idle' });
                }}
              >
                {t('resetProgress')}
              </button>
            </p>
          ) : null}
        </div>
      </article>
    </LessonPlayerContext.Provider>
  );
}

function StepFooter(props: {
  check: CheckState;
  setup: { kind: 'busy' } | { kind: 'error'; message: string } | null;
  done: boolean;
  ready: boolean;
  hints: ReactNode[];
  hintCount: number;
  onHint(): void;
  onCheck(): void;
  onPrevious: (() => void) | null;
  onNext: (() => void) | null;
}) {
  const t = useTranslations('Player');
  const { check, setup, done } = props;
  return (
    <div className="mt-5 space-y-4">
      {setup ? (
        <p role="status" data-testid="step-setup" className={`rounded-lg px-3 py-2 text-sm ${setup.kind === 'busy' ? 'bg-harbor-800 text-harbor-200' : 'bg-red-400/10 text-red-200'}`}>
          {setup.kind === 'busy' ? t('settingUp') : t('setupFailed', { message: setup.message })}
        </p>
      ) : null}

      {props.hints.slice(0, props.hintCount).map((hint, i) => (
        <div key={i} className="rounded-lg border border-sand-300/30 bg-sand-300/5 px-4 py-1 text-sm" data-testid="hint">
          <p className="mt-2 font-mono text-[11px] tracking-wider text-sand-200 uppercase">{t('hintNumber', { number: i + 1 })}</p>
          {hint}
        </div>
      ))}

      <div aria-live="polite" data-testid="check-result" data-state={done ? 'done' : check.kind === 'result' ? (check.result.passed ? 'passed' : 'failed') : check.kind}>
        {done ? (
          <p className="flex items-center gap-2 rounded-lg bg-sea-300/10 px-3 py-2 text-sm font-medium text-sea-100">
            <CheckIcon className="size-4 text-sea-300" />
            {t('passed')}
          </p>
        ) : check.kind === 'result' && !check.result.passed ? (
          <div className="rounded-lg border border-sand-300/30 bg-sand-300/5 px-3 py-2 text-sm">
            <p className="font-semibold text-sand-100">{t('notYet')}</p>
            {check.result.message ? <p className="mt-1 whitespace-pre-line text-harbor-200">{check.result.message}</p> : null}
          </div>
        ) : check.kind === 'error' ? (
          <p className="rounded-lg bg-red-400/10 px-3 py-2 text-sm text-red-200">{check.message}</p>
        ) : null}
      </div>

      <div className="flex flex-wrap items-center gap-2">
        {!done ? (
          <button
            type="button"
            onClick={props.onCheck}
            disabled={check.kind === 'checking' && !check.auto}
            data-testid="check"
            className="cursor-pointer rounded-lg bg-sea-300 px-3.5 py-1.5 text-sm font-semibold text-harbor-950 hover:bg-sea-200 disabled:cursor-wait disabled:opacity-70"
          >
            {check.kind === 'checking' && !check.auto ? t('checking') : t('check')}
          </button>
        ) : null}
        {props.hintCount < props.hints.length && !done ? (
          <button
            type="button"
            onClick={props.onHint}
            data-testid="show-hint"
            className="cursor-pointer rounded-lg border border-harbor-600 px-3.5 py-1.5 text-sm font-semibold text-harbor-100 hover:border-sand-300"
          >
            {props.hintCount === 0 ? t('hint') : t('nextHint')}
          </button>
        ) : null}
        <span className="flex-1" />
        {props.onPrevious ? (
          <button type="button" onClick={props.onPrevious} className="cursor-pointer rounded-lg px-3 py-1.5 text-sm text-harbor-300 hover:text-white">
            ← {t('previous')}
          </button>
        ) : null}
        {props.onNext ? (
          <button
            type="button"
            onClick={props.onNext}
            data-testid="next-step"
            className={`cursor-pointer rounded-lg px-3.5 py-1.5 text-sm font-semibold ${done ? 'bg-sea-300 text-harbor-950 hover:bg-sea-200' : 'border border-harbor-600 text-harbor-100 hover:border-sea-400'}`}
          >
            {t('next')} →
          </button>
        ) : null}
      </div>
    </div>
  );
}
