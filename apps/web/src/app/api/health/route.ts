import { WEB_VERSION } from '@/lib/version';

// Answer every probe from the running process, never from a build-time cache.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json(
    { status: 'ok', service: 'web', version: WEB_VERSION },
    { headers: { 'cache-control': 'no-store' } },
  );
}
