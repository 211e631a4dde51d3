import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createConnection, createServer, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SANDBOX_CAPABILITIES } from '../../worker-agent/src/docker/docker-driver';
import { openTerminal, sessionId, sh, startTestAgent, type TestAgent } from './harness';

// What a security reviewer checks before learners get a sandbox: nothing of a session
// runs as a host uid another session (or the host) uses, the kernel's global knobs and
// the host's devices, log, keyring and Docker socket are out of reach even for root in
// a --privileged inner container, sessions cannot reach the host or each other, and
// the learner has no privilege. Every refusal is paired with a positive control, so a
// probe that cannot work (missing tool, wrong address) fails instead of passing.

let t: TestAgent;
const A = sessionId('iso-a');
const B = sessionId('iso-b');

/** Host facts about one sandbox container, read from the host engine. */
interface Sandbox {
  containerId: string;
  ip: string;
  gateway: string;
  mirror: string;
}
const box: Record<string, Sandbox> = {};

function dockerInspect(session: string): Sandbox {
  const ids = execFileSync('docker', ['ps', '-q', '--no-trunc', '--filter', 'label=berth.agent=it-isolation', '--filter', `label=berth.session=${session}`], {
    encoding: 'utf8',
  })
    .trim()
    .split('\n')
    .filter(Boolean);
  expect(ids, `exactly one running container for ${session}`).toHaveLength(1);
  const [info] = JSON.parse(execFileSync('docker', ['inspect', ids[0] as string], { encoding: 'utf8' })) as {
    Id: string;
    Config: { Env: string[] };
    NetworkSettings: { Networks: Record<string, { IPAddress: string; Gateway: string }> };
  }[];
  if (!info) throw new Error(`docker inspect ${ids[0]} returned nothing`);
  const nets = Object.values(info.NetworkSettings.Networks);
  expect(nets, 'a sandbox is on exactly one network, its own').toHaveLength(1);
  const mirror = info.Config.Env.find((e) => e.startsWith('BERTH_MIRROR='))?.slice('BERTH_MIRROR='.length);
  if (!mirror) throw new Error('the sandbox has no BERTH_MIRROR');
  return { containerId: info.Id, ip: nets[0]?.IPAddress ?? '', gateway: nets[0]?.Gateway ?? '', mirror };
}

/** Runs a command as the learner and insists that it worked (setup steps). */
async function must(session: string, command: string, timeoutMs = 60_000): Promise<string> {
  const r = await sh(t, session, command, timeoutMs);
  expect(r.exitCode, `${command}\n${r.stdout}\n${r.stderr}`).toBe(0);
  return r.stdout;
}

beforeAll(async () => {
  t = await startTestAgent('isolation', { first: 20, count: 4 });
  for (const id of [A, B]) expect((await t.client.request('sandbox:create', { sessionId: id })).state).toBe('ready');
  // Long-lived inner containers: root in one (inner uid 0) and a non-root user in another
  // (inner uid 1000), so both halves of the learner's uid mapping have live processes.
  const keep = 'docker run -d --name keep busybox sleep 3600 && docker run -d --name keep-user --user 1000:1000 busybox sleep 3600';
  await Promise.all([
    must(A, `docker pull -q debian:bookworm >/dev/null && ${keep}`),
    // B publishes a port: rootlesskit listens on B's own sandbox address, port 8080.
    must(
      B,
      `${keep} && docker run -d --name web -p 8080:8080 busybox httpd -f -p 8080 -h /etc` +
        ' && for i in $(seq 100); do curl -fsS -o /dev/null --max-time 1 http://127.0.0.1:8080/hostname && exit 0; sleep 0.1; done; exit 1',
    ),
  ]);
  box.A = dockerInspect(A);
  box.B = dockerInspect(B);
});

afterAll(async () => {
  await t?.stop();
});

// ---------------------------------------------------------------------------------------
// 1. Host uids
// ---------------------------------------------------------------------------------------

