// The one API of the workbench: every request (channel, payload schema, response type) and every event. The
// preload's window.api, the Electron IPC handlers, the HTTP/WebSocket bridge, the renderer's client and the
// conformance tests are all derived from these tables; no signature is written anywhere else.
import { z } from 'zod';
import { importConfigSchema } from './import-config';
import type { Project, RunRecord, RunState } from './records';
import { RUN_STATES } from './records';
import type { Result } from './result';
import { type Channel, EVENT_NAMES } from './channels';
import type { KernelMode } from './run-config-rules';
import { EXPERIMENT_IDS, SCALES } from './reproduce';
import { slurmOptionsSchema } from './sweep-spec';

const id = z.number().int().positive();
const name = z.string().trim().min(1).max(200);
const notes = z.string().max(100_000);
const tag = z.string().trim().min(1).max(64);
const filePath = z.string().min(1).max(4096);

/** Upload chunks stay well under the web bridge's 1 MiB body limit once base64-encoded and wrapped in JSON. */
export const UPLOAD_CHUNK_BYTES = 512 * 1024;
const UPLOAD_CHUNK_BASE64_MAX = Math.ceil(UPLOAD_CHUNK_BYTES / 3) * 4;

/** Inbound payload schemas: every request is validated against its entry before a handler sees it. */
export const requestSchemas = {
  'app:info': z.strictObject({}),
  'projects:list': z.strictObject({}),
  'projects:create': z.strictObject({ name, notes: notes.optional() }),
  'projects:rename': z.strictObject({ id, name }),
  'projects:set-notes': z.strictObject({ id, notes }),
  'projects:delete': z.strictObject({ id }),
  'projects:export': z.strictObject({ id, path: filePath.optional().describe("the bundle's path on the host; default <workspace>/exports/<name>-<time>.ntkproject") }),
  'projects:import': z.strictObject({ path: filePath }),
  'runs:list': z.strictObject({ projectId: id, status: z.array(z.enum(RUN_STATES)).optional() }),
  'runs:get': z.strictObject({ id }),
  'runs:start': z.strictObject({ projectId: id, config: z.record(z.string(), z.unknown()), name: name.optional(), tags: z.array(tag).max(32).optional() }),
  'runs:cancel': z.strictObject({ id }),
  'runs:rename': z.strictObject({ id, name }),
  'runs:set-notes': z.strictObject({ id, notes }),
  'runs:tag': z.strictObject({ id, tag }),
  'runs:untag': z.strictObject({ id, tag }),
  'runs:duplicate': z.strictObject({ id, configPatch: z.record(z.string(), z.unknown()).optional(), name: name.optional(), start: z.boolean().optional() }),
  'runs:delete': z.strictObject({ id }),
  'runs:metrics': z.strictObject({ id, names: z.array(z.string().min(1).max(200)).max(1000).optional(), fromStep: z.number().int().nonnegative().optional() }),
  'runs:kernels': z.strictObject({ id }),
  'runs:kernel': z.strictObject({ id, step: z.number().int().nonnegative(), maxSize: z.number().int().min(8).max(4096).optional() }),
  'runs:sweep': z.strictObject({ id }),
  'runs:subscribe': z.strictObject({ id }),
  'imports:inspect': z.strictObject({
    models: z.array(filePath).min(1).max(10_000).describe('model files or folders of them, on the host'),
    freeze: z.array(z.string().min(1).max(512)).max(10_000).optional(),
    keepSoftmax: z.boolean().optional(),
    bind: z.record(z.string().min(1).max(512), z.union([z.string().min(1).max(4096), z.number().finite()])).optional().describe('values for the other graph inputs: zeros, a number, or a host .json/.npy/.csv file with the tensor'),
    inputName: z.string().min(1).max(512).optional().describe('the graph input that takes the probe samples (default the first unbound one)'),
    probe: filePath.optional().describe('a probe set (.json/.npy/.csv on the host, or mnist:N[:seed]) to check against the model input'),
  }),
  'imports:start': importConfigSchema.extend({ projectId: id, name: name.optional() }),
  'imports:resume': z.strictObject({ id: id.describe('a cancelled, failed or interrupted import run with a blocked kernel') }),
  'imports:kernel-files': z.strictObject({ id }),
  'imports:kernel-export': z.strictObject({ id, step: z.number().int().nonnegative().describe("the checkpoint step whose kernel file to copy to <workspace>/exports/") }),
  'uploads:write': z.strictObject({
    uploadId: z.string().regex(/^[0-9a-f]{16,64}$/).optional().describe('absent on the first chunk of an upload; the answer names it'),
    path: z.string().min(1).max(1024).describe('the file\'s relative path in the dropped set, e.g. run1/step-100.onnx'),
    offset: z.number().int().nonnegative(),
    data: z.string().max(UPLOAD_CHUNK_BASE64_MAX).describe('base64 bytes appended at offset (the file\'s size so far)'),
  }),
  'downloads:read': z.strictObject({
    path: filePath.describe('a file under <workspace>/exports/, as projects:export answered it'),
    offset: z.number().int().nonnegative(),
    length: z.number().int().min(1).max(UPLOAD_CHUNK_BYTES).optional(),
  }),
  'sweeps:export-slurm': z.strictObject({
    spec: z.record(z.string(), z.unknown()).describe('a sweep spec (contract/sweep-spec.ts); checked run by run against the run-config schema'),
    slurm: slurmOptionsSchema.optional(),
  }),
  'reports:export': z
    .strictObject({
      runIds: z.array(id).max(100).default([]).describe('one run: its report; several: a comparison'),
      projectId: id.optional().describe('without runIds: the project report (runs table and a section per run)'),
      format: z.enum(['html', 'pdf', 'csv', 'json', 'npy', 'onnx', 'figures']),
      kernelSteps: z.array(z.number().int().nonnegative()).max(100).optional().describe('steps whose K_0 / K_t / K_t - K_0 heatmaps to show'),
      path: filePath.optional().describe('where on the host; default <workspace>/exports/<name>-<time>.<format>'),
      archive: z.boolean().optional().describe('npy and figures: one .zip of the folder instead of the folder (what a browser downloads, what a save dialog saves)'),
    })
    .refine((r) => r.runIds.length > 0 || r.projectId !== undefined, { message: 'name runIds or a projectId' }),
  'reproduce:start': z.strictObject({
    projectId: id,
    experiment: z.enum(EXPERIMENT_IDS),
    scale: z.enum(SCALES).default('small'),
    steps: z.number().int().nonnegative().max(10_000_000).optional().describe('reduced runs: every run takes this many steps'),
    widths: z.array(z.number().int().positive().max(100_000)).min(1).max(16).optional().describe('reduced runs: these widths'),
    seeds: z.array(z.number().int().nonnegative().max(2 ** 31)).min(1).max(16).optional(),
  }),
  'reproduce:panels': z.strictObject({ projectId: id, experiment: z.enum(EXPERIMENT_IDS) }),
} as const;

