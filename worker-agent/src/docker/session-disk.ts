import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { host } from './host-exec';

/**
 * A session's own disk: a sparse file formatted ext4 and loop-mounted, bind-mounted
 * into the sandbox as the learner's home (where the inner Docker keeps its images).
 * Filling it hurts only that session. Files live in DIR/SANDBOX_ID/ (a pooled sandbox's claim.json names its session).
 */
export class SessionDisks {
  constructor(private readonly dir: string) {}

  paths(sandboxId: string) {
    const root = join(this.dir, sandboxId);
    return {
      root,
      image: join(root, 'disk.ext4'),
      mount: join(root, 'home'),
      labels: join(root, 'labels.json'),
      claim: join(root, 'claim.json'),
    };
  }

  /** Records which session a pooled sandbox serves (write and rename: a crash leaves the old file or the new one). */
  async writeClaim(id: string, claim: { sessionId: string; createdAt: string; expiresAt: string }): Promise<void> {
    const p = this.paths(id);
    await writeFile(`${p.claim}.tmp`, JSON.stringify(claim), { mode: 0o600 });
    await rename(`${p.claim}.tmp`, p.claim);
  }

  async readClaim(id: string): Promise<{ sessionId: string; createdAt: string; expiresAt: string } | null> {
    try {
      const raw = JSON.parse(await readFile(this.paths(id).claim, 'utf8')) as Record<string, unknown>;
      const { sessionId, createdAt, expiresAt } = raw;
      if (typeof sessionId !== 'string' || typeof createdAt !== 'string' || typeof expiresAt !== 'string') return null;
      return { sessionId, createdAt, expiresAt };
    } catch {
      return null;
    }
  }

  /** Creates, formats and mounts the disk; its root directory belongs to `ownerUid`. */
  async create(sandboxId: string, sizeMiB: number, ownerUid: number, labels: Record<string, string>): Promise<string> {
    const p = this.paths(sandboxId);
    await mkdir(p.mount, { recursive: true, mode: 0o700 });
    await writeFile(p.labels, JSON.stringify(labels));
    const file = await open(p.image, 'w', 0o600);
    await file.truncate(sizeMiB * 1024 * 1024);
    await file.close();
    await host('mkfs.ext4', ['-q', '-F', '-m', '0', '-E', `root_owner=${ownerUid}:${ownerUid},lazy_itable_init=1`, p.image]);
    await host('mount', ['-o', 'loop,nosuid,nodev', p.image, p.mount]);
    return p.mount;
  }

  async isMounted(sandboxId: string): Promise<boolean> {
    const mounts = await readFile('/proc/self/mounts', 'utf8');
    const target = this.paths(sandboxId).mount;
    return mounts.split('\n').some((line) => line.split(' ')[1] === target);
  }

  /** Unmounts and deletes the disk. Idempotent. */
  async remove(sandboxId: string): Promise<void> {
    const p = this.paths(sandboxId);
    if (await this.isMounted(sandboxId)) {
      await host('umount', [p.mount]).catch(() => host('umount', ['-l', p.mount]));
    }
    await rm(p.root, { recursive: true, force: true });
  }

  /** Sandbox ids that have a disk folder here. */
  async list(): Promise<string[]> {
    try {
      return await readdir(this.dir);
    } catch {
      return [];
    }
  }
}
