import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import type { Problems } from './problems';

/**
 * Parses a YAML file and validates it with a zod schema, reporting every YAML
 * syntax error and every schema error with the line it is on.
 */
export function parseYamlFile<S extends z.ZodType>(
  text: string,
  schema: S,
  file: string,
  problems: Problems,
): z.infer<S> | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length) {
    for (const err of doc.errors) problems.add(file, lines.linePos(err.pos[0]).line, `YAML: ${err.message.split('\n')[0]}`);
    return null;
  }
  const parsed = schema.safeParse(doc.toJS());
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    problems.add(file, lineOf(doc, lines, issue.path as (string | number)[]), `${where}${issue.message}`);
  }
  return null;
}

/** The line of the deepest node along `path` that exists (a missing key points at its parent). */
function lineOf(doc: Document, lines: LineCounter, path: (string | number)[]): number | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return lines.linePos(node.range[0]).line;
  }
  return undefined;
}
