// The CNN target: the full eNTK of 3 samples (288 rows) of the CNN20 fixture (20 Conv 3x3 + LeakyRelu,
// MaxPool, 297k parameters, 76x32 input, 96 outputs) on the structured (layer-wise) path, beside PyTorch's per-sample
// Jacobians + J J^T of the same layer shapes (bench/peers/cnn_jacobian.py), and the generic path (one tfjs backward per
// row, what a graph the structured path cannot take gets) once.
import type { MatmulEngine } from '../src-main/core/linalg/gram-engine';
import { importedNtk } from '../src-main/node/onnx/import/imported-ntk';
import { openModel } from '../src-main/node/onnx/import/model-source';
import { translatedOutputs } from '../src-main/node/onnx/import/ort-validation';
import { createRng, normalArray } from '../src-main/core/random';
import { cnn20 } from '../test/fixtures/onnx/make-fixtures';
import { medianSeconds, type Row } from './measure';
import { torchPeer, withPeer } from './torch-peer';

export async function benchConv(engine: MatmulEngine): Promise<Row[]> {
  const fixture = cnn20();
  const model = await openModel({ name: fixture.file, bytes: fixture.bytes });
  const n = 3;
  const x = Float64Array.from(normalArray(createRng(3, 'cnn20-probe'), n * 76 * 32, 1));
  const label = `CNN20 (${model.summary.paramCount} params), full, n = ${n} (${n * model.outputs} rows)`;
  const rows: Row[] = [];
  try {
    let spectrum = 0;
    // f(x) as the CLI and the app pass it in, from the import check's forward pass: the kernel stage does not redo it.
    const outputs = translatedOutputs(model, x, n);
    const structured = await medianSeconds(
      async () => {
        const r = await importedNtk(model, x, n, { kernel: 'full', engine, implementation: 'structured', outputs });
        spectrum = r.spectrumMs / 1000;
      },
      // One warm-up call, then the median of five: the peer does the same (bench/peers/cnn_jacobian.py).
      { warmupSeconds: 0, minRuns: 5, budgetSeconds: 0 },
    );
    const ours: Row = { section: 'eNTK CNN', case: label, engine: `structured / ${engine.name}`, seconds: structured.median - spectrum, note: 'kernel only (spectrum excluded; f(x) from the check, as the CLI passes it)' };
    rows.push(...withPeer(ours, await torchPeer('cnn_jacobian', { samples: n })));
    const t0 = performance.now();
    await importedNtk(model, x, n, { kernel: 'full', engine, implementation: 'generic' });
    rows.push({ section: 'eNTK CNN', case: label, engine: `generic / ${engine.name}`, seconds: (performance.now() - t0) / 1000, note: 'one run, spectrum included' });
  } finally {
    model.dispose();
  }
  return rows;
}