/** Every thread id in a container's cgroup (v1 pids hierarchy, cgroupfs driver), recursively. */
function cgroupTasks(containerId: string): number[] {
  const tids = new Set<number>();
  const walk = (dir: string) => {
    for (const line of readFileSync(`${dir}/tasks`, 'utf8').split('\n')) if (line) tids.add(Number(line));
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) walk(`${dir}/${e.name}`);
  };
  walk(`/sys/fs/cgroup/pids/docker/${containerId}`);
  return [...tids];
}

interface HostProc {
  tid: number;
  cmd: string;
  /** real, effective, saved, filesystem */
  uids: number[];
  /** real, effective, saved, filesystem, then the supplementary groups */
  gids: number[];
}

function hostProcs(containerId: string): HostProc[] {
  const out: HostProc[] = [];
  for (const tid of cgroupTasks(containerId)) {
    try {
      const status = readFileSync(`/proc/${tid}/status`, 'utf8');
      const ids = (key: string) =>
        (new RegExp(`^${key}:[ \\t]*(.*)$`, 'm').exec(status)?.[1] ?? '').split(/\s+/).filter(Boolean).map(Number);
      const cmd = readFileSync(`/proc/${tid}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      out.push({ tid, cmd, uids: ids('Uid'), gids: [...ids('Gid'), ...ids('Groups')] });
    } catch {
      // the task exited between listing and reading
    }
  }
  return out;
}

const remapBase = () => Number(/\/(\d+)\.\d+$/.exec(execFileSync('docker', ['info', '--format', '{{.DockerRootDir}}'], { encoding: 'utf8' }).trim())?.[1] ?? 0);

describe('host uids', () => {
  it('runs every process of a session (shell, daemon, inner containers) as its own unprivileged host uids, disjoint from the other session', async () => {
    const base = remapBase();
    // Without user-namespace remapping the sandbox's own root would be host root.
    expect(base, 'the host engine runs with --userns-remap').toBeGreaterThanOrEqual(3_000_000);
    for (const id of [A, B]) {
      const term = await openTerminal(t, id, 'uids');
      await term.waitFor(/\$ $/, 20_000);
    }
    const seen: Record<string, { uids: Set<number>; gids: Set<number>; procs: HostProc[] }> = {};
    for (const [name, id] of [
      ['A', A],
      ['B', B],
    ] as const) {
      const procs = hostProcs(box[name]!.containerId);
      const uids = new Set(procs.flatMap((p) => p.uids));
      const gids = new Set(procs.flatMap((p) => p.gids));
      seen[name] = { uids, gids, procs };
      const ident = t.agent.manager.identity(id);
      console.log(
        `session ${name} (slot ${ident.slot}, learner ${ident.learnerUid}, subuids ${ident.subuidStart}+${ident.subuidCount}): ` +
          `${procs.length} tasks, host uids [${[...uids].sort((x, y) => x - y).join(', ')}], host gids [${[...gids].sort((x, y) => x - y).join(', ')}]`,
      );
      // One line per program and identity (threads of a process share both).
      const groups = new Map<string, number>();
      for (const p of procs) {
        const key = `uid ${p.uids.join('/')} gid ${p.gids.join('/')}  ${p.cmd.slice(0, 80)}`;
        groups.set(key, (groups.get(key) ?? 0) + 1);
      }
      for (const [key, n] of groups) console.log(`  ${name} ${String(n).padStart(3)} task(s) ${key}`);

      // The walk really covers the session: its terminal, its daemon and its inner containers.
      const learner = base + ident.learnerUid;
      const shell = procs.find((p) => p.cmd === 'bash -l');
      expect(shell?.uids, 'the terminal shell runs as the learner host uid').toEqual([learner, learner, learner, learner]);
      expect(procs.some((p) => /^(dockerd|\/usr\/sbin\/dockerd)\b/.test(p.cmd)), 'the inner dockerd is in the cgroup').toBe(true);
      expect(procs.filter((p) => p.cmd === 'sleep 3600').length, 'both inner sleep containers are in the cgroup').toBe(2);

      const subFirst = base + ident.subuidStart;
      const subLast = subFirst + ident.subuidCount - 1;
      const outside = (ids: Set<number>) => [...ids].filter((u) => u !== learner && (u < subFirst || u > subLast));
      expect([...uids].filter((u) => u === 0), 'no host root').toEqual([]);
      expect([...uids].filter((u) => u < base), `nothing below the remap base ${base}`).toEqual([]);
      expect(outside(uids), `uids outside ${learner} and ${subFirst}..${subLast}`).toEqual([]);
      expect(outside(gids), `gids outside ${learner} and ${subFirst}..${subLast}`).toEqual([]);
      // Both halves of the mapping are live: inner root = the learner, inner uid 1000 = subuid start + 999.
      expect(uids.has(learner)).toBe(true);
      expect(uids.has(subFirst + 999)).toBe(true);
    }
    const shared = [...seen.A!.uids].filter((u) => seen.B!.uids.has(u));
    expect(shared, 'host uids used by both sessions').toEqual([]);
    expect([...seen.A!.gids].filter((g) => seen.B!.gids.has(g)), 'host gids used by both sessions').toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------
// 2. Kernel knobs, devices, kernel log, keyring, host Docker socket
// ---------------------------------------------------------------------------------------

/**
 * A probe is a bash snippet that exits 0 if and only if the forbidden thing WORKED.
 * Writes use a harmless value (the current one where there is one), so a probe that
 * unexpectedly succeeds changes nothing on the host.
 */
interface Probe {
  name: string;
  why: string;
  script: string;
}

const probes: Probe[] = [
  {
    name: 'write /proc/sys/kernel/core_pattern',
    why: 'the kernel runs a "|program" core_pattern as host root on any crash',
    script: 'try_write /proc/sys/kernel/core_pattern "$(cat /proc/sys/kernel/core_pattern)"',
  },
  {
    name: 'write /proc/sys/kernel/modprobe',
    why: 'the kernel runs it as host root for unknown module requests',
    script: 'try_write /proc/sys/kernel/modprobe "$(cat /proc/sys/kernel/modprobe)"',
  },
  {
    name: 'write /proc/sys/vm/drop_caches',
    why: 'a global knob: one session could degrade the whole host (4 only silences the log line)',
    script: 'try_write /proc/sys/vm/drop_caches 4',
  },
  {
    name: 'write /proc/sysrq-trigger',
    why: 'sysrq can reboot or crash the host (h only prints help)',
    script: 'try_write /proc/sysrq-trigger h',
  },
  {
    name: 'write any visible cgroup release_agent',
    why: 'release_agent runs as host root when a cgroup empties',
    script: `found=0
for f in /sys/fs/cgroup/*/release_agent /sys/fs/cgroup/release_agent; do
  [ -e "$f" ] || continue; found=1
  try_write "$f" "$(cat "$f")" && exit 0
done
[ $found = 1 ] || echo "no release_agent visible"; exit 1`,
  },
  {
    name: 'write release_agent of a freshly mounted cgroup v1 hierarchy',
    why: 'CVE-2022-0492: mount cgroup v1 in a new user+cgroup namespace and set release_agent',
    script: `need mount unshare mktemp
d=$(mktemp -d); r=1
attempt='mount -t cgroup -o none,name=berthprobe cgroup "$1" && echo "mounted in $2" && printf "/bin/true\\n" > "$1/release_agent"; s=$?; umount "$1" 2>/dev/null; exit $s'
if [ "$(id -u)" = 0 ]; then sh -c "$attempt" sh "$d" "this namespace" && r=0; fi
unshare -UrmC sh -c "$attempt" sh "$d" "a new user namespace" && r=0
rmdir "$d"; exit $r`,
  },
  {
    name: 'write /sys/kernel/mm/transparent_hugepage/enabled',
    why: 'sysfs knobs are host-global',
    // Root first tries to make /sys writable again: the sandbox's read-only /sys must stay locked.
    script: `f=/sys/kernel/mm/transparent_hugepage/enabled
[ "$(id -u)" = 0 ] && mount -o remount,rw /sys 2>&1
try_write $f "$(sed -E "s/.*\\[(.*)\\].*/\\1/" $f)"`,
  },
  {
    name: "raise the sandbox's own memory and pids limits",
    why: "a session that can edit its cgroup's limits escapes its quota",
    script: `r=1
for f in /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/pids/pids.max; do
  try_write $f "$(cat $f)" && r=0
done; exit $r`,
  },
  {
    name: 'find a block device under /dev',
    why: 'a host disk device would give raw access to every session and the host',
    // Not `find -type b`: under userns-remap devices are bind-mounted over plain files, and
    // find's -type trusts the directory entry (a regular file), so it misses them all.
    script: 'need find; b=$(find /dev -exec test -b {} \\; -print 2>/dev/null); [ -n "$b" ] && echo "$b"',
  },
  {
    name: 'create and read a block device node (mknod)',
    why: 'mknod of the host disk (8:0 / 253:0 / 259:0) would bypass /dev',
    script: `need mknod mktemp; d=$(mktemp -d); r=1
for dev in "8 0" "253 0" "259 0"; do
  mknod "$d/disk" b $dev && head -c 512 "$d/disk" >/dev/null && { echo "read block device $dev"; r=0; }
  rm -f "$d/disk"
done; rmdir "$d"; exit $r`,
  },
  { name: 'read the kernel log (dmesg)', why: 'the host kernel log leaks other sessions and host addresses', script: 'need dmesg; dmesg >/dev/null' },
  { name: 'open /proc/kmsg', why: 'reading it consumes the host kernel log', script: 'exec 3</proc/kmsg' },
  { name: 'read /proc/kcore', why: 'it is the host physical memory', script: 'head -c 1 /proc/kcore >/dev/null' },
  {
    name: 'read kernel addresses from /proc/kallsyms',
    why: 'real symbol addresses defeat KASLR for a kernel exploit',
    script: `need awk; awk '$1 !~ /^0+$/ { print "address: " $1 " " $3; found = 1; exit } END { exit !found }' /proc/kallsyms`,
  },
  // Syscall numbers are x86_64's: add_key 248, keyctl 250 (getpid 39 in the controls).
  {
    name: 'add_key (keyring)',
    why: 'kernel keyrings are not namespaced: keys could be shared across sessions',
    script: `need perl; perl -e 'my ($t, $d, $p) = ("user", "berthprobe", "v"); my $r = syscall(248, $t, $d, $p, 1, -4); print $r < 0 ? "refused: $!" : "allowed"; exit($r < 0 ? 1 : 0)'`,
  },
  {
    name: 'keyctl (keyring)',
    why: 'KEYCTL_GET_KEYRING_ID(session keyring, create): the same shared kernel keyrings',
    script: `need perl; perl -e 'my $r = syscall(250, 0, -3, 1); print $r < 0 ? "refused: $!" : "allowed"; exit($r < 0 ? 1 : 0)'`,
  },
  {
    name: "use the host's Docker socket",
    why: 'the host Docker socket is host root',
    script: `for s in /var/run/docker.sock /run/docker.sock; do
  if [ -e "$s" ]; then docker_api "$s" && exit 0; echo "$s present but unusable"; else echo "$s absent"; fi
done; exit 1`,
  },
];

/** Must succeed in every vantage point: they show the probes' own means work there. */
const controls: Probe[] = [
  { name: 'read /proc/sys/kernel/core_pattern', why: 'proc is there: only writing is refused', script: 'cat /proc/sys/kernel/core_pattern' },
  {
    name: 'find /dev/null with the block-device method',
    why: 'the stat-based walk sees bind-mounted device nodes',
    script: 'need find; find /dev -exec test -c {} \\; -print | grep -qx /dev/null',
  },
  { name: 'perl syscall getpid', why: 'perl syscall() works: a refused keyring call is the kernel saying no', script: `need perl; perl -e 'exit(syscall(39) > 0 ? 0 : 1)'` },
  { name: 'docker_api on the learner socket', why: 'the socket probe recognises a usable Docker API', script: 'docker_api "$CONTROL_SOCK" | grep -q ApiVersion' },
];

const PRELUDE = String.raw`
need() { for c in "$@"; do command -v "$c" >/dev/null 2>&1 || { echo "missing: $c"; exit 127; }; done; }
# Exit 0 iff the kernel accepted the write; an absent file counts as refused.
try_write() { [ -e "$1" ] || { echo "$1: absent"; return 1; }; printf '%s\n' "$2" > "$1"; }
# Exit 0 iff a Docker API answers GET /version on the socket $1 (curl, else perl).
docker_api() {
  if command -v curl >/dev/null; then curl -fsS --max-time 3 --unix-socket "$1" http://x/version
  else timeout 3 perl -MIO::Socket::UNIX -e '
    my $s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or die "connect $ARGV[0]: $!\n";
    print $s "GET /version HTTP/1.0\r\nHost: x\r\n\r\n"; local $/; my $r = <$s>;
    print $r; exit($r =~ m{^HTTP/1\.[01] 200} ? 0 : 1)' "$1"; fi
}
`;

/** One bash script running every probe under a short timeout, one tab-separated line each. */
function probeScript(list: Probe[]): string {
  const lines = [PRELUDE];
  list.forEach((p, i) => {
    lines.push(`p${i}() {\n${p.script}\n}`);
    lines.push(
      `out=$(timeout 8 bash -c "$(declare -f need try_write docker_api p${i}); p${i}" 2>&1 </dev/null); rc=$?`,
      `printf 'PROBE\\t%s\\t%s\\t%s\\n' ${i} $rc "$(printf %s "$out" | tr '\\n\\t' '  ' | cut -c1-300)"`,
    );
  });
  return lines.join('\n');
}

type Verdict = 'refused' | 'ALLOWED' | 'timed out' | 'probe could not run' | 'no result';
function verdict(rc: number | undefined): Verdict {
  if (rc === undefined) return 'no result';
  if (rc === 0) return 'ALLOWED';
  if (rc === 124) return 'timed out';
  if (rc === 126 || rc === 127) return 'probe could not run';
  return 'refused';
}

/** Where the probes run: the learner's shell, or an inner container (debian:bookworm, root). */
interface Vantage {
  name: string;
  /** Extra `docker run` flags, or null for the learner's own shell. */
  docker: string[] | null;
}
const vantages: Vantage[] = [
  { name: 'the learner in the sandbox', docker: null },
  { name: 'root in an inner container', docker: [] },
  // A plain --privileged cannot start here (see the test below); /sys bound from the
  // sandbox (read-only, locked) is all it lacks, so this is the most a learner can ask for.
  { name: 'root in an inner --privileged container', docker: ['--privileged', '-v', '/sys:/sys'] },
];

/** Runs the probes from a vantage point in session A; returns rc and output by probe index. */
async function runProbes(v: Vantage, list: Probe[]) {
  const b64 = Buffer.from(probeScript(list)).toString('base64');
  const runner =
    v.docker === null
      ? 'CONTROL_SOCK=$XDG_RUNTIME_DIR/docker.sock bash -s'
      : `docker run --rm -i -e CONTROL_SOCK=/berth-control.sock -v "$XDG_RUNTIME_DIR/docker.sock:/berth-control.sock" ${v.docker.join(' ')} debian:bookworm bash -s`;
  const r = await sh(t, A, `printf %s ${b64} | base64 -d | ${runner}`, 60_000);
  const results = new Map<number, { rc: number; out: string }>();
  for (const line of r.stdout.split('\n')) {
    const [tag, i, rc, out] = line.split('\t');
    if (tag === 'PROBE') results.set(Number(i), { rc: Number(rc), out: out ?? '' });
  }
  if (results.size !== list.length) console.log(`${v.name}: runner exit ${r.exitCode}\n${r.stdout}\n${r.stderr}`);
  return results;
}

describe('kernel knobs, devices, kernel log, keyring and the host Docker socket', () => {
  for (const v of vantages) {
    it(`are out of reach for ${v.name}`, async () => {
      const all = [...probes, ...controls];
      const results = await runProbes(v, all);
      for (const [i, p] of all.entries()) {
        const r = results.get(i);
        console.log(`[${v.name}] ${p.name}: ${verdict(r?.rc)} (rc ${r?.rc}) ${r?.out ?? ''}`);
      }
      const verdicts = Object.fromEntries(probes.map((p, i) => [p.name, verdict(results.get(i)?.rc)]));
      expect(verdicts).toEqual(Object.fromEntries(probes.map((p) => [p.name, 'refused'])));
      const controlVerdicts = Object.fromEntries(controls.map((c, i) => [c.name, verdict(results.get(probes.length + i)?.rc)]));
      expect(controlVerdicts, 'positive controls').toEqual(Object.fromEntries(controls.map((c) => [c.name, 'ALLOWED'])));
    });
  }

  it('either refuses a plain --privileged inner container or gives it nothing more', async () => {
    const started = await sh(t, A, 'docker run --rm --privileged debian:bookworm true', 30_000);
    if (started.exitCode !== 0) {
      // runc mounts a fresh read-write sysfs, which the kernel refuses under the sandbox's read-only /sys.
      console.log(`plain --privileged does not start: ${started.stderr.trim()}`);
      expect(started.stderr).toMatch(/sysfs/);
      return;
    }
    const results = await runProbes({ name: 'root in a plain --privileged container', docker: ['--privileged'] }, probes);
    const verdicts = Object.fromEntries(probes.map((p, i) => [p.name, verdict(results.get(i)?.rc)]));
    expect(verdicts).toEqual(Object.fromEntries(probes.map((p) => [p.name, 'refused'])));
  });
});

// ---------------------------------------------------------------------------------------
// 3. Network
// ---------------------------------------------------------------------------------------

/** bash-only TCP probes (they work in the sandbox and in debian:bookworm alike). */
const NET_PRELUDE = String.raw`
# Exit 0 iff a TCP connection to $1:$2 opens within 3 s.
tcp() { timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$1" "$2"; }
# Prints the HTTP status line of GET $3 from $1:$2.
http_status() { timeout 5 bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$0" >&3 && head -n 1 <&3' "$1" "$2" "$3"; }
`;

interface NetProbe {
  name: string;
  /** bash using tcp / http_status; exit 0 = reachable */
  script: string;
  expect: 'reachable' | 'unreachable';
}

/** A TCP service on the host that records who connected, as a careless operator might run one. */
async function hostService(host: string, ipv6Only = false) {
  const peers: string[] = [];
  const server = createServer((s) => {
    peers.push(s.remoteAddress ?? '?');
    s.end('host-service\n');
  });
  await new Promise<void>((resolve) => server.listen({ port: 0, host, ipv6Only }, resolve));
  return { peers, port: (server.address() as AddressInfo).port, close: () => new Promise((r) => server.close(r)) };
}

/** Connects from the host itself: proves a service listens on the address a sandbox probe uses. */
function hostConnect(host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const c = createConnection({ host, port }, () => c.end(resolve));
    c.once('error', reject);
  });
}

/** The host's IPv6 link-local address on a bridge (the IPv6 gateway a sandbox would see), if any. */
function linkLocal(ifname: string): string | undefined {
  return /inet6 (fe80::[0-9a-f:]+)\//.exec(execFileSync('ip', ['-6', '-o', 'addr', 'show', 'dev', ifname, 'scope', 'link'], { encoding: 'utf8' }))?.[1];
}

describe('network', () => {
  it('keeps sessions away from host services and from each other, but reaches the mirror', async () => {
    // Host services on every IPv4 address, and on every IPv6 address (the firewall is iptables only).
    const v4 = await hostService('0.0.0.0');
    const v6 = await hostService('::', true);
    try {
      const a = t.agent.manager.identity(A);
      const b = t.agent.manager.identity(B);
      expect(box.A!.gateway).toBe(a.gateway);
      const [mirrorHost, mirrorPort] = box.A!.mirror.split(':') as [string, string];
      const ll = linkLocal(a.bridgeName);
      // Positive controls on the host: the services do listen on the addresses probed below.
      await hostConnect(a.gateway, v4.port);
      if (ll) await hostConnect(`${ll}%${a.bridgeName}`, v6.port);
      else console.log(`${a.bridgeName} has no IPv6 link-local address: the IPv6 probe is left out`);
      v4.peers.length = 0;
      v6.peers.length = 0;

      const fromA: NetProbe[] = [
        { name: `host service on A's gateway ${a.gateway}:${v4.port}`, script: `tcp ${a.gateway} ${v4.port}`, expect: 'unreachable' },
        { name: `host service on B's gateway ${b.gateway}:${v4.port}`, script: `tcp ${b.gateway} ${v4.port}`, expect: 'unreachable' },
        { name: `host service on the mirror's address ${mirrorHost}:${v4.port}`, script: `tcp ${mirrorHost} ${v4.port}`, expect: 'unreachable' },
        ...(ll
          ? [{ name: `host service on A's bridge IPv6 link-local [${ll}]:${v6.port}`, script: `tcp ${ll}%eth0 ${v6.port}`, expect: 'unreachable' as const }]
          : []),
        { name: `B's published port ${box.B!.ip}:8080`, script: `tcp ${box.B!.ip} 8080`, expect: 'unreachable' },
        {
          name: `the registry mirror http://${box.A!.mirror}/v2/`,
          script: `http_status ${mirrorHost} ${mirrorPort} /v2/ | grep -E "^HTTP/1\\.[01] 200"`,
          expect: 'reachable',
        },
      ];
      // All probes at once: a dropped connection costs its full 3 s timeout.
      const script = NET_PRELUDE + fromA.map((p, i) => `{ ( ${p.script} ) >/dev/null 2>&1; echo "NET ${i} $?"; } &`).join('\n') + '\nwait\n';
      const parse = (out: string) =>
        Object.fromEntries(
          fromA.map((p, i) => {
            const rc = new RegExp(`^NET ${i} (\\d+)$`, 'm').exec(out)?.[1];
            return [p.name, rc === undefined ? 'no result' : rc === '0' ? 'reachable' : 'unreachable'];
          }),
        );
      const b64 = Buffer.from(script).toString('base64');
      const [sandbox, inner, inB] = await Promise.all([
        sh(t, A, `printf %s ${b64} | base64 -d | bash -s`, 30_000),
        sh(t, A, `printf %s ${b64} | base64 -d | docker run --rm -i debian:bookworm bash -s`, 30_000),
        // Positive control: B's service answers B itself, on loopback and on B's own address.
        sh(t, B, `curl -fsS --max-time 3 http://127.0.0.1:8080/hostname && curl -fsS --max-time 3 http://${box.B!.ip}:8080/hostname`, 30_000),
      ]);
      const want = Object.fromEntries(fromA.map((p) => [p.name, p.expect]));
      console.log('from sandbox A:', parse(sandbox.stdout));
      console.log('from an inner container of A:', parse(inner.stdout));
      console.log(`inside B: exit ${inB.exitCode}, ${JSON.stringify(inB.stdout)}`);
      expect(parse(sandbox.stdout), 'from sandbox A').toEqual(want);
      expect(parse(inner.stdout), 'from an inner container of A').toEqual(want);
      expect(inB.exitCode, inB.stderr).toBe(0);
      expect(inB.stdout.trim().split('\n')).toHaveLength(2);
      // The host services never saw a connection from A (its inner containers are NATed to A).
      expect([...v4.peers, ...v6.peers], 'connections the host services accepted').toEqual([]);
    } finally {
      await v4.close();
      await v6.close();
    }
  });
});

