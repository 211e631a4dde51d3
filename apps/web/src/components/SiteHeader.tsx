import { getTranslations } from 'next-intl/server';
import { LanguageSwitcher } from './LanguageSwitcher';
import { LogoMark } from './Logo';

export async function SiteHeader() {
  const t = await getTranslations('Header');
  return (
    <header className="sticky top-0 z-10 border-b border-harbor-800/80 bg-harbor-950/85 backdrop-blur">
      <div className="mx-auto flex h-16 max-w-6xl items-center justify-between gap-4 px-5 sm:px-8">
        <a href="/" aria-label={t('home')} className="flex items-center gap-2.5 rounded-md">
          <LogoMark className="size-8" />
          <span className="text-xl font-bold tracking-tight text-white">Berth</span>
        </a>
        <LanguageSwitcher />
      </div>
    </header>
  );
}