export { CHANNELS, channelPath, EVENT_NAMES, type Channel } from './channels';

/** The schema table must have exactly one entry per channel in channels.ts (a compile-time check both ways). */
type SchemaChannel = keyof typeof requestSchemas;
const sameChannels: [SchemaChannel, Channel] extends [Channel, SchemaChannel] ? true : never = true;
void sameChannels;
export type RequestOf<C extends Channel> = z.input<(typeof requestSchemas)[C]>;

/** Float arrays cross every transport as little-endian bytes in base64 (see tensor-codec.ts). */
export interface TensorDto {
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'float64';
  readonly data: string;
}

/** One metric as columns, ascending in step; null where the value was NaN. */
export interface MetricSeriesDto {
  readonly steps: readonly number[];
  readonly wallTimes: readonly number[];
  readonly values: readonly (number | null)[];
}

/** One logged step as flat named values (names as in metric-names.ts). */
export interface MetricPointDto {
  readonly step: number;
  readonly wallTime: number;
  readonly values: Readonly<Record<string, number | null>>;
}

export interface KernelInfoDto {
  readonly step: number;
  readonly kind: KernelMode;
  readonly rows: number;
  readonly cols: number;
  readonly hasData: boolean;
}

export interface KernelDto extends KernelInfoDto {
  /** The kernel, block-averaged down to at most maxSize x maxSize when it is larger (`downsampled` says by what). */
  readonly data: TensorDto | null;
  readonly downsampled: number;
  readonly eigenvalues: readonly number[] | null;
  readonly sweep: readonly number[] | null;
}

/**
 * The analytic circle sweep of a training run (Fig. 2/3): K((1,0), (cos phi_j, sin phi_j)) on phi_j in [-pi, pi],
 * fetched on demand so run summaries stay small; null when the run has none.
 */
export interface CircleSweepDto {
  readonly phis: readonly number[];
  readonly analytic: readonly number[] | null;
}

export interface ProgressDto {
  readonly runId: number;
  readonly step: number;
  readonly total: number;
  readonly loss: number | null;
  readonly elapsedSeconds: number;
  readonly etaSeconds: number | null;
}

export interface AppInfoDto {
  readonly version: string;
  readonly workspace: string;
  /** The tfjs backend the engine uses, with versions (null until the first run starts it). */
  readonly backend: Readonly<Record<string, unknown>> | null;
  readonly transport: 'ipc' | 'web';
  readonly jobConcurrency: number;
  /** The host's memory now, in bytes (the default budget of a blocked kernel is 3/4 of `free`). */
  readonly memory: { readonly free: number; readonly total: number };
}

