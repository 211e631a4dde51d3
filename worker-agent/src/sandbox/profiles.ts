import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, SandboxProfile } from '@berth/protocol';

/** Sandbox profiles are data files: content/sandbox-profiles/NAME.json. */
export class ProfileStore {
  private constructor(private readonly profiles: Map<string, SandboxProfile>) {}

  static fromList(list: SandboxProfile[]): ProfileStore {
    return new ProfileStore(new Map(list.map((p) => [p.name, p])));
  }

  /** Loads and validates every profile; a broken file is reported with its path. */
  static load(dir: string): ProfileStore {
    const list: SandboxProfile[] = [];
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
      const path = join(dir, file);
      let raw: unknown;
      try {
        raw = JSON.parse(readFileSync(path, 'utf8'));
      } catch (err) {
        throw new Error(`${path}: not valid JSON: ${(err as Error).message}`, { cause: err });
      }
      const parsed = SandboxProfile.safeParse(raw);
      if (!parsed.success) {
        const lines = parsed.error.issues.map((i) => `${path}: ${i.path.join('.') || '(root)'}: ${i.message}`);
        throw new Error(lines.join('\n'));
      }
      if (`${parsed.data.name}.json` !== file) throw new Error(`${path}: name "${parsed.data.name}" must match the file name`);
      list.push(parsed.data);
    }
    if (!list.some((p) => p.name === 'default')) throw new Error(`${dir}: a profile named "default" is required`);
    return ProfileStore.fromList(list);
  }

  get(name: string): SandboxProfile {
    const profile = this.profiles.get(name);
    if (!profile) throw new BerthError('bad_request', `unknown sandbox profile "${name}"`);
    return profile;
  }
}
