// One metric's history as growable float columns: live points are appended in amortised O(1) and charts read the
// columns without copying. Kept out of Vue's reactivity (markRaw) by the stores that own them.
import type { MetricSeriesDto } from '../contract/api';

export class SeriesBuffer {
  steps: Float64Array;
  /** NaN where the value was null (non-finite at the source). */
  values: Float64Array;
  length = 0;

  constructor(capacity = 64) {
    this.steps = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
  }

  static fromDto(dto: MetricSeriesDto): SeriesBuffer {
    const buffer = new SeriesBuffer(Math.max(64, dto.steps.length * 2));
    for (let i = 0; i < dto.steps.length; i++) buffer.push(dto.steps[i], dto.values[i]);
    return buffer;
  }

  get lastStep(): number {
    return this.length > 0 ? this.steps[this.length - 1] : -1;
  }

  get lastValue(): number {
    return this.length > 0 ? this.values[this.length - 1] : NaN;
  }

  /** Appends a point; a step at or below the last one is ignored, so replays and duplicates are harmless. */
  push(step: number, value: number | null): boolean {
    if (step <= this.lastStep) return false;
    if (this.length === this.steps.length) {
      const steps = new Float64Array(this.steps.length * 2);
      steps.set(this.steps);
      const values = new Float64Array(this.values.length * 2);
      values.set(this.values);
      this.steps = steps;
      this.values = values;
    }
    this.steps[this.length] = step;
    this.values[this.length] = value ?? NaN;
    this.length++;
    return true;
  }

  /** The value at `step`, or NaN when the series has no point there (binary search). */
  valueAt(step: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const s = this.steps[mid];
      if (s === step) return this.values[mid];
      if (s < step) lo = mid + 1;
      else hi = mid - 1;
    }
    return NaN;
  }
}