export interface ImportParamDto {
  readonly name: string;
  readonly shape: readonly number[];
  /** The first slot it feeds, e.g. "Gemm fc1 input 1". */
  readonly feeds: string;
  /**
   * It looks like a fixed transform (an STFT basis, a mel filter bank): a bias-free layer on the raw input (or on
   * another such layer) whose output goes straight into a magnitude or a logarithm. The app offers it frozen.
   */
  readonly fixedTransform?: boolean;
}

/** Whether the probe set's samples fit the first checkpoint's input (after the importer's reshape), and why. */
export interface ImportProbeCheckDto {
  readonly source: string;
  readonly fits: boolean;
  /** "probe samples are [784], the model takes [1, 28, 28] (784 values): ok", or what does not fit or load. */
  readonly message: string;
  /** The error code when the probe could not be read or did not fit. */
  readonly code: string | null;
  /** Samples and their shape, when the probe was read. */
  readonly n: number | null;
  readonly sampleShape: readonly number[] | null;
}

/**
 * What an import would work on: the checkpoint files (folders expanded) and the first one's model, translated; with
 * a probe in the request, whether its samples fit that model.
 */
export interface ImportInspectionDto {
  readonly files: readonly string[];
  readonly probe: ImportProbeCheckDto | null;
  readonly model: {
    readonly identifier: string;
    readonly producer: string;
    readonly opset: number;
    readonly inputShape: readonly number[];
    readonly outputs: number;
    readonly batch: string;
    readonly ops: Readonly<Record<string, number>>;
    readonly paramCount: number;
    readonly params: readonly ImportParamDto[];
    readonly frozen: readonly string[];
    readonly constants: readonly string[];
    readonly skippedOutputOp: string | null;
    /** The graph input that takes the samples, and every other input with what it is bound to (unbound ones: zeros). */
    readonly inputName: string;
    readonly bound: Readonly<Record<string, string>>;
    /** 'fcn' when the structured kernel and the float64 path apply to it. */
    readonly structured: 'fcn' | null;
  };
}

/** One checkpoint's blocked kernel file of an import run (its summary's `kernelFiles`), as far as it got. */
export interface KernelFileDto {
  readonly step: number;
  /** The .npy on the host (under <workspace>/kernels/run-<id>/); its sidecar is `${path}.json`. */
  readonly path: string;
  readonly shape: readonly [number, number];
  readonly dtype: 'float64' | 'float32';
  readonly bytes: number;
  readonly blockSize: number;
  readonly blocks: { readonly done: number; readonly total: number };
  readonly complete: boolean;
  /** Compute seconds over every session that wrote blocks (a resumed kernel counts its parent's). */
  readonly seconds: number;
  /** The file's spectrum read back in blocks; absent until the file is complete. */
  readonly spectrum?: {
    readonly lambdaMax: number;
    readonly lambdaMin: number;
    /** Measured Ritz residuals: an eigenvalue lies within each of its value (absent in sidecars written before them). */
    readonly lambdaMinResidual?: number;
    readonly lambdaMaxResidual?: number;
    readonly top: readonly number[];
    readonly method: string;
    readonly passes: number;
    readonly basis?: number;
    readonly held?: boolean;
    readonly seconds: number;
  };
}

/** One appended chunk: where the file lives on the host and how many bytes it has now. */
export interface UploadChunkDto {
  readonly uploadId: string;
  /** Absolute path on the host, usable in imports:start. */
  readonly path: string;
  readonly bytes: number;
}

/** Bytes of a host file the workbench wrote for this client (a project bundle), read back in chunks. */
export interface DownloadChunkDto {
  /** base64 of the bytes from offset (at most the length asked, UPLOAD_CHUNK_BYTES by default). */
  readonly data: string;
  /** The file's size. */
  readonly bytes: number;
}

/** A sweep written out for a Slurm cluster: a folder under <workspace>/exports/ to copy there and submit from. */
export interface SlurmBundleDto {
  /** The folder on the host (under exports/, so its files can be read back with downloads:read). */
  readonly dir: string;
  /** spec.json, sweep.json and sweep.sbatch, as paths on the host. */
  readonly files: readonly string[];
  /** The sbatch script's text. */
  readonly script: string;
  readonly runs: number;
  readonly tasks: number;
  /** What to type, in order: copy the folder to the cluster, submit it, follow it, merge it back. */
  readonly commands: readonly string[];
}

