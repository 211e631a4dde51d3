import type { Lang } from './schema';

/**
 * One script for the agent to run as the learner: the check library, then the
 * step's script, in the learner's language. Scripts are run by `bash -c`, so
 * their shebang is only for authors running them by hand.
 */
export function composeScript(library: string, body: string, lang: Lang): string {
  return `export BERTH_LANG=${lang}\n${library}\n# ---- step script ----\n${body.replace(/^#![^\n]*\n/, '')}`;
}
