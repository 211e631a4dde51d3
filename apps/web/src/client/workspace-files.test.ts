import { afterEach, describe, expect, it } from 'vitest';
import { refreshGrant } from './api';
import { LearnerConnection } from './learner-connection';
import { FakeGateway } from './testing/fake-gateway';
import { until } from './testing/until';
import { WorkspaceFiles, type KeyValueStorage } from './workspace-files';

let cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

class MemoryStorage implements KeyValueStorage {
  readonly data = new Map<string, string>();
  getItem(key: string) {
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.data.set(key, value);
  }
}

async function setUp(session = new MemoryStorage(), gw?: FakeGateway) {
  const gateway = gw ?? (await FakeGateway.start());
  if (!gw) cleanups.push(() => gateway.close());
  const conn = new LearnerConnection(gateway.issueGrant(), {
    url: gateway.url,
    refreshGrant: (id) => refreshGrant(id, { base: gateway.url }),
    reconnectionDelay: 10,
    reconnectionDelayMax: 40,
    logger: { warn: () => undefined },
  });
  const files = new WorkspaceFiles(conn, { session, prefs: new MemoryStorage() });
  cleanups.push(() => files.dispose(), () => conn.dispose());
  conn.connect();
  await until(() => files.getSnapshot().available, 'the session to be ready');
  return { gw: gateway, conn, files, session };
}

const snap = (files: WorkspaceFiles) => files.getSnapshot();
const names = (files: WorkspaceFiles, dir = '') => {
  const d = snap(files).dirs.get(dir);
  return d?.status === 'ready' ? d.entries.map((e) => e.name) : null;
};

