import { getTranslations } from 'next-intl/server';
import type { ReactNode } from 'react';

const steps = ['learn', 'run', 'check'] as const;

const icons: Record<(typeof steps)[number], ReactNode> = {
  learn: <path d="M4 6.5C6.5 5 9 5 12 6.5 15 5 17.5 5 20 6.5V18c-2.5-1.5-5-1.5-8 0-3-1.5-5.5-1.5-8 0zM12 6.5V18" />,
  run: <path d="M4 5h16v14H4zM7.5 10l2.5 2-2.5 2M12.5 14.5h4" />,
  check: <path d="M12 3.5 19 6v5.5c0 4.2-3 7.4-7 9-4-1.6-7-4.8-7-9V6zM8.8 12.2l2.2 2.2 4.3-4.6" />,
};

export async function HowItWorks() {
  const t = await getTranslations('How');
  return (
    <section id="how" aria-labelledby="how-title" className="scroll-mt-20 border-y border-harbor-800 bg-harbor-900/50">
      <div className="mx-auto max-w-6xl px-5 py-14 sm:px-8">
        <h2 id="how-title" className="text-2xl font-bold text-white">
          {t('title')}
        </h2>
        <ol className="mt-8 grid gap-4 md:grid-cols-3 md:gap-6">
          {steps.map((step, i) => (
            <li key={step} className="relative rounded-xl border border-harbor-700 bg-harbor-850 p-6">
              <div className="flex items-center gap-3">
                <span className="grid size-10 place-items-center rounded-lg bg-harbor-800 text-sea-300">
                  <svg
                    viewBox="0 0 24 24"
                    className="size-6"
                    fill="none"
                    stroke="currentColor"
                    strokeWidth="1.7"
                    strokeLinecap="round"
                    strokeLinejoin="round"
                    aria-hidden="true"
                  >
                    {icons[step]}
                  </svg>
                </span>
                <h3 className="text-lg font-semibold text-white">
                  <span className="mr-2 font-mono text-sm text-sea-400">{i + 1}</span>
                  {t(`${step}.title`)}
                </h3>
              </div>
              <p className="mt-4 leading-relaxed text-harbor-200">{t(`${step}.body`)}</p>
              {i < steps.length - 1 ? (
                <span
                  aria-hidden="true"
                  className="absolute top-1/2 -right-5 hidden -translate-y-1/2 text-xl text-harbor-600 md:block"
                >
                  →
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      </div>
    </section>
  );
}
