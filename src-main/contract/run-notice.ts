// What a run's end tells a researcher who is looking elsewhere: finished, failed, or diverged (a failure with
// train/non-finite). One decision for both hosts, from the same 'runs:status' event: the browser's Notification
// (src-renderer/src/services/run-notifications.ts) and the desktop shell's (src-main/electron/run-notifications.ts).
import type { RunState } from './records';

export type RunNoticeKind = 'finished' | 'failed' | 'diverged';

export interface RunNotice {
  readonly runId: number;
  readonly kind: RunNoticeKind;
  readonly title: string;
  readonly body: string;
}

/** The code a diverged training run fails with (node/jobs/store-sink.ts). */
export const DIVERGED_CODE = 'train/non-finite';

export interface RunStatusEvent {
  readonly runId: number;
  readonly status: RunState;
  readonly error: { readonly code: string; readonly message: string } | null;
}

/** The notice a status event deserves, or null (queued, running, cancelled by the researcher, interrupted). */
export function runNotice(event: RunStatusEvent, runName: string): RunNotice | null {
  const name = runName.trim() || `run ${event.runId}`;
  if (event.status === 'done') return { runId: event.runId, kind: 'finished', title: `Finished: ${name}`, body: `Run #${event.runId} is done.` };
  if (event.status !== 'failed') return null;
  if (event.error?.code === DIVERGED_CODE) return { runId: event.runId, kind: 'diverged', title: `Diverged: ${name}`, body: event.error.message };
  return { runId: event.runId, kind: 'failed', title: `Failed: ${name}`, body: event.error ? `${event.error.code}: ${event.error.message}` : `Run #${event.runId} failed.` };
}

export interface RunNotifierHost {
  /** The researcher asked for notifications and the host may show them (browser permission granted). */
  readonly allowed: () => boolean;
  /** The app is in front (focused window, visible page): it shows the status itself, no notification. */
  readonly watching: () => boolean;
  readonly nameOf: (runId: number) => Promise<string>;
  readonly show: (notice: RunNotice) => void;
}

/**
 * A 'runs:status' listener that shows each run's end at most once, when allowed and the app is not in front. Answers
 * the notice shown (null when none), so hosts and tests can see what it decided.
 */
export function createRunNotifier(host: RunNotifierHost): (event: RunStatusEvent) => Promise<RunNotice | null> {
  const told = new Set<number>();
  return async (event) => {
    if (told.has(event.runId) || !host.allowed() || host.watching()) return null;
    let name = '';
    try {
      name = await host.nameOf(event.runId);
    } catch {
      // The run may be gone already; its number still says which one.
    }
    const notice = runNotice(event, name);
    if (!notice || told.has(event.runId)) return null;
    told.add(event.runId);
    host.show(notice);
    return notice;
  };
}
