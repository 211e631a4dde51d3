import { mkdir, open, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { host } from './host-exec';

/**
 * A session's own disk: a sparse file formatted ext4 and loop-mounted, bind-mounted
 * into the sandbox as the learner's home (where the inner Docker keeps its images).
 * Filling it hurts only that session. Files live in DIR/SESSION_ID/.
 */
export class SessionDisks {
  constructor(private readonly dir: string) {}

  paths(sessionId: string) {
    const root = join(this.dir, sessionId);
    return { root, image: join(root, 'disk.ext4'), mount: join(root, 'home'), labels: join(root, 'labels.json') };
  }

  /** Creates, formats and mounts the disk; its root directory belongs to `ownerUid`. */
  async create(sessionId: string, sizeMiB: number, ownerUid: number, labels: Record<string, string>): Promise<string> {
    const p = this.paths(sessionId);
    await mkdir(p.mount, { recursive: true, mode: 0o700 });
    await writeFile(p.labels, JSON.stringify(labels));
    const file = await open(p.image, 'w', 0o600);
    await file.truncate(sizeMiB * 1024 * 1024);
    await file.close();
    await host('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', `root_owner=${ownerUid}:${ownerUid},lazy_itable_init=1`, p.image]);
    await host('mount', ['-o', 'loop,nosuid,nodev', p.image, p.mount]);
    return p.mount;
  }

  async isMounted(sessionId: string): Promise<boolean> {
    const mounts = await readFile('/proc/self/mounts', 'utf8');
    const target = this.paths(sessionId).mount;
    return mounts.split('\n').some((line) => line.split(' ')[1] === target);
  }

  /** Unmounts and deletes the disk. Idempotent. */
  async remove(sessionId: string): Promise<void> {
    const p = this.paths(sessionId);
    if (await this.isMounted(sessionId)) {
      await host('umount', [p.mount]).catch(() => host('umount', ['-l', p.mount]));
    }
    await rm(p.root, { recursive: true, force: true });
  }

  /** Session ids that have a disk folder here. */
  async list(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch {
      return [];
    }
  }
}
