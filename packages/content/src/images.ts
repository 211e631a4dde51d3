import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Block } from './markdown';

/**
 * The offline image catalog (infra/images/<folder>/image.json) and the image
 * references lessons make, so `content:check` can say "unknown image" before a
 * learner meets a failing pull.
 */
export class ImageCatalog {
  constructor(readonly refs: ReadonlySet<string>) {}

  static load(imagesDir: string): ImageCatalog {
    const refs = new Set<string>();
    if (!existsSync(imagesDir)) return new ImageCatalog(refs);
    for (const folder of readdirSync(imagesDir)) {
      const file = path.join(imagesDir, folder, 'image.json');
      if (!existsSync(file)) continue;
      const image = JSON.parse(readFileSync(file, 'utf8')) as { name: string; tags: string[]; push?: boolean; aliases?: string[] };
      if (image.push === false) continue;
      for (const name of [image.name, ...(image.aliases ?? [])]) for (const tag of image.tags) refs.add(`${name}:${tag}`);
    }
    return new ImageCatalog(refs);
  }

  has(ref: string): boolean {
    return this.refs.has(normalize(ref));
  }
}

/** `nginx` -> `nginx:latest`; `library/nginx:1` -> `nginx:1`; `docker.io/x` -> `x:latest`. */
export function normalize(ref: string): string {
  let name = ref.replace(/^(docker\.io\/)?(library\/)?/, '');
  const at = name.indexOf('@');
  if (at >= 0) name = name.slice(0, at);
  const lastSlash = name.lastIndexOf('/');
  return name.slice(lastSlash + 1).includes(':') ? name : `${name}:latest`;
}

/** Refs that are not the catalog's business: the learner's own registry, variables, build stages. */
function isLocal(ref: string): boolean {
  return /^(localhost|127\.0\.0\.1|[\w.-]+:\d+)\//.test(ref) || ref.includes('$') || ref === 'scratch';
}

/** Flags of `docker run/create` that take a value as the next word. */
const VALUE_FLAGS = new Set(
  `-a --attach --add-host -c --cpu-shares --cap-add --cap-drop --cgroupns --cidfile --cpus --cpuset-cpus --device -e --env --env-file
  --entrypoint --expose --gpus --group-add --health-cmd --health-interval --health-retries --health-start-period --health-timeout
  -h --hostname --ip --ipc -l --label --label-file --link --log-driver --log-opt -m --memory --memory-reservation --memory-swap
  --mount --name --network --net --network-alias --pid --pids-limit --platform -p --publish --pull --restart --security-opt
  --shm-size --stop-signal --stop-timeout --storage-opt --sysctl --tmpfs --ulimit -u --user --userns --uts -v --volume
  --volumes-from -w --workdir --dns --dns-search --dns-option --runtime --isolation --oom-score-adj`.split(/\s+/),
);

/** Splits a shell line into words (quotes respected; good enough for lesson commands). */
export function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /"((?:\\.|[^"\\])*)"|'([^']*)'|(\S+)/g;
  for (const m of line.matchAll(re)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/** Images a command line runs or pulls, and names it builds or tags. */
export function imagesInCommand(line: string): { uses: string[]; makes: string[] } {
  const uses: string[] = [];
  const makes: string[] = [];
  const words = shellWords(line.replace(/#.*$/, ''));
  for (let i = 0; i < words.length; i++) {
    if (words[i] !== 'docker') continue;
    let j = i + 1;
    if (words[j] === 'container' || words[j] === 'image') j++;
    const sub = words[j];
    if (sub === 'run' || sub === 'create') {
      for (j++; j < words.length; j++) {
        const w = words[j]!;
        if (!w.startsWith('-')) break;
        if (VALUE_FLAGS.has(w)) j++;
      }
      if (words[j]) uses.push(words[j]!);
    } else if (sub === 'pull') {
      const ref = words.slice(j + 1).find((w) => !w.startsWith('-'));
      if (ref) uses.push(ref);
    } else if (sub === 'build' || sub === 'buildx') {
      for (let k = j + 1; k < words.length; k++) if (words[k] === '-t' || words[k] === '--tag') makes.push(words[++k] ?? '');
    } else if (sub === 'tag' || sub === 'commit') {
      const args = words.slice(j + 1).filter((w) => !w.startsWith('-'));
      if (args[1]) makes.push(args[1]);
    }
  }
  return { uses, makes };
}

/** Images a file block names: FROM in a Dockerfile, image: in a compose file. */
export function imagesInFile(block: Extract<Block, { kind: 'file' }>): { uses: string[]; makes: string[] } {
  const uses: string[] = [];
  const makes: string[] = [];
  const base = path.basename(block.path).toLowerCase();
  if (base.includes('dockerfile') || block.lang === 'dockerfile') {
    const stages = new Set<string>();
    for (const line of block.text.split('\n')) {
      const m = /^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
      if (!m) continue;
      if (!stages.has(m[1]!.toLowerCase())) uses.push(m[1]!);
      if (m[2]) stages.add(m[2].toLowerCase());
    }
  } else if (/^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(base)) {
    for (const line of block.text.split('\n')) {
      const m = /^\s*image:\s*["']?([^"'\s#]+)/.exec(line);
      if (m) uses.push(m[1]!);
    }
  }
  return { uses, makes };
}

/** Every image a set of blocks needs that is neither in the catalog nor made by the lesson itself. */
export function unknownImages(blocks: Block[], catalog: ImageCatalog, madeByLesson: ReadonlySet<string>): { ref: string; line: number }[] {
  const unknown: { ref: string; line: number }[] = [];
  for (const block of blocks) {
    const found =
      block.kind === 'run'
        ? block.text.split('\n').flatMap((l) => imagesInCommand(l).uses)
        : block.kind === 'file'
          ? imagesInFile(block).uses
          : [];
    for (const ref of found) {
      if (isLocal(ref) || catalog.has(ref) || madeByLesson.has(normalize(ref))) continue;
      unknown.push({ ref, line: block.line });
    }
  }
  return unknown;
}

/** Names the lesson builds or tags itself (they need no catalog entry). */
export function imagesMadeBy(blocks: Block[]): Set<string> {
  const made = new Set<string>();
  for (const block of blocks) {
    const names =
      block.kind === 'run' ? block.text.split('\n').flatMap((l) => imagesInCommand(l).makes) : block.kind === 'file' ? imagesInFile(block).makes : [];
    for (const n of names) if (n) made.add(normalize(n));
  }
  return made;
}
