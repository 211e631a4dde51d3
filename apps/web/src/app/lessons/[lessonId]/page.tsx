import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { getLocale, getTranslations } from 'next-intl/server';
import { LessonHeader } from '@/components/lesson/LessonHeader';
import { LessonSplit } from '@/components/lesson/LessonSplit';
import { LessonText } from '@/components/lesson/LessonText';
import { Workspace } from '@/components/workspace/Workspace';
import { findLesson } from '@/content/lessons';

interface LessonPageProps {
  params: Promise<{ lessonId: string }>;
}

export async function generateMetadata({ params }: LessonPageProps): Promise<Metadata> {
  const { lessonId } = await params;
  const lesson = findLesson(lessonId);
  if (!lesson) return {};
  const [locale, t] = await Promise.all([getLocale(), getTranslations('Metadata')]);
  return { title: `${lesson.title[locale]} · ${t('title')}`, description: lesson.summary[locale] };
}

/** A lesson: its text on one side, the learner's sandbox on the other. */
export default async function LessonPage({ params }: LessonPageProps) {
  const { lessonId } = await params;
  const lesson = findLesson(lessonId);
  if (!lesson) notFound();
  const [locale, t] = await Promise.all([getLocale(), getTranslations('Lesson')]);

  return (
    <div className="flex h-dvh flex-col overflow-hidden">
      <LessonHeader number={lesson.number} title={lesson.title[locale]} />
      <main className="flex min-h-0 flex-1">
        <LessonSplit
          handleLabel={t('resizeHandle')}
          text={<LessonText lesson={lesson} />}
          workspace={<Workspace lessonId={lesson.slug} />}
        />
      </main>
    </div>
  );
}
