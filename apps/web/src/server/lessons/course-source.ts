import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadCourse, type Course, type Lesson } from '@berth/content';

/**
 * The course as the server sees it: read once in production; in development read
 * again whenever a file under content/ changed, so an author sees their edit on
 * the next request (and the page reloads itself, see DevContentReload).
 */
export class CourseSource {
  private cached: { course: Course; version: string } | null = null;

  constructor(
    private readonly contentDir: string,
    private readonly watch: boolean,
  ) {}

  get course(): Course {
    if (!this.cached || (this.watch && this.cached.version !== this.computeVersion())) {
      const course = loadCourse({ contentDir: this.contentDir });
      this.cached = { course, version: this.computeVersion() };
    }
    return this.cached.course;
  }

  /** Changes whenever a content file does (development), or never (production). */
  get version(): string {
    return this.watch ? this.computeVersion() : (this.cached?.version ?? this.computeVersion());
  }

  lesson(id: string): Lesson | undefined {
    return this.course.lessons.find((l) => l.manifest.id === id);
  }

  private computeVersion(): string {
    let latest = 0;
    let count = 0;
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else {
          count++;
          latest = Math.max(latest, statSync(p).mtimeMs);
        }
      }
    };
    walk(this.contentDir);
    return `${count}-${Math.round(latest)}`;
  }
}
