import { getTranslations } from 'next-intl/server';
import { WEB_VERSION } from '@/lib/version';
import { LogoMark } from './Logo';

export async function SiteFooter() {
  const t = await getTranslations('Footer');
  return (
    <footer className="border-t border-harbor-800 bg-harbor-900/60">
      <div className="mx-auto flex max-w-6xl flex-col gap-4 px-5 py-10 text-sm text-harbor-300 sm:flex-row sm:items-start sm:justify-between sm:px-8">
        <div className="flex items-start gap-3">
          <LogoMark className="mt-0.5 size-6 shrink-0" />
          <div className="space-y-1">
            <p className="text-harbor-200">{t('tagline')}</p>
            <p>{t('offline')}</p>
          </div>
        </div>
        <p className="font-mono text-xs sm:pt-1">{t('version', { version: WEB_VERSION })}</p>
      </div>
    </footer>
  );
}
