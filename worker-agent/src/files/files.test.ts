import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MAX_EDIT_BYTES, type FilesChanged, type PortsChanged } from '@berth/protocol';
import { fakeManager } from '../testing/fake-agent';

// The file API's scripts run for real here (the fake driver runs them as local
// processes in a temporary home), so what is tested is what runs in a sandbox.
const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

async function setup() {
  const root = mkdtempSync(path.join(tmpdir(), 'berth-files-'));
  roots.push(root);
  const { manager, driver } = fakeManager({ filesRoot: root });
  const changes: FilesChanged[] = [];
  const ports: PortsChanged[] = [];
  manager.subscribe({ state() {}, warning() {}, termExit() {}, capacity() {}, filesChanged: (e) => changes.push(e), ports: (e) => ports.push(e) });
  await manager.create({ sessionId: 'session-files' });
  const home = driver.home('session-files');
  return { manager, driver, home, root, changes, ports, id: 'session-files' };
}

describe('file API (scripts run for real)', { timeout: 30_000 }, () => {
  it('lists a folder: folders first, hidden files included, symbolic links classified', async () => {
    const { manager, home, id } = await setup();
    mkdirSync(path.join(home, 'app'));
    writeFileSync(path.join(home, 'b.txt'), 'b');
    writeFileSync(path.join(home, '.hidden'), 'h');
    writeFileSync(path.join(home, '한글 이름.md'), '# 안녕');
    writeFileSync(path.join(home, 'run.sh'), 'echo', { mode: 0o755 });
    symlinkSync('/etc', path.join(home, 'etc-link'));
    symlinkSync('app', path.join(home, 'app-link'));
    symlinkSync('nowhere', path.join(home, 'dangling'));
    const listing = await manager.listDir(id, '');
    expect(listing.truncated).toBe(false);
    expect(listing.entries.map((e) => e.name)).toEqual(['app', 'app-link', '.hidden', 'b.txt', 'dangling', 'etc-link', 'run.sh', '한글 이름.md']);
    const byName = Object.fromEntries(listing.entries.map((e) => [e.name, e]));
    expect(byName['etc-link']).toMatchObject({ kind: 'symlink', target: 'outside' });
    expect(byName['app-link']).toMatchObject({ kind: 'symlink', target: 'dir' });
    expect(byName['dangling']).toMatchObject({ kind: 'symlink', target: 'missing' });
    expect(byName['run.sh']).toMatchObject({ kind: 'file', executable: true, size: 4 });
    expect(byName['b.txt']).toMatchObject({ kind: 'file', executable: false });
  });

  it('reads text with a version, refuses binary content, folders and files over the limit', async () => {
    const { manager, home, id } = await setup();
    writeFileSync(path.join(home, 'Dockerfile'), 'FROM nginx\nCOPY . /usr/share/nginx/html\n');
    writeFileSync(path.join(home, 'image.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2]));
    writeFileSync(path.join(home, 'big.log'), Buffer.alloc(MAX_EDIT_BYTES + 1, 0x61));
    const file = await manager.readFile(id, 'Dockerfile');
    expect(file).toMatchObject({ kind: 'text', content: 'FROM nginx\nCOPY . /usr/share/nginx/html\n', size: 40 });
    const s = statSync(path.join(home, 'Dockerfile'));
    expect(file.etag).toBe(`${s.size}:${file.etag.split(':')[1]}:${s.ino}`);
    expect(await manager.readFile(id, 'image.png')).toMatchObject({ kind: 'binary', size: 7 });
    await expect(manager.readFile(id, 'big.log')).rejects.toMatchObject({ code: 'limit', details: { reason: 'too-large', size: MAX_EDIT_BYTES + 1, max: MAX_EDIT_BYTES } });
    await expect(manager.readFile(id, '')).rejects.toMatchObject({ code: 'conflict', details: { reason: 'is-a-folder' } });
    await expect(manager.readFile(id, 'missing.txt')).rejects.toMatchObject({ code: 'not_found', details: { reason: 'not-found' } });
  });

  it('refuses every way out of the home folder, through symbolic links too', async () => {
    const { manager, home, root, id } = await setup();
    writeFileSync(path.join(root, 'secret.txt'), 'host secret');
    symlinkSync('/etc', path.join(home, 'etc-link'));
    symlinkSync('../../secret.txt', path.join(home, 'sneaky'));
    mkdirSync(path.join(home, 'app'));
    symlinkSync(root, path.join(home, 'app', 'up'));
    const outside = { code: 'bad_request', details: { reason: 'outside' } };
    await expect(manager.readFile(id, 'etc-link/hostname')).rejects.toMatchObject(outside);
    await expect(manager.readFile(id, 'sneaky')).rejects.toMatchObject(outside);
    await expect(manager.listDir(id, 'etc-link')).rejects.toMatchObject(outside);
    await expect(manager.listDir(id, 'app/up')).rejects.toMatchObject(outside);
    await expect(manager.writeFile({ sessionId: id, path: 'sneaky', content: 'overwritten' })).rejects.toMatchObject(outside);
    await expect(manager.writeFile({ sessionId: id, path: 'app/up/new.txt', content: 'x' })).rejects.toMatchObject(outside);
    await expect(manager.makeDir(id, 'etc-link/x')).rejects.toMatchObject(outside);
    await expect(manager.renamePath(id, 'app', 'etc-link/app')).rejects.toMatchObject(outside);
    expect(readFileSync(path.join(root, 'secret.txt'), 'utf8')).toBe('host secret');
    expect(existsSync(path.join(root, 'new.txt'))).toBe(false);
    // Deleting a link deletes the link, never what it points to.
    await manager.removePath(id, 'sneaky', false);
    expect(existsSync(path.join(home, 'sneaky'))).toBe(false);
    expect(existsSync(path.join(root, 'secret.txt'))).toBe(true);
  });

  it('writes in place (same inode), creates parents, and refuses a write over a newer version', async () => {
    const { manager, home, id } = await setup();
    const created = await manager.writeFile({ sessionId: id, path: 'web/html/index.html', content: '<h1>v1</h1>', ifMatch: null });
    expect(created).toMatchObject({ path: 'web/html/index.html', bytes: 11 });
    const inode = statSync(path.join(home, 'web/html/index.html')).ino;
    await expect(manager.writeFile({ sessionId: id, path: 'web/html/index.html', content: 'x', ifMatch: null })).rejects.toMatchObject({
      code: 'conflict',
      details: { reason: 'exists', current: { etag: created.etag } },
    });
    const saved = await manager.writeFile({ sessionId: id, path: 'web/html/index.html', content: '<h1>v2</h1>', ifMatch: created.etag });
    expect(statSync(path.join(home, 'web/html/index.html')).ino).toBe(inode);
    // Changed in the sandbox meanwhile (the terminal, a container): the stale save is refused.
    await new Promise((r) => setTimeout(r, 20));
    writeFileSync(path.join(home, 'web/html/index.html'), '<h1>from the terminal</h1>');
    const error = await manager.writeFile({ sessionId: id, path: 'web/html/index.html', content: '<h1>mine</h1>', ifMatch: saved.etag }).catch((e) => e);
    expect(error).toMatchObject({ code: 'conflict', details: { reason: 'changed' } });
    expect(error.details.current.etag).not.toBe(saved.etag);
    expect(readFileSync(path.join(home, 'web/html/index.html'), 'utf8')).toBe('<h1>from the terminal</h1>');
    // Keep mine: a save against the current version goes through.
    await manager.writeFile({ sessionId: id, path: 'web/html/index.html', content: '<h1>mine</h1>', ifMatch: error.details.current.etag });
    expect(readFileSync(path.join(home, 'web/html/index.html'), 'utf8')).toBe('<h1>mine</h1>');
    // Gone meanwhile: a conflict too, with no current version.
    rmSync(path.join(home, 'web/html/index.html'));
    await expect(manager.writeFile({ sessionId: id, path: 'web/html/index.html', content: 'x', ifMatch: saved.etag })).rejects.toMatchObject({
      code: 'conflict',
      details: { reason: 'changed', current: null },
    });
  });

  it('keeps bytes and executable bits, and refuses content over the limit', async () => {
    const { manager, home, id } = await setup();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await manager.writeFile({ sessionId: id, path: 'blob.bin', content: bytes });
    expect([...readFileSync(path.join(home, 'blob.bin'))]).toEqual([0, 1, 2, 255]);
    const download = await manager.readFile(id, 'blob.bin', 'bytes');
    expect(download.kind).toBe('bytes');
    expect([...(download as { data: Uint8Array }).data]).toEqual([0, 1, 2, 255]);
    await manager.writeFile({ sessionId: id, path: 'start.sh', content: '#!/bin/sh\necho hi\n', executable: true });
    expect(statSync(path.join(home, 'start.sh')).mode & 0o111).not.toBe(0);
    await expect(manager.writeFile({ sessionId: id, path: 'huge.txt', content: 'a'.repeat(MAX_EDIT_BYTES + 1) })).rejects.toMatchObject({ code: 'limit' });
  });

  it('creates folders, renames and deletes (a non-empty folder only when asked)', async () => {
    const { manager, home, id } = await setup();
    expect(await manager.makeDir(id, 'project/src')).toMatchObject({ kind: 'dir' });
    await expect(manager.makeDir(id, 'project')).rejects.toMatchObject({ code: 'conflict', details: { reason: 'exists' } });
    writeFileSync(path.join(home, 'project/src/app.js'), 'console.log(1)');
    expect(await manager.renamePath(id, 'project/src/app.js', 'project/src/main.js')).toMatchObject({ kind: 'file', path: 'project/src/main.js' });
    await expect(manager.renamePath(id, 'project', 'project/src/inside')).rejects.toMatchObject({ code: 'bad_request' });
    writeFileSync(path.join(home, 'other.js'), '');
    await expect(manager.renamePath(id, 'other.js', 'project/src/main.js')).rejects.toMatchObject({ code: 'conflict', details: { reason: 'exists' } });
    await expect(manager.removePath(id, 'project', false)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'not-empty' } });
    await manager.removePath(id, 'project', true);
    expect(existsSync(path.join(home, 'project'))).toBe(false);
    await expect(manager.removePath(id, 'project', true)).rejects.toMatchObject({ code: 'not_found' });
    expect(lstatSync(path.join(home, 'other.js')).isFile()).toBe(true);
  });

  it('watches folders, open files and listening ports, and stops when nobody watches', async () => {
    const { manager, driver, home, id, changes, ports } = await setup();
    mkdirSync(path.join(home, 'app'));
    writeFileSync(path.join(home, 'app/compose.yaml'), 'services: {}\n');
    driver.setListening(id, [{ port: 8080 }, { port: 5432, loopback: true }]);
    const first = await manager.watch(id, 'viewer-1', { dirs: ['', 'app'], files: ['app/compose.yaml'] });
    expect(first.ports).toEqual([
      { port: 5432, scope: 'loopback' },
      { port: 8080, scope: 'any' },
    ]);
    writeFileSync(path.join(home, 'made-in-terminal.txt'), 'hi');
    await expect.poll(() => changes.flatMap((c) => c.dirs), { timeout: 4000 }).toContain('');
    writeFileSync(path.join(home, 'app/compose.yaml'), 'services:\n  web:\n    image: nginx\n');
    await expect.poll(() => changes.flatMap((c) => c.files.map((f) => f.path)), { timeout: 4000 }).toContain('app/compose.yaml');
    const etag = changes.flatMap((c) => c.files).at(-1)!.etag;
    expect((await manager.readFile(id, 'app/compose.yaml')).etag).toBe(etag);
    rmSync(path.join(home, 'app/compose.yaml'));
    await expect.poll(() => changes.flatMap((c) => c.files).at(-1), { timeout: 4000 }).toEqual({ path: 'app/compose.yaml', etag: null });
    driver.setListening(id, [{ port: 3000 }]);
    await expect.poll(() => ports.at(-1)?.ports, { timeout: 4000 }).toEqual([{ port: 3000, scope: 'any' }]);
    expect(ports.at(-1)!.portsVersion).toBeGreaterThan(first.portsVersion);
    expect(driver.calls.filter((c) => c.startsWith('spawn'))).toHaveLength(1);
    manager.unwatch(id, 'viewer-1');
    const before = changes.length;
    writeFileSync(path.join(home, 'after.txt'), '');
    await new Promise((r) => setTimeout(r, 1500));
    expect(changes.length).toBe(before);
    // The script is a plain bash file; make sure it is still there for the next watcher.
    expect(execFileSync('bash', ['-n', path.join(import.meta.dirname, 'berth-watch.sh')]).toString()).toBe('');
  });
});