describe('WorkspaceFiles', { timeout: 20_000 }, () => {
  it('lists the home, follows files made in the terminal, and watches what is open', async () => {
    const { gw, files } = await setUp();
    gw.files.put('README.txt', 'hello');
    await until(() => names(files)?.includes('README.txt') ?? false, 'the first listing');
    gw.files.put('app/Dockerfile', 'FROM nginx\n');
    await until(() => names(files)?.includes('app') ?? false, 'the new folder');
    files.toggleDir('app');
    await until(() => names(files, 'app')?.includes('Dockerfile') ?? false, 'the folder opened');
    await until(() => JSON.stringify(gw.files.watches.values().next().value) === JSON.stringify({ dirs: ['', 'app'], files: [] }), 'the watch');
    gw.files.setPorts([{ port: 8080, scope: 'any' }]);
    await until(() => snap(files).ports.length === 1, 'the ports');
  });

  it('opens and saves with the version it read; a change in the sandbox reloads a clean file', async () => {
    const { gw, files } = await setUp();
    gw.files.put('index.html', '<h1>v1</h1>');
    await files.open('index.html');
    const doc = () => snap(files).docs.get('index.html')!;
    expect(doc()).toMatchObject({ status: 'ready', base: '<h1>v1</h1>', revision: 1 });
    expect(snap(files).activeTab).toBe('file:index.html');
    files.setDirty('index.html', true);
    expect(await files.save('index.html', '<h1>v2</h1>')).toBe(true);
    expect(gw.files.nodes.get('index.html')!.content.toString()).toBe('<h1>v2</h1>');
    expect(doc()).toMatchObject({ base: '<h1>v2</h1>', etag: gw.files.etag('index.html') });
    files.setDirty('index.html', false);
    // Changed in the terminal while the editor has nothing unsaved: it shows the new text.
    gw.files.put('index.html', '<h1>from the terminal</h1>');
    await until(() => doc().base === '<h1>from the terminal</h1>', 'the reload');
    expect(doc()).toMatchObject({ revision: 2, conflict: null });
    expect(doc().reloadedAt).not.toBeNull();
  });

  it('asks when the file changed in the sandbox while the editor had unsaved edits (keep mine, take theirs)', async () => {
    const { gw, files } = await setUp();
    gw.files.put('compose.yaml', 'services: {}\n');
    await files.open('compose.yaml');
    const doc = () => snap(files).docs.get('compose.yaml')!;
    files.setDirty('compose.yaml', true);
    gw.files.put('compose.yaml', 'services:\n  web: {}\n');
    await until(() => doc().conflict !== null, 'the conflict');
    expect(doc().conflict).toMatchObject({ kind: 'changed', theirs: 'services:\n  web: {}\n' });
    // A plain save does not silently overwrite while the conflict is open.
    expect(await files.save('compose.yaml', 'mine\n')).toBe(false);
    expect(await files.keepMine('compose.yaml', 'mine\n')).toBe(true);
    expect(gw.files.nodes.get('compose.yaml')!.content.toString()).toBe('mine\n');
    expect(doc().conflict).toBeNull();

    // Again, and this time take theirs: the editor is told to show their text.
    files.setDirty('compose.yaml', true);
    gw.files.put('compose.yaml', 'theirs\n');
    await until(() => doc().conflict !== null, 'the second conflict');
    const revision = doc().revision;
    files.takeTheirs('compose.yaml');
    expect(doc()).toMatchObject({ base: 'theirs\n', dirty: false, conflict: null, revision: revision + 1 });
    expect(gw.files.nodes.get('compose.yaml')!.content.toString()).toBe('theirs\n');
  });

  it('a save over a version it never heard of becomes a conflict, not an overwrite', async () => {
    const { gw, files } = await setUp();
    gw.files.put('app.js', 'v1');
    await files.open('app.js');
    // Changed behind its back (no watch event reaches it in time).
    gw.files.watches.clear();
    gw.files.put('app.js', 'v2 from a container');
    files.setDirty('app.js', true);
    expect(await files.save('app.js', 'mine')).toBe(false);
    expect(gw.files.nodes.get('app.js')!.content.toString()).toBe('v2 from a container');
    expect(snap(files).docs.get('app.js')!.conflict).toMatchObject({ kind: 'changed', theirs: 'v2 from a container' });
  });

  it('tells apart deleted, binary and too large files', async () => {
    const { gw, files } = await setUp();
    gw.files.put('logo.png', Buffer.from([0x89, 0x50, 0, 1]));
    gw.files.put('big.log', Buffer.alloc(800 * 1024, 0x61));
    gw.files.put('notes.md', '# notes');
    await files.open('logo.png');
    await files.open('big.log');
    await files.open('notes.md');
    expect(snap(files).docs.get('logo.png')!.status).toBe('binary');
    expect(snap(files).docs.get('big.log')).toMatchObject({ status: 'too-large', size: 800 * 1024 });
    gw.files.delete('notes.md');
    await until(() => snap(files).docs.get('notes.md')!.status === 'deleted', 'the deletion');
    // Saving a deleted file brings it back.
    expect(await files.save('notes.md', '# notes again')).toBe(true);
    expect(gw.files.nodes.get('notes.md')!.content.toString()).toBe('# notes again');
  });

  it('creates, renames (open files follow) and deletes, and keeps open tabs across a reload of the page', async () => {
    const session = new MemoryStorage();
    const { gw, files, conn } = await setUp(session);
    await files.createFolder('', 'web');
    const path = await files.createFile('web', 'index.html');
    expect(path).toBe('web/index.html');
    expect(gw.files.nodes.get('web/index.html')!.content.length).toBe(0);
    expect(snap(files).activeTab).toBe('file:web/index.html');
    await files.rename('web', 'site');
    expect(snap(files).docs.has('site/index.html')).toBe(true);
    expect(snap(files).activeTab).toBe('file:site/index.html');
    files.openPreview(8080);
    expect(snap(files).tabs.map((t) => (t.kind === 'file' ? t.path : t.port))).toEqual(['site/index.html', 8080]);

    // A reload of the page: same tabs, same open folders.
    files.dispose();
    conn.dispose();
    const again = await setUp(session, gw);
    expect(snap(again.files).tabs.map((t) => (t.kind === 'file' ? t.path : t.port))).toEqual(['site/index.html', 8080]);
    await until(() => snap(again.files).docs.get('site/index.html')?.status === 'ready', 'the file loaded again');

    await again.files.remove('site', true);
    expect(gw.files.nodes.has('site/index.html')).toBe(false);
    expect(snap(again.files).docs.has('site/index.html')).toBe(false);
  });

  it('uploads a file next to the others (never over one) and downloads bytes as they are', async () => {
    const { gw, files } = await setUp();
    gw.files.put('web/index.html', 'x');
    const bytes = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
    expect(await files.upload('web', 'logo.png', bytes)).toBe('web/logo.png');
    expect([...gw.files.nodes.get('web/logo.png')!.content]).toEqual([...bytes]);
    await expect(files.upload('web', 'logo.png', bytes)).rejects.toMatchObject({ code: 'conflict', details: { reason: 'exists' } });
    await expect(files.upload('', 'huge.bin', new Uint8Array(800 * 1024))).rejects.toMatchObject({ code: 'limit', details: { reason: 'too-large' } });
    expect([...(await files.download('web/logo.png'))]).toEqual([...bytes]);
  });
});
