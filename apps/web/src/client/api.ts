import { ApiError, SessionGrant } from '@berth/protocol';
import { LearnerError } from './errors';

/** How long an API call may take before the page gives up on it. */
const API_TIMEOUT_MS = 30_000;

export interface ApiOptions {
  /** Origin (and optional prefix) of the API; '' means the page's own origin. */
  base?: string;
  fetch?: typeof fetch;
}

/** POST /api/sessions: starts (or finds) the visitor's session for a lesson. */
export function startSession(lessonId: string, options: ApiOptions = {}): Promise<SessionGrant> {
  return postForGrant('/api/sessions', { lessonId }, options);
}

/** POST /api/sessions/:id/token: a fresh token for the same session. */
export function refreshGrant(sessionId: string, options: ApiOptions = {}): Promise<SessionGrant> {
  return postForGrant(`/api/sessions/${encodeURIComponent(sessionId)}/token`, {}, options);
}

async function postForGrant(path: string, body: object, options: ApiOptions): Promise<SessionGrant> {
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(`${options.base ?? ''}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
  } catch (error) {
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    throw new LearnerError(timedOut ? 'timeout' : 'network', error instanceof Error ? error.message : String(error));
  }

  let json: unknown = undefined;
  try {
    json = await response.json();
  } catch {
    // Not JSON: handled below by status.
  }

  if (response.ok) {
    const grant = SessionGrant.safeParse(json);
    if (grant.success) return grant.data;
    console.warn('[berth] malformed session grant', grant.error.issues);
    throw new LearnerError('bad_response', 'the server answered with a malformed session grant', response.status);
  }

  const apiError = ApiError.safeParse(json);
  if (apiError.success) {
    throw new LearnerError(apiError.data.error.code, apiError.data.error.message, response.status);
  }
  if (response.status === 429) throw new LearnerError('rate_limited', 'too many requests', 429);
  throw new LearnerError(
    response.status === 404 || response.status >= 500 ? 'unavailable' : 'bad_response',
    `HTTP ${response.status}`,
    response.status,
  );
}
