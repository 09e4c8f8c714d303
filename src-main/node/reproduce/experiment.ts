// What one reproduction experiment is (reproduce-runner.ts runs it): a sweep spec of runs for a scale and the paper's
// ambiguities as options, and an analysis of the finished runs into the figure's panels (shared chart builders),
// its data and the table of measured quantities beside the paper's values.
// Paper: Yu, Tian, Chen, "Divergence of Empirical NTK in Classification Problems", ICLR 2025 (arXiv 2504.11130).
import type { ChartOption } from '../../charts/chart-option';
import type { RunConfig } from '../../contract/run-config';
import type { Json } from '../../contract/stable-hash';
import type { SweepSpecInput } from '../../contract/sweep-spec';
import type { MetricSeries } from '../store/types';
import type { ReportRun } from '../report/report-run';
import type { ReportTable } from '../report/run-report';

import type { ExperimentId, Scale } from '../../contract/reproduce';

export { EXPERIMENT_IDS, type ExperimentId, SCALES, type Scale } from '../../contract/reproduce';

export interface ReproduceOptions {
  readonly scale: Scale;
  /** FCN hidden biases (the theory) or none (what the paper's figures match). */
  readonly bias: boolean;
  /** Cross-entropy over samples: mean (the figures) or sum (the theory). */
  readonly reduction: 'mean' | 'sum';
  /** Hidden layers of the FCN ("four-layer" read as 3 hidden + readout by default). */
  readonly depth: number;
  /** MNIST subset size for Fig. 4 (balanced parity labels). */
  readonly mnistSubset?: number;
  /** Overrides for reduced runs (tests, quick looks): every run's step count, the widths, the seeds. */
  readonly steps?: number;
  readonly widths?: readonly number[];
  readonly seeds?: readonly number[];
}

export const DEFAULT_REPRODUCE_OPTIONS: ReproduceOptions = { scale: 'small', bias: false, reduction: 'mean', depth: 3 };

/** One run of the experiment, finished, with the axis values it was expanded from. */
export interface ExperimentRun {
  readonly axisValues: Readonly<Record<string, Json>>;
  readonly config: RunConfig;
  readonly run: ReportRun;
  readonly metrics: Record<string, MetricSeries>;
}

/** One panel of the paper's figure (or of ours), drawn by a shared option builder. */
export interface ExperimentPanel {
  readonly id: string;
  readonly title: string;
  readonly hint: string;
  readonly option: ChartOption;
}

/** A measured quantity beside the paper's value ('—' where the paper gives none; a claim in words where it gives one). */
export interface Comparison {
  readonly quantity: string;
  readonly measured: string;
  readonly paper: string;
}

export interface ExperimentResult {
  readonly panels: readonly ExperimentPanel[];
  readonly comparisons: readonly Comparison[];
  /** Per-run or per-width rows, written as CSV and shown in the report. */
  readonly tables: readonly ReportTable[];
  /** Everything measured, as plain JSON (data.json). */
  readonly data: Readonly<Record<string, unknown>>;
  readonly notes: readonly string[];
}

export interface ExperimentDefinition {
  readonly id: ExperimentId;
  readonly title: string;
  /** What the experiment shows, one paragraph for the report. */
  readonly summary: string;
  /** Throws a coded error when this build cannot run it (e.g. a config block it needs is missing). */
  readonly check?: () => void;
  spec(options: ReproduceOptions): SweepSpecInput;
  analyse(runs: readonly ExperimentRun[], options: ReproduceOptions): ExperimentResult;
}
