import { readFileSync } from 'node:fs';

/**
 * The file API runs INSIDE the sandbox, as the learner (never as root on the host):
 * these bash scripts are what the agent executes there. Paths arrive relative to the
 * home folder; every path is resolved with `realpath` inside the sandbox, and one that
 * ends up outside the home folder (a symbolic link to /etc, say) is refused. Only
 * bash builtins and coreutils/findutils are used (the session image has no python).
 *
 * Exit codes (mapped to protocol errors by file-service.ts):
 *   10 not found, 11 outside the home folder, 12 not a folder, 13 is a folder,
 *   14 changed since (conflict), 15 too large, 16 exists already, 17 not a regular file,
 *   18 permission denied, 19 folder not empty, 20 no space left.
 */

/** bash -c FS_SCRIPT berth-fs HOME OP ARGS... (berth-fs.sh) */
export const FS_SCRIPT = readFileSync(new URL('./berth-fs.sh', import.meta.url), 'utf8');

/**
 * bash -c WATCH_SCRIPT berth-watch HOME PROCNET...: a long-running watcher. Standard
 * input sets what it watches ("SET", then "D <dir>" and "F <file>" lines, then "NOW");
 * every 0.8 s it takes a snapshot (the watched folders' entries, the watched files'
 * versions, the listening TCP sockets) and prints it, followed by a line holding
 * only \x1e, when it differs from the previous one. It ends when its input closes.
 * Three processes per snapshot (the substitution, find, stat), nothing when idle
 * but the sleep in `read -t`.
 */
export const WATCH_SCRIPT = readFileSync(new URL('./berth-watch.sh', import.meta.url), 'utf8');
