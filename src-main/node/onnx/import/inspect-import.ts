// What the Import form shows before a run starts: the checkpoint files a list of files and folders stands for,
// and the first checkpoint translated (ops, parameters it would differentiate, frozen ones, output op skipped), so
// unsupported ops or a wrong file surface as a coded error while the researcher is still choosing. With a probe set
// it also says whether the probe's samples fit that model's input, read the way the run will read them.
import type { ImportInspectionDto, ImportProbeCheckDto, RequestOf } from '../../../contract/api';
import { CodedError } from '../../../contract/result';
import { type ModelInspection, inspectModel } from './import-service';
import type { ImportOptions } from './import-options';
import { parseBindings } from './input-binding';
import { expandModelPaths } from './model-paths';
import { checkProbeFits, loadProbeSet, type ProbeSet, probeFit, withProbeBindings } from './probe-set';

export async function inspectImport(request: RequestOf<'imports:inspect'>): Promise<ImportInspectionDto> {
  const files = await expandModelPaths(request.models);
  // Inputs not bound yet are inspected as zeros, so the form can offer a field for each.
  const bind = await parseBindings(request.bind);
  const options: ImportOptions = { freeze: request.freeze, logits: !request.keepSoftmax, bind, inputName: request.inputName, bindDefault: 'zeros' };
  const probe = request.probe === undefined ? null : await readProbe(request.probe);
  let inspected: ModelInspection;
  let probeCheck: ImportProbeCheckDto | null = probe?.check ?? null;
  if (probe?.set) {
    const set = probe.set;
    try {
      // As the run opens it: the probe's shape fills symbolic input dims, its bindings sit under the request's.
      inspected = await inspectModel({ path: files[0] }, withProbeBindings({ ...options, inputShape: set.sampleShape }, set));
      probeCheck = checkOf(set, fitOf(set, inspected));
    } catch (error) {
      if (!(error instanceof CodedError)) throw error;
      // The model opens without the probe (or fails here with its own error): the probe is what the run would trip on.
      inspected = await inspectModel({ path: files[0] }, options);
      probeCheck = checkOf(set, { fits: false, message: error.message, code: error.code });
    }
  } else {
    inspected = await inspectModel({ path: files[0] }, options);
  }
  const { summary, outputs, params, structured } = inspected;
  return {
    files,
    probe: probeCheck,
    model: {
      identifier: summary.identifier,
      producer: summary.producer,
      opset: summary.opset,
      inputShape: inputShape(inspected),
      outputs,
      batch: summary.batch.kind === 'fixed' ? `fixed (${summary.batch.size})` : 'dynamic',
      ops: summary.ops,
      paramCount: summary.paramCount,
      params: params.map((p) => ({ name: p.name, shape: [...p.shape], feeds: p.feeds, ...(p.fixedTransform ? { fixedTransform: true } : {}) })),
      frozen: summary.frozen,
      constants: summary.constants,
      skippedOutputOp: summary.skippedOutputOp ?? null,
      inputName: summary.inputName,
      bound: summary.bound,
      structured,
    },
  };
}

const inputShape = (inspected: ModelInspection): number[] => [...inspected.inputShape];

/** probeFit, and for a fitting probe the run's own check of its values (NaN, infinities). */
function fitOf(set: ProbeSet, inspected: ModelInspection): Fit {
  const fit = probeFit(set.sampleShape, inspected.inputShape);
  if (!fit.fits) return { ...fit, code: 'data/shape-mismatch' };
  try {
    checkProbeFits(set, inspected.inputShape, inspected.summary.identifier);
    return { ...fit, code: null };
  } catch (error) {
    if (error instanceof CodedError) return { fits: false, message: error.message, code: error.code };
    throw error;
  }
}

type Fit = { readonly fits: boolean; readonly message: string; readonly code: string | null };

function checkOf(set: ProbeSet, fit: Fit): ImportProbeCheckDto {
  return { source: set.source, ...fit, n: set.n, sampleShape: [...set.sampleShape] };
}

/** The probe set, or why it cannot be read (missing file, bad JSON), as a failed check rather than a failed inspection. */
async function readProbe(spec: string): Promise<{ set: ProbeSet | null; check: ImportProbeCheckDto | null }> {
  try {
    return { set: await loadProbeSet(spec), check: null };
  } catch (error) {
    if (!(error instanceof CodedError)) throw error;
    return { set: null, check: { source: spec, fits: false, message: error.message, code: error.code, n: null, sampleShape: null } };
  }
}
