/** Something wrong in the course's files, with where it is. */
export interface Problem {
  /** Path relative to the content folder's parent (the repo), e.g. content/lessons/03-first-steps/lesson.yaml */
  file: string;
  /** 1-based line, when known. */
  line?: number;
  message: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}${p.line ? `:${p.line}` : ''}: ${p.message}`;
}

/** A list that the loaders add to as they go. */
export class Problems {
  readonly list: Problem[] = [];
  add(file: string, line: number | undefined, message: string): void {
    this.list.push(line ? { file, line, message } : { file, message });
  }
  get empty(): boolean {
    return this.list.length === 0;
  }
}
