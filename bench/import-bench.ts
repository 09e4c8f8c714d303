// ONNX import figures: a PyTorch-style MLP (nn.Linear as Gemm with transB and biases, readout bias included) of
// MNIST size, written with the project's ModelBuilder: import time, the onnxruntime check, and the eNTK by the
// structured path (which the readout bias no longer excludes) against the generic autodiff path; and the eNTK of a
// per-token MLP on [n, 16, 32] inputs (MatMul weights over the token axis: the structured path's 1x1-conv rows).
import { createRng, normalArray } from '../src-main/core/random';
import type { MatmulEngine } from '../src-main/core/linalg/gram-engine';
import { importedNtk } from '../src-main/node/onnx/import/imported-ntk';
import { openModel } from '../src-main/node/onnx/import/model-source';
import { validateAgainstOrt, DEFAULT_TOLERANCE } from '../src-main/node/onnx/import/ort-validation';
import { medianSeconds, type Row } from './measure';
import { torchStyleMlp } from './torch-style-mlp';
import { tokenMlp } from '../test/fixtures/onnx/make-fixtures';

export async function benchImport(engine: MatmulEngine, options: { all: boolean }): Promise<Row[]> {
  const rows: Row[] = [];
  const widths = [784, 256, 256, 10];
  const label = widths.join('-');
  const bytes = torchStyleMlp(widths);
  const source = { name: 'mlp.onnx', bytes };
  const opened = await medianSeconds(async () => (await openModel(source)).dispose(), { budgetSeconds: 2 });
  rows.push({ section: 'ONNX import', case: `open ${label} (${(bytes.length / 2 ** 20).toFixed(1)} MiB)`, engine: 'protobufjs + tfjs', seconds: opened.median });
  const model = await openModel(source);
  try {
    for (const n of [64, 256]) {
      const x = normalArray(createRng(n, 'probe'), n * widths[0], 1);
      const probe = Float64Array.from(x);
      const check = await medianSeconds(() => validateAgainstOrt(model, probe, n, DEFAULT_TOLERANCE), { budgetSeconds: 2 });
      rows.push({ section: 'ONNX import', case: `onnxruntime check, n = ${n}`, engine: 'onnxruntime-cpu + tfjs', seconds: check.median });
      for (const kernel of ['trace', 'full'] as const) {
        const structured = await medianSeconds(() => importedNtk(model, probe, n, { kernel, engine }), { budgetSeconds: 3 });
        rows.push({ section: 'ONNX import', case: `eNTK ${kernel}, ${label}, n = ${n}`, engine: `structured / ${engine.name}`, seconds: structured.median });
      }
      if (n === 64 || options.all) {
        const generic = await medianSeconds(() => importedNtk(model, probe, n, { kernel: 'trace', engine, implementation: 'generic' }), { warmupSeconds: 0, minRuns: 1, budgetSeconds: 0 });
        rows.push({ section: 'ONNX import', case: `eNTK trace, ${label}, n = ${n}`, engine: `generic / ${engine.name}`, seconds: generic.median, note: 'one run' });
      }
    }
  } finally {
    model.dispose();
  }
  rows.push(...(await benchTokenMlp(engine)));
  return rows;
}

/** Structured and generic eNTK of tokenMlp(16, 32, 64, 32) (5.8k parameters, k = 3) at n = 64. */
async function benchTokenMlp(engine: MatmulEngine): Promise<Row[]> {
  const fixture = tokenMlp(16, 32, 64, 32);
  const model = await openModel({ name: fixture.file, bytes: fixture.bytes });
  const label = `per-token MLP [16, 32] -> 64 -> 32, n = 64`;
  try {
    const n = 64;
    const x = Float64Array.from(normalArray(createRng(n, 'tokens'), n * 16 * 32, 1));
    const rows: Row[] = [];
    for (const implementation of ['structured', 'generic'] as const) {
      const t = await medianSeconds(() => importedNtk(model, x, n, { kernel: 'trace', engine, implementation }), implementation === 'generic' ? { warmupSeconds: 0, minRuns: 1, budgetSeconds: 0 } : { budgetSeconds: 3 });
      rows.push({ section: 'ONNX import', case: `eNTK trace, ${label}`, engine: `${implementation} / ${engine.name}`, seconds: t.median, ...(implementation === 'generic' ? { note: 'one run' } : {}) });
    }
    return rows;
  } finally {
    model.dispose();
  }
}
