import type { Code, Heading, Link, Nodes, Root } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { gfmFromMarkdown } from 'mdast-util-gfm';
import { gfm } from 'micromark-extension-gfm';
import type { Problems } from './problems';

/**
 * What the player and the walkthrough need from a step's markdown: its title, its
 * code blocks (runnable commands, files to create, hints) and its links, each with
 * the line it starts on.
 *
 * Fenced code blocks say what they are in their info string:
 *   ```sh run                 a command (Run types it into the terminal)
 *   ```sh run interrupt       Ctrl-C is sent first (stops what runs in the foreground)
 *   ```sh run interactive     it does not come back to the prompt by itself (a shell
 *                             in a container, `logs -f`): a later block ends it
 *   ```dockerfile file=web/Dockerfile   a file to create in the learner's home
 *   ```hint                   a hint, revealed one at a time
 *   ```sh                     shown with a Copy button only
 */
export type Block =
  | { kind: 'run'; lang: string; text: string; line: number; interrupt: boolean; interactive: boolean }
  | { kind: 'file'; lang: string; text: string; line: number; path: string }
  | { kind: 'hint'; text: string; line: number }
  | { kind: 'code'; lang: string; text: string; line: number };

export interface StepDoc {
  title: string;
  blocks: Block[];
  links: { url: string; line: number }[];
}

const RUN_FLAGS = new Set(['run', 'interrupt', 'interactive']);
/** A path under the learner's home: relative, no `..`, ordinary characters. */
export const FILE_PATH = /^(?!\/)(?!.*(?:^|\/)\.\.(?:\/|$))[A-Za-z0-9._\-/]{1,200}$/;

export function parseMarkdown(text: string): Root {
  return fromMarkdown(text, { extensions: [gfm()], mdastExtensions: [gfmFromMarkdown()] });
}

export function toPlainText(node: Nodes): string {
  if ('value' in node && typeof node.value === 'string') return node.value;
  if ('children' in node) return (node.children as Nodes[]).map(toPlainText).join('');
  return '';
}

function walk(node: Nodes, visit: (n: Nodes) => void): void {
  visit(node);
  if ('children' in node) for (const child of node.children as Nodes[]) walk(child, visit);
}

export interface BlockInfo {
  kind: Block['kind'];
  path?: string;
  interrupt: boolean;
  interactive: boolean;
}

/** What a fenced block's info string (` ```sh run interrupt `) says it is. */
export function readInfo(lang: string, meta: string | null | undefined): BlockInfo {
  const words = (meta ?? '').split(/\s+/).filter(Boolean);
  const fileWord = words.find((w) => w.startsWith('file='));
  const kind = lang === 'hint' ? 'hint' : fileWord ? 'file' : words.includes('run') ? 'run' : 'code';
  const info: BlockInfo = { kind, interrupt: words.includes('interrupt'), interactive: words.includes('interactive') };
  if (fileWord) info.path = fileWord.slice('file='.length);
  return info;
}

/** Reads one code block's info string into a Block, reporting what it does not understand. */
function toBlock(code: Code, file: string, problems: Problems): Block {
  const line = code.position?.start.line ?? 1;
  const lang = code.lang ?? '';
  const words = (code.meta ?? '').split(/\s+/).filter(Boolean);
  const info = readInfo(lang, code.meta);
  if (info.kind === 'hint') return { kind: 'hint', text: code.value, line };
  const fileWord = words.find((w) => w.startsWith('file='));
  if (info.kind === 'file' && fileWord) {
    const path = info.path!;
    if (!FILE_PATH.test(path)) problems.add(file, line, `file=${path}: use a relative path under the learner's home, without ".."`);
    for (const w of words) if (w !== fileWord) problems.add(file, line, `a file block takes only file=<path>, not "${w}"`);
    return { kind: 'file', lang, text: code.value, line, path };
  }
  if (info.kind === 'run') {
    for (const w of words) if (!RUN_FLAGS.has(w)) problems.add(file, line, `unknown word "${w}" after \`\`\`${lang} run (known: interrupt, interactive)`);
    if (!code.value.trim() && !words.includes('interrupt')) problems.add(file, line, 'an empty run block must say "interrupt" (it only sends Ctrl-C)');
    return { kind: 'run', lang, text: code.value, line, interrupt: info.interrupt, interactive: info.interactive };
  }
  for (const w of words) problems.add(file, line, `unknown word "${w}" in the code block's info string (known: run, interrupt, interactive, file=<path>)`);
  return { kind: 'code', lang, text: code.value, line };
}

/** Parses a step's markdown file. */
export function readStepDoc(text: string, file: string, problems: Problems): StepDoc {
  const root = parseMarkdown(text);
  let title = '';
  const blocks: Block[] = [];
  const links: StepDoc['links'] = [];
  walk(root, (node) => {
    if (node.type === 'heading' && (node as Heading).depth === 1 && !title) title = toPlainText(node).trim();
    else if (node.type === 'code') blocks.push(toBlock(node as Code, file, problems));
    else if (node.type === 'link') links.push({ url: (node as Link).url, line: node.position?.start.line ?? 1 });
  });
  if (!title) problems.add(file, 1, 'the step needs a title: a first line like "# Run your first container"');
  return { title, blocks, links };
}

/** What the walkthrough compares between languages: the commands and files, not the words. */
export function actionsOf(doc: StepDoc): string[] {
  return doc.blocks
    .filter((b) => b.kind === 'run' || b.kind === 'file')
    .map((b) => (b.kind === 'file' ? `file ${b.path}\n${b.text}` : `run${b.interrupt ? ' interrupt' : ''}${b.interactive ? ' interactive' : ''}\n${b.text}`));
}

/** What "Create this file" writes: the block's text, ending with a newline as files do. */
export function fileContent(block: Extract<Block, { kind: 'file' }>): string {
  return block.text === '' || block.text.endsWith('\n') ? block.text : `${block.text}\n`;
}
