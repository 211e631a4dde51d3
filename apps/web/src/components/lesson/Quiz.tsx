'use client';

import { useTranslations } from 'next-intl';

import type { ReactNode } from 'react';

export interface QuizItem {
  question: ReactNode;
  choices: ReactNode[];
  answer: number;
  explain: ReactNode;
}

/**
 * The lesson's closing questions. A wrong pick says so and lets the learner try
 * again; the right one explains why it is right. Answers are kept with the progress.
 */
export function Quiz({ items, answers, onAnswer }: { items: QuizItem[]; answers: Record<string, number>; onAnswer(question: number, choice: number): void }) {
  const t = useTranslations('Player');
  const right = items.filter((q, i) => answers[i] === q.answer).length;
  return (
    <section aria-labelledby="quiz-title" className="mt-12" data-testid="quiz">
      <div className="flex items-baseline justify-between gap-3">
        <h2 id="quiz-title" className="text-xl font-bold text-white">
          {t('quizTitle')}
        </h2>
        <p className="text-sm text-harbor-300" data-testid="quiz-score">
          {t('quizScore', { right, total: items.length })}
        </p>
      </div>
      <p className="mt-2 text-harbor-300">{t('quizIntro')}</p>
      <ol className="mt-6 space-y-6">
        {items.map((q, qi) => {
          const picked = answers[qi];
          const answered = picked !== undefined;
          const correct = picked === q.answer;
          return (
            <li key={qi} className="rounded-xl border border-harbor-800 bg-harbor-900/60 p-4" data-testid="quiz-question" data-correct={answered ? correct : undefined}>
              <fieldset>
                <legend className="font-semibold text-white">
                  {qi + 1}. {q.question}
                </legend>
                <div className="mt-3 space-y-2">
                  {q.choices.map((choice, ci) => {
                    const chosen = picked === ci;
                    const tone = chosen ? (correct ? 'border-sea-400 bg-sea-300/10' : 'border-red-400/60 bg-red-400/10') : 'border-harbor-700 hover:border-harbor-500';
                    return (
                      <label key={ci} className={`flex cursor-pointer items-start gap-3 rounded-lg border px-3 py-2 text-sm text-harbor-100 ${tone}`}>
                        <input
                          type="radio"
                          name={`quiz-${qi}`}
                          className="mt-1 accent-sea-400"
                          checked={chosen}
                          onChange={() => onAnswer(qi, ci)}
                          disabled={answered && correct}
                        />
                        <span>{choice}</span>
                      </label>
                    );
                  })}
                </div>
              </fieldset>
              {answered ? (
                <p role="status" className={`mt-3 text-sm ${correct ? 'text-sea-100' : 'text-red-200'}`} data-testid="quiz-feedback">
                  <strong>{correct ? t('quizRight') : t('quizWrong')}</strong> {correct ? q.explain : null}
                </p>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
