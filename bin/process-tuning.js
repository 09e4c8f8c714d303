// Two process-wide settings the heavy commands start with, both fixed when a process starts:
// - glibc's malloc serves each allocation above its mmap threshold (128 kB, rising to at most 32 MB) with fresh mmap'd
//   pages and unmaps them on free, so a loop that allocates and frees large arrays (onnxruntime and tfjs outputs,
//   Grams) page-faults every byte it touches again on every call. Raising the mmap and trim thresholds to 4 GiB keeps
//   freed memory in the heap for reuse: the structured MLP kernel runs ~2x faster, the CNN20 eNTK ~1.9x.
// - V8 collects garbage with helper threads (concurrent marking, parallel scavenges) by default. On a machine with as
//   many cores as onnxruntime has intra-op threads they preempt those threads mid-op, and every op waits for its
//   slowest thread: V8's --single-threaded-gc made the CNN20 eNTK ~15% faster on 2 cores (docs/performance.md).
// glibc reads GLIBC_TUNABLES, and V8 its GC flags, only at process start, so the CLI and the bench re-run node once
// with both (runTuned), the desktop launcher gives Electron both (tunedEnv, GC_JS_FLAGS) and the PyTorch peers get the
// malloc setting in their environment. A user's own GLIBC_TUNABLES, or a GC flag of their own, is left alone;
// NTK_MALLOC_TUNABLES=0 turns the re-run off.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export const MALLOC_TUNABLES = 'glibc.malloc.mmap_threshold=4294967296:glibc.malloc.trim_threshold=4294967296';

/** Set in the re-run child: it follows its parent (a parent killed by SIGKILL takes the child with it). */
const CHILD_MARK = 'NTK_MALLOC_TUNED_CHILD';
/** Forwarded from the waiting parent to the child; SIGTSTP and SIGCONT are handled apart (Ctrl-Z, fg). */
const FORWARDED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR2', 'SIGWINCH'];

function isGlibc() {
  return process.platform === 'linux' && Boolean(process.report?.getReport?.().header?.glibcVersionRuntime);
}

/** `env` with GLIBC_TUNABLES set to MALLOC_TUNABLES, or null where it does not apply (not glibc, already set, opted out). */
export function tunedEnv(env = process.env) {
  if (env.GLIBC_TUNABLES !== undefined || env.NTK_MALLOC_TUNABLES === '0' || !isGlibc()) return null;
  return { ...env, GLIBC_TUNABLES: MALLOC_TUNABLES };
}

/** V8's flag for garbage collection on the main thread only (its helper threads otherwise compete with onnxruntime's). */
export const GC_FLAG = '--single-threaded-gc';

/** Electron's switch passing GC_FLAG to V8 in its main process, where the app's jobs run (worker threads share it). */
export const GC_JS_FLAGS = `--js-flags=${GC_FLAG}`;

/** Node's flags with GC_FLAG added, unless they already say either way (--single-threaded-gc, --no-single-threaded-gc). */
export function tunedNodeFlags(execArgv = process.execArgv) {
  const said = execArgv.some((flag) => /^--(no-)?single[-_]threaded[-_]gc(=|$)/.test(flag));
  return said ? [...execArgv] : [...execArgv, GC_FLAG];
}

let rerun = false;

/**
 * The environment the user started this process with: without the GLIBC_TUNABLES that runTuned added. For a command
 * the bench times as a user runs it (a CLI child then re-runs itself as it would from a shell).
 */
export function launchEnv() {
  const env = { ...process.env };
  if (rerun) delete env.GLIBC_TUNABLES;
  return env;
}

/** The child's side: forget the mark (its own children are not re-run children) and die with a parent killed by SIGKILL. */
function followParent() {
  rerun = true;
  delete process.env[CHILD_MARK];
  process.channel?.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGKILL'));
}

/** Ends this process as the child ended: the same exit code, or the same signal. */
function endLike(code, signal) {
  if (signal) {
    for (const name of [...FORWARDED, 'SIGTSTP', 'SIGCONT']) process.removeAllListeners(name);
    process.kill(process.pid, signal);
  }
  // A signal whose default action does not end this process (node ignores SIGPIPE): the shell's 128 + number.
  process.exit(code ?? 128 + (constants.signals[signal] ?? 0));
}

/**
 * Re-runs this node process (same script and arguments, its node flags plus GC_FLAG) with the malloc tunables, when
 * they apply and are not set yet: stdio is shared, signals sent to this process are passed on (the child runs in its own process group,
 * so a terminal's Ctrl-C reaches it once, through here; they go to its process group), and this process ends with the child's exit code or signal.
 * Resolves false when nothing is re-run (the caller goes on); otherwise never resolves.
 */
export function runTuned() {
  if (process.env[CHILD_MARK] === '1') {
    followParent();
    return Promise.resolve(false);
  }
  const env = tunedEnv();
  if (!env) return Promise.resolve(false);
  const child = spawn(process.execPath, [...tunedNodeFlags(), ...process.argv.slice(1)], {
    env: { ...env, [CHILD_MARK]: '1' },
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    detached: true,
  });
  // To the child's whole group, as a terminal's Ctrl-C would reach it and the processes it started (sweep -j).
  const toGroup = (name) => {
    try {
      process.kill(-child.pid, name);
    } catch {
      // The child has just ended: its exit ends this process.
    }
  };
  for (const name of FORWARDED) process.on(name, () => toGroup(name));
  // Ctrl-Z: stop the child's group, then this process; `fg` continues this one, which continues the group.
  process.on('SIGTSTP', () => {
    toGroup('SIGSTOP');
    process.kill(process.pid, 'SIGSTOP');
  });
  process.on('SIGCONT', () => toGroup('SIGCONT'));
  child.on('error', (error) => {
    process.stderr.write(`ntk-workbench: could not re-run node with GLIBC_TUNABLES (${error.message}); set NTK_MALLOC_TUNABLES=0 to skip it\n`);
    process.exit(1);
  });
  child.on('exit', endLike);
  return new Promise(() => {});
}
