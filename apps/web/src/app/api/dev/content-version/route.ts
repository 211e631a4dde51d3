import { courseSource } from '@/content/lessons';

export const dynamic = 'force-dynamic';

/** Development only: a token that changes whenever a file under content/ does. */
export function GET() {
  if (process.env.NODE_ENV !== 'development') return new Response('not found', { status: 404 });
  return new Response(courseSource.version, { headers: { 'content-type': 'text/plain' } });
}
