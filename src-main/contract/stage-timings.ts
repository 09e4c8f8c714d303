// Where the time of an `ntk` / `drift` computation goes, in seconds per stage, written into the CLI's JSON, an
// import run's summary and shown in the run's config tab: read (backend start and probe set), translate (opening the
// ONNX file and translating it), check (the onnxruntime comparison), kernel, spectrum, write (the output files).
export const STAGES = ['read', 'translate', 'check', 'kernel', 'spectrum', 'write'] as const;
export type Stage = (typeof STAGES)[number];
export type StageTimings = Record<Stage, number>;

export function zeroTimings(): StageTimings {
  return { read: 0, translate: 0, check: 0, kernel: 0, spectrum: 0, write: 0 };
}

/** Stage-wise sum (a series of checkpoints). */
export function addTimings(a: StageTimings, b: Partial<StageTimings>): StageTimings {
  return Object.fromEntries(STAGES.map((s) => [s, a[s] + (b[s] ?? 0)])) as StageTimings;
}

/** Seconds since `t0` (a performance.now() reading). */
export function secondsSince(t0: number): number {
  return (performance.now() - t0) / 1000;
}