/** A written report or data export. */
export interface ReportExportDto {
  readonly path: string;
  readonly bytes: number;
  /** A run was still going: the report holds what it had committed. */
  readonly partial: boolean;
  /** A folder (npy, figures without `archive`) rather than one file. */
  readonly folder: boolean;
  /** Written where the request's `path` said (in the desktop app, where its save dialog chose): nothing left to download. */
  readonly delivered: boolean;
  /** Files written beside `path` that belong to it (the CSV's wide form `name.wide.csv`); they travel with it. */
  readonly also: readonly string[];
}

/** An experiment's figure as far as its runs have finished: panels as SVG (the report's figures) and the comparison. */
export interface ReproducePanelsDto {
  readonly experiment: string;
  readonly title: string;
  /** Runs of the experiment in the project, and how many have finished. */
  readonly total: number;
  readonly done: number;
  readonly panels: readonly { readonly id: string; readonly title: string; readonly hint: string; readonly svg: string }[];
  readonly comparisons: readonly { readonly quantity: string; readonly measured: string; readonly paper: string }[];
  /** Why there are no panels yet (no finished run, or the analysis needs more of them). */
  readonly note: string | null;
}

/** Response types, one per channel. */
export interface Responses {
  'app:info': AppInfoDto;
  'projects:list': Project[];
  'projects:create': Project;
  'projects:rename': Project;
  'projects:set-notes': Project;
  'projects:delete': { deleted: true };
  'projects:export': { path: string; bytes: number };
  'projects:import': Project;
  'runs:list': RunRecord[];
  'runs:get': RunRecord;
  'runs:start': RunRecord;
  'runs:cancel': RunRecord;
  'runs:rename': RunRecord;
  'runs:set-notes': RunRecord;
  'runs:tag': RunRecord;
  'runs:untag': RunRecord;
  'runs:duplicate': RunRecord;
  'runs:delete': { deleted: true };
  'runs:metrics': { series: Record<string, MetricSeriesDto> };
  'runs:kernels': KernelInfoDto[];
  'runs:kernel': KernelDto;
  'runs:sweep': CircleSweepDto | null;
  /** The history so far; live 'runs:metrics' events with a step above `lastStep` follow. */
  'runs:subscribe': { run: RunRecord; series: Record<string, MetricSeriesDto>; lastStep: number; progress: ProgressDto | null };
  'imports:inspect': ImportInspectionDto;
  /** A queued run of kind 'import': per checkpoint step, paramNorm, paramDistance, relDrift, lambdaMin/Max, outputChange. */
  'imports:start': RunRecord;
  /** A new import run, queued, that continues the given run's kernel files (its `sourceRunId` names that run). */
  'imports:resume': RunRecord;
  /** The run's blocked kernel files as their sidecars say now (live while it writes blocks); [] for other runs. */
  'imports:kernel-files': KernelFileDto[];
  /** The kernel file copied under exports/ (downloads:read fetches it). */
  'imports:kernel-export': { path: string; bytes: number };
  'uploads:write': UploadChunkDto;
  'downloads:read': DownloadChunkDto;
  'sweeps:export-slurm': SlurmBundleDto;
  /** Where the report landed on the host (under exports/ by default, so downloads:read can fetch it; npy is a folder unless archived). */
  'reports:export': ReportExportDto;
  'reproduce:start': RunRecord[];
  'reproduce:panels': ReproducePanelsDto;
}

/** Events pushed to every client (renderer windows, WebSocket connections), batched about ten times a second. */
export interface Events {
  'runs:progress': ProgressDto;
  'runs:metrics': { runId: number; points: MetricPointDto[] };
  'runs:status': { runId: number; status: RunState; error: { code: string; message: string } | null };
  'runs:kernel': { runId: number; step: number };
}

export type EventName = keyof Events;
const sameEvents: [EventName, (typeof EVENT_NAMES)[number]] extends [(typeof EVENT_NAMES)[number], EventName] ? true : never = true;
void sameEvents;

/** What a client (renderer) calls: one async method per channel, each answering a Result. */
export type ApiClient = { [C in Channel]: (request: RequestOf<C>) => Promise<Result<Responses[C]>> };

/** What a host implements: one handler per channel, given a validated request; it may throw CodedError. */
export type ApiHandlers = { [C in Channel]: (request: z.output<(typeof requestSchemas)[C]>) => Promise<Responses[C]> | Responses[C] };

/** A stream of events a client can listen to; returns the unsubscribe function. */
export type EventSubscribe = <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => () => void;

/**
 * What the preload exposes as window.api: one method per channel, `on`, and `pathForFile`, which turns a File the
 * user dropped on the window into its path on disk (Electron's webUtils.getPathForFile; '' for a file not on disk).
 * The parameter is a DOM File; contract code compiles without the DOM library, hence `object`.
 */
export type PreloadApi = ApiClient & { readonly on: EventSubscribe; readonly pathForFile: (file: object) => string };
