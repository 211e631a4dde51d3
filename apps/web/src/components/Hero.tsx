import { getTranslations } from 'next-intl/server';

// Lines stay under ~38 characters so the terminal fits a phone without scrolling.
const session: { prompt?: boolean; text: string }[] = [
  { prompt: true, text: 'docker run -d -p 8080:80 nginx' },
  { text: '3f9c2a41b7e0' },
  { prompt: true, text: "docker ps --format '{{.Status}}'" },
  { text: 'Up 2 seconds' },
  { prompt: true, text: 'curl -s localhost:8080 | grep title' },
  { text: '<title>Welcome to nginx!</title>' },
];

export async function Hero() {
  const t = await getTranslations('Home');
  return (
    <section className="relative overflow-hidden">
      <div
        aria-hidden="true"
        className="pointer-events-none absolute inset-x-0 top-0 h-[32rem] bg-[radial-gradient(60rem_24rem_at_20%_-10%,rgba(60,200,181,0.16),transparent_70%)]"
      />
      <div className="relative mx-auto grid max-w-6xl gap-12 px-5 pt-14 pb-16 sm:px-8 sm:pt-20 lg:grid-cols-[1.1fr_1fr] lg:items-center lg:gap-16 lg:pb-24">
        <div>
          <p className="mb-4 text-sm font-medium tracking-wide text-sea-300">{t('eyebrow')}</p>
          <h1 className="text-4xl leading-tight font-bold tracking-tight text-balance text-white sm:text-5xl">{t('title')}</h1>
          <p data-testid="pitch" className="mt-6 max-w-xl text-lg leading-relaxed text-harbor-200">
            {t('pitch')}
          </p>
          <div className="mt-8 flex flex-wrap gap-3">
            <a
              href="#lessons"
              className="rounded-lg bg-sea-300 px-5 py-2.5 font-semibold text-harbor-950 shadow-lg shadow-sea-500/20 transition-colors hover:bg-sea-200"
            >
              {t('ctaLessons')}
            </a>
            <a
              href="#how"
              className="rounded-lg border border-harbor-600 px-5 py-2.5 font-semibold text-harbor-100 transition-colors hover:border-sea-400 hover:text-white"
            >
              {t('ctaHow')}
            </a>
          </div>
        </div>

        <figure
          aria-label={t('terminalLabel')}
          className="min-w-0 overflow-hidden rounded-xl border border-harbor-700 bg-harbor-900 shadow-2xl shadow-black/40"
        >
          <div className="flex items-center gap-2 border-b border-harbor-800 px-4 py-3" aria-hidden="true">
            <span className="size-3 rounded-full bg-harbor-700" />
            <span className="size-3 rounded-full bg-harbor-700" />
            <span className="size-3 rounded-full bg-harbor-700" />
            <span className="ml-2 font-mono text-xs text-harbor-300">learner@berth: ~</span>
          </div>
          <pre className="overflow-x-auto p-5 font-mono text-[13px] leading-6 text-harbor-200 sm:text-sm">
            <code>
              <span className="text-harbor-300">{t('terminalComment')}</span>
              {'\n'}
              {session.map((line, i) => (
                <span key={i}>
                  {line.prompt ? <span className="text-sea-300">$ </span> : null}
                  <span className={line.prompt ? 'text-white' : undefined}>{line.text}</span>
                  {'\n'}
                </span>
              ))}
              <span className="text-sea-300">$ </span>
              <span className="inline-block h-4 w-2 translate-y-0.5 animate-pulse bg-sea-300" aria-hidden="true" />
            </code>
          </pre>
        </figure>
      </div>
    </section>
  );
}
