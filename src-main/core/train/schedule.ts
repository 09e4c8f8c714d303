// Expands a recording schedule (every N, log-spaced, explicit list; their union) into the sorted steps to record.
// Step 0 and the last step are always included, so every run has a start and an end point.
import type { Schedule } from '../../contract/run-config';

/** Sorted unique steps in [0, total]. Cost O(#steps log #steps). */
export function scheduleSteps(schedule: Schedule, total: number): number[] {
  const steps = new Set<number>([0, total]);
  if (schedule.every !== undefined) for (let s = 0; s <= total; s += schedule.every) steps.add(s);
  if (schedule.logSpaced !== undefined && total > 0) {
    const count = schedule.logSpaced;
    const top = Math.log10(total);
    for (let i = 0; i < count; i++) steps.add(Math.round(10 ** ((top * i) / Math.max(1, count - 1))));
  }
  for (const s of schedule.steps ?? []) if (s <= total) steps.add(s);
  return [...steps].sort((a, b) => a - b);
}
