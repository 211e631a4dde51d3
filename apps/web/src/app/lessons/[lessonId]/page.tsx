import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import type { Lang } from '@berth/content';
import { DevContentReload } from '@/components/lesson/DevContentReload';
import { LessonHeader } from '@/components/lesson/LessonHeader';
import { LessonPlayer } from '@/components/lesson/LessonPlayer';
import { LessonSplit } from '@/components/lesson/LessonSplit';
import { HintMarkdown, InlineMarkdown, StepMarkdown } from '@/components/lesson/StepMarkdown';
import { Workspace } from '@/components/workspace/Workspace';
import { WorkspaceProvider } from '@/components/workspace/WorkspaceContext';
import { courseSource, findLesson } from '@/content/lessons';

interface LessonPageProps {
  params: Promise<{ lessonId: string }>;
}

export async function generateMetadata({ params }: LessonPageProps): Promise<Metadata> {
  const { lessonId } = await params;
  const lesson = findLesson(lessonId);
  if (!lesson) return {};
  const [locale, t] = await Promise.all([getLocale(), getTranslations('Metadata')]);
  const lang = locale as Lang;
  return { title: `${lesson.manifest.title[lang]} · ${t('title')}`, description: lesson.manifest.summary[lang] };
}

/** A lesson: its text and steps on one side, the learner's sandbox on the other. */
export default async function LessonPage({ params }: LessonPageProps) {
  const { lessonId } = await params;
  const lesson = findLesson(lessonId);
  if (!lesson) notFound();
  const [locale, t] = await Promise.all([getLocale(), getTranslations('Lesson')]);
  const lang = locale as Lang;
  const m = lesson.manifest;
  const next = courseSource.course.lessons.find((l) => l.manifest.order > m.order);

  const steps = lesson.steps.map((step) => ({
    id: step.id,
    title: step.texts[lang].doc.title,
    hasSetup: step.setup !== null,
    layout: step.layout ?? null,
    body: <StepMarkdown markdown={step.texts[lang].markdown} stepId={step.id} />,
    hints: step.texts[lang].doc.blocks.flatMap((b, i) => (b.kind === 'hint' ? [<HintMarkdown key={i} text={b.text} />] : [])),
  }));
  const quiz = m.quiz.map((q) => ({
    question: <InlineMarkdown text={q.question[lang]} />,
    choices: q.choices.map((c, i) => <InlineMarkdown key={i} text={c[lang]} />),
    answer: q.answer,
    explain: <InlineMarkdown text={q.explain[lang]} />,
  }));

  return (
    <WorkspaceProvider lessonId={m.id}>
      <div className="flex h-dvh flex-col overflow-hidden">
        <LessonHeader number={m.order} title={m.title[lang]} />
        <main className="flex min-h-0 flex-1">
          <LessonSplit
            handleLabel={t('resizeHandle')}
            text={
              <LessonPlayer
                lessonId={m.id}
                lang={lang}
                number={m.order}
                title={m.title[lang]}
                summary={m.summary[lang]}
                intro={<StepMarkdown markdown={lesson.intro[lang].markdown} stepId={null} />}
                steps={steps}
                quiz={quiz}
                next={next ? { slug: next.manifest.id, title: next.manifest.title[lang] } : null}
              />
            }
            workspace={<Workspace />}
          />
        </main>
      </div>
      {process.env.NODE_ENV === 'development' ? <DevContentReload version={courseSource.version} /> : null}
    </WorkspaceProvider>
  );
}
