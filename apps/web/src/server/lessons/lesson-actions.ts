import { BerthError, type LessonCheckResult, type LessonFileResult, type LessonSetupResult } from '@berth/protocol';
import { composeScript, fileContent, type Lang, type Lesson, type Step } from '@berth/content';
import type { AgentHub } from '../gateway/agent-hub';
import type { CourseSource } from './course-source';

export interface LessonContext {
  agentId: string;
  sessionId: string;
  lessonId: string;
}

/**
 * What a page may ask of its session's lesson: run a step's check or setup script,
 * or write one of its files. Scripts and files always come from the lesson on the
 * server; the page only names the step (and the file's path).
 */
export class LessonActions {
  /** One check per session at a time: a second request shares the running one. */
  private readonly running = new Map<string, Promise<LessonCheckResult>>();

  constructor(
    private readonly source: CourseSource,
    private readonly agents: Pick<AgentHub, 'request'>,
  ) {}

  check(ctx: LessonContext, stepId: string, lang: Lang): Promise<LessonCheckResult> {
    const key = `${ctx.sessionId}/${stepId}/${lang}`;
    const inFlight = this.running.get(key);
    if (inFlight) return inFlight;
    const run = this.runCheck(ctx, stepId, lang).finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  async setup(ctx: LessonContext, stepId: string, lang: Lang): Promise<LessonSetupResult> {
    const { step } = this.step(ctx, stepId);
    if (!step.setup) return { ok: true, message: '' };
    const result = await this.exec(ctx, step.setup, lang, 120_000);
    if (result.exitCode !== 0) throw new BerthError('failed', `the step's setup failed: ${lastLines(result.output)}`);
    return { ok: true, message: result.output.trim() };
  }

  async createFile(ctx: LessonContext, stepId: string, lang: Lang, path: string): Promise<LessonFileResult> {
    const { step } = this.step(ctx, stepId);
    const block = step.texts[lang].doc.blocks.find((b) => b.kind === 'file' && b.path === path);
    if (!block || block.kind !== 'file') throw new BerthError('not_found', `this step has no file ${path}`);
    return this.agents.request(ctx.agentId, 'sandbox:writeFile', { sessionId: ctx.sessionId, path, content: fileContent(block), executable: false });
  }

  private async runCheck(ctx: LessonContext, stepId: string, lang: Lang): Promise<LessonCheckResult> {
    const { step } = this.step(ctx, stepId);
    const result = await this.exec(ctx, step.check, lang, step.checkTimeout * 1000);
    const message = result.timedOut ? '' : result.output.trim();
    return { passed: result.exitCode === 0, message: lastLines(message), durationMs: result.durationMs };
  }

  private exec(ctx: LessonContext, body: string, lang: Lang, timeoutMs: number) {
    const script = composeScript(this.source.course.checkLibrary, body, lang);
    return this.agents.request(ctx.agentId, 'sandbox:exec', { sessionId: ctx.sessionId, script, env: {}, timeoutMs }, timeoutMs + 5_000);
  }

  private step(ctx: LessonContext, stepId: string): { lesson: Lesson; step: Step } {
    const lesson = this.source.lesson(ctx.lessonId);
    const step = lesson?.steps.find((s) => s.id === stepId);
    if (!lesson || !step) throw new BerthError('not_found', `lesson ${ctx.lessonId} has no step ${stepId}`);
    return { lesson, step };
  }
}

/** A check's message is for a person: its last few lines, not pages of output. */
function lastLines(text: string, lines = 6, chars = 800): string {
  return text.split('\n').slice(-lines).join('\n').slice(-chars);
}
