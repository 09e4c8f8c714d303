// What the Import form shows before a run starts: the checkpoint files a list of files and folders stands for,
// and the first checkpoint translated (ops, parameters it would differentiate, frozen ones, output op skipped), so
// unsupported ops or a wrong file surface as a coded error while the researcher is still choosing.
import type { ImportInspectionDto, RequestOf } from '../../../contract/api';
import { inspectModel } from './import-service';
import { parseBindings } from './input-binding';
import { expandModelPaths } from './model-paths';

export async function inspectImport(request: RequestOf<'imports:inspect'>): Promise<ImportInspectionDto> {
  const files = await expandModelPaths(request.models);
  // Inputs not bound yet are inspected as zeros, so the form can offer a field for each.
  const bind = await parseBindings(request.bind);
  const { summary, inputShape, outputs, params, structured } = await inspectModel({ path: files[0] }, { freeze: request.freeze, logits: !request.keepSoftmax, bind, inputName: request.inputName, bindDefault: 'zeros' });
  return {
    files,
    model: {
      identifier: summary.identifier,
      producer: summary.producer,
      opset: summary.opset,
      inputShape,
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