// ---------------------------------------------------------------------------------------
// 4. BuildKit offline
// ---------------------------------------------------------------------------------------

describe('docker build', () => {
  it('builds with BuildKit offline through the mirror and runs the result', async () => {
    const out = await must(
      A,
      'mkdir -p ~/build && cd ~/build && printf "FROM debian:bookworm\\nRUN echo built > /built\\n" > Dockerfile' +
        ' && docker build --progress=plain -t mine . 2>&1 && docker run --rm mine cat /built',
      120_000,
    );
    // Step lines like "#1 [internal] load build definition" are BuildKit's (the legacy builder has no --progress).
    expect(out).toMatch(/^#\d+ \[internal\] load build definition/m);
    expect(out.trim().split('\n').at(-1)).toBe('built');
  });
});

// ---------------------------------------------------------------------------------------
// 5. The learner's privilege
// ---------------------------------------------------------------------------------------

// Set-uid/gid programs that Debian's packages in the session image bring; a new one
// (sudo, pkexec, ...) must be reviewed before it is added here.
const SETID_ALLOWED = [
  '/usr/bin/chage',
  '/usr/bin/chfn',
  '/usr/bin/chsh',
  '/usr/bin/expiry',
  '/usr/bin/gpasswd',
  '/usr/bin/mount',
  '/usr/bin/newgidmap',
  '/usr/bin/newgrp',
  '/usr/bin/newuidmap',
  '/usr/bin/passwd',
  '/usr/bin/su',
  '/usr/bin/umount',
  '/usr/sbin/unix_chkpwd',
];

describe("the learner's privilege", () => {
  it('has no capabilities', async () => {
    const caps = await must(A, 'grep -E "^Cap(Inh|Prm|Eff|Amb):" /proc/self/status');
    console.log(caps.trim());
    expect(caps).toMatch(/^CapEff:\s+0+$/m);
    expect(caps).toMatch(/^CapPrm:\s+0+$/m);
    expect(caps).toMatch(/^CapAmb:\s+0+$/m);
  });

  it("can never gain more than the sandbox's seven capabilities (its bounding set), not through a set-uid program either", async () => {
    // Bit numbers from linux/capability.h. A set-uid root program (newuidmap, su) gets
    // at most the bounding set; the entrypoint's root had exactly this set.
    const BITS: Record<string, number> = { CHOWN: 0, DAC_OVERRIDE: 1, FOWNER: 3, SETGID: 6, SETUID: 7, SYS_CHROOT: 18, SYS_ADMIN: 21 };
    const expected = SANDBOX_CAPABILITIES.reduce((mask, name) => mask | (1n << BigInt(BITS[name]!)), 0n);
    const bounding = await must(A, 'grep -h CapBnd /proc/self/status /proc/1/status');
    console.log(`bounding sets (shell, PID 1): ${bounding.trim().replace(/\s+/g, ' ')}; expected ${expected.toString(16)} (${SANDBOX_CAPABILITIES.join(' ')})`);
    const masks = [...bounding.matchAll(/CapBnd:\s+([0-9a-f]+)/g)].map((m) => BigInt(`0x${m[1]}`));
    expect(masks).toEqual([expected, expected]);
  });

  it('cannot become root with sudo or su', async () => {
    // Positive control: the learner's id is what the check below compares against.
    expect((await must(A, 'id -u')).trim()).toBe(String(t.agent.manager.identity(A).learnerUid));
    const sudo = await sh(t, A, 'sudo -n id -u </dev/null', 10_000);
    const su = await sh(t, A, "printf '\\n' | timeout 5 su -c 'id -u' root", 10_000);
    console.log(`sudo: exit ${sudo.exitCode} ${sudo.stderr.trim()}; su root: exit ${su.exitCode} ${su.stderr.trim()}`);
    for (const r of [sudo, su]) {
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout).not.toMatch(/^0$/m);
    }
  });

  it('cannot edit the accounts or read the password hashes', async () => {
    const r = await sh(
      t,
      A,
      'for f in /etc/passwd /etc/group /etc/subuid /etc/subgid; do (: >> $f) 2>/dev/null && echo "wrote $f"; done; head -c1 /etc/shadow >/dev/null 2>&1 && echo "read /etc/shadow"; echo checked',
    );
    expect(r.stdout.trim()).toBe('checked');
  });

  it('finds only the reviewed set-uid/set-gid programs', async () => {
    const found = (await sh(t, A, 'find / -xdev -type f \\( -perm -4000 -o -perm -2000 \\) 2>/dev/null | sort')).stdout.trim().split('\n');
    console.log(`set-id programs: ${found.join(' ')}`);
    expect(found).toEqual(SETID_ALLOWED);
  });
});
