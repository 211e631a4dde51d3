import type { Element, Text } from 'hast';
import Markdown, { type Components } from 'react-markdown';
import remarkGfm from 'remark-gfm';
import { readInfo } from '@berth/content';
import { CodeBlock } from './CodeBlock';

/** The text inside a hast element (a code block has one text child). */
function textOf(node: Element | undefined): string {
  return (node?.children ?? []).map((c) => (c.type === 'text' ? (c as Text).value : c.type === 'element' ? textOf(c) : '')).join('');
}

function codeBlock(stepId: string | null): Components['pre'] {
  return function Pre({ node }) {
    const code = node?.children.find((c): c is Element => c.type === 'element' && c.tagName === 'code');
    const className = (code?.properties.className as string[] | undefined)?.find((c) => c.startsWith('language-'));
    const lang = className?.slice('language-'.length) ?? '';
    const meta = (code?.data as { meta?: string } | undefined)?.meta ?? null;
    const info = readInfo(lang, meta);
    // Hints are shown by the player, one at a time, not inline.
    if (info.kind === 'hint') return null;
    const text = textOf(code).replace(/\n$/, '');
    return (
      <CodeBlock
        kind={info.kind}
        lang={lang}
        text={text}
        stepId={stepId}
        path={info.path}
        interrupt={info.interrupt}
      />
    );
  };
}

const prose: Components = {
  // The player shows the step's title itself.
  h1: () => null,
  h2: ({ children }) => <h3 className="mt-8 mb-3 text-lg font-semibold text-white">{children}</h3>,
  h3: ({ children }) => <h4 className="mt-6 mb-2 font-semibold text-white">{children}</h4>,
  p: ({ children }) => <p className="my-3 leading-relaxed text-harbor-200">{children}</p>,
  ul: ({ children }) => <ul className="my-3 list-disc space-y-1.5 pl-6 text-harbor-200 marker:text-harbor-500">{children}</ul>,
  ol: ({ children }) => <ol className="my-3 list-decimal space-y-1.5 pl-6 text-harbor-200 marker:text-harbor-500">{children}</ol>,
  li: ({ children }) => <li className="leading-relaxed">{children}</li>,
  strong: ({ children }) => <strong className="font-semibold text-white">{children}</strong>,
  a: ({ href, children }) => (
    <a href={href} className="font-medium text-sea-300 underline decoration-sea-300/40 underline-offset-2 hover:decoration-sea-300">
      {children}
    </a>
  ),
  code: ({ children }) => (
    <code className="rounded bg-harbor-800/80 px-1.5 py-0.5 font-mono text-[0.85em] text-sand-100">{children}</code>
  ),
  blockquote: ({ children }) => (
    <blockquote className="my-4 border-l-2 border-sea-400/60 bg-sea-300/5 py-1 pr-3 pl-4 text-harbor-200">{children}</blockquote>
  ),
  table: ({ children }) => (
    <div className="my-4 overflow-x-auto rounded-lg border border-harbor-800">
      <table className="w-full text-left text-sm">{children}</table>
    </div>
  ),
  thead: ({ children }) => <thead className="bg-harbor-900 text-harbor-100">{children}</thead>,
  th: ({ children }) => <th className="px-3 py-2 font-semibold">{children}</th>,
  td: ({ children }) => <td className="border-t border-harbor-800 px-3 py-2 text-harbor-200 [&_code]:whitespace-nowrap">{children}</td>,
};

/**
 * A lesson's markdown, rendered on the server: readable without JavaScript; code
 * blocks become Run / Copy / Create-this-file blocks once the page is live.
 */
export function StepMarkdown({ markdown, stepId }: { markdown: string; stepId: string | null }) {
  return (
    <Markdown remarkPlugins={[remarkGfm]} components={{ ...prose, pre: codeBlock(stepId) }}>
      {markdown}
    </Markdown>
  );
}

/** A hint's text (markdown inline code and emphasis work in it too). */
export function HintMarkdown({ text }: { text: string }) {
  return (
    <Markdown remarkPlugins={[remarkGfm]} components={{ ...prose, pre: codeBlock(null) }}>
      {text}
    </Markdown>
  );
}

/** One line of markdown (quiz questions and answers): no paragraph around it. */
export function InlineMarkdown({ text }: { text: string }) {
  return (
    <Markdown remarkPlugins={[remarkGfm]} components={{ ...prose, p: ({ children }) => <>{children}</> }}>
      {text}
    </Markdown>
  );
}
