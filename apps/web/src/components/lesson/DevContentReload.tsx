'use client';

import { useRouter } from 'next/navigation';
import { useEffect } from 'react';

/**
 * While developing: asks the server once a second whether content/ changed, and
 * re-renders the lesson when it did (an author sees their edit on save). Never
 * rendered in production.
 */
export function DevContentReload({ version }: { version: string }) {
  const router = useRouter();
  useEffect(() => {
    const timer = setInterval(async () => {
      try {
        const res = await fetch('/api/dev/content-version', { cache: 'no-store' });
        if (res.ok && (await res.text()) !== version) router.refresh();
      } catch {
        // the dev server is restarting
      }
    }, 1000);
    return () => clearInterval(timer);
  }, [router, version]);
  return null;
}
