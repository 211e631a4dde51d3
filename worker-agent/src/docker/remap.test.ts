import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decideRemap, inspectHost, REMAP_OFF_WARNING, type EngineInfoSource } from './docker-driver';

// The agent's decision about the host engine's user-namespace remapping (ARCHITECTURE.md,
// "A sandbox, and why it is safe"): a remapped engine is used as it is; one that is not
// is refused unless the operator turned sandbox.usernsRemap off, and then warned about.
const REMAPPED = { securityOptions: ['name=apparmor', 'name=seccomp,profile=default', 'name=userns'], dockerRootDir: '/var/lib/docker/3000000.3000000' };
const PLAIN = { securityOptions: ['name=apparmor', 'name=seccomp,profile=default'], dockerRootDir: '/var/lib/docker' };

describe('decideRemap', () => {
  it('a remapped engine with the default config: the base from its root dir, no warning', () => {
    expect(decideRemap(REMAPPED, true)).toEqual({ hostUidBase: 3_000_000, warnings: [] });
  });

  it('an engine that is not remapped, default config: refused, and the message says what to do', () => {
    expect(() => decideRemap(PLAIN, true)).toThrow(/does not run with --userns-remap: run infra\/setup-host\.sh, or set sandbox\.usernsRemap=false/);
    expect(() => decideRemap({ dockerRootDir: '/var/lib/docker' }, true)).toThrow(/--userns-remap/);
  });

  it('an engine that is not remapped, usernsRemap: false: allowed, host uids unshifted, one warning', () => {
    expect(decideRemap(PLAIN, false)).toEqual({ hostUidBase: 0, warnings: [REMAP_OFF_WARNING] });
    expect(REMAP_OFF_WARNING).toMatch(/remapping is OFF.*host root/);
  });

  it('a remapped engine is used even when the config says usernsRemap: false (remapping is never turned off by the agent)', () => {
    expect(decideRemap(REMAPPED, false)).toEqual({ hostUidBase: 3_000_000, warnings: [] });
  });

  it('a remapped engine whose root dir does not name the base is refused, not guessed', () => {
    expect(() => decideRemap({ ...REMAPPED, dockerRootDir: '/srv/docker' }, true)).toThrow(/cannot read the remap base/);
  });
});

describe('inspectHost', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-remap-'));
  const seccompProfilePath = join(dir, 'seccomp.json');
  writeFileSync(seccompProfilePath, '{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": []}');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const engine = (e: typeof PLAIN) =>
    ({
      info: async () => ({ SecurityOptions: e.securityOptions, DockerRootDir: e.dockerRootDir, ServerVersion: '26.1.5+dfsg1' }),
      getNetwork: () => {
        throw new Error('not asked when the mirror host is given');
      },
    }) as unknown as EngineInfoSource;
  const opts = (usernsRemap: boolean) => ({ usernsRemap, seccompProfilePath, mirrorHost: '172.17.0.1' });
  // The host's kernel.keys.maxkeys may add a warning of its own: these look at remapping only.
  const remapWarnings = (w: string[]) => w.filter((x) => /remap/i.test(x));

  it('remapped + default config: no remapping warning', async () => {
    const facts = await inspectHost(engine(REMAPPED), opts(true));
    expect(facts.hostUidBase).toBe(3_000_000);
    expect(remapWarnings(facts.warnings)).toEqual([]);
  });

  it('not remapped + default config: refuses', async () => {
    await expect(inspectHost(engine(PLAIN), opts(true))).rejects.toThrow(/does not run with --userns-remap/);
  });

  it('not remapped + usernsRemap: false: the warning is among the host facts', async () => {
    const facts = await inspectHost(engine(PLAIN), opts(false));
    expect(facts.hostUidBase).toBe(0);
    expect(remapWarnings(facts.warnings)).toEqual([REMAP_OFF_WARNING]);
  });
});
