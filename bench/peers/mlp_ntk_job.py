"""Peer of `ntk-workbench ntk --model M.onnx --probe P.npy --out R.json [--kernel full]` for a Gemm/Relu MLP, timed
as a whole process by bench/mlp-job-bench.ts: imports torch and onnx, reads the weights from the ONNX file with
onnx (no onnxruntime check), computes the outputs and the layer-wise kernel in float32, the extreme eigenvalues
(float64 eigvalsh of the full kernel when given, else of the trace) and writes the same JSON fields."""
import json

import numpy as np
import onnx
import torch
from onnx import numpy_helper

from layerwise_ntk import layerwise_ntk
from peer_args import parse

args = parse(model='', probe='', out='', kernel='trace')
model = onnx.load(args.model)
init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
weights, biases, mults = [], [], []
for node in model.graph.node:
    if node.op_type == 'Relu':
        continue
    if node.op_type != 'Gemm':
        raise SystemExit(f'peer handles Gemm/Relu MLPs only, got {node.op_type}')
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    w = torch.from_numpy(np.array(init[node.input[1]], dtype=np.float32))
    weights.append(w if attrs.get('transB', 0) else w.t().contiguous())
    biases.append(torch.from_numpy(np.array(init[node.input[2]], dtype=np.float32)) * attrs.get('beta', 1.0) if len(node.input) > 2 else None)
    mults.append(float(attrs.get('alpha', 1.0)))
x = torch.from_numpy(np.load(args.probe).astype(np.float32).reshape(-1, weights[0].shape[1]))
n, k = x.shape[0], weights[-1].shape[0]
with torch.no_grad():
    outputs, ntk = layerwise_ntk(weights, biases, mults, x, args.kernel)
    trace = ntk.view(n, k, n, k).diagonal(dim1=1, dim2=3).sum(-1) if args.kernel == 'full' else ntk
    eig = torch.linalg.eigvalsh(ntk.double())
fields = {
    'paramCount': sum(w.numel() for w in weights) + sum(b.numel() for b in biases if b is not None),
    'outputs': outputs.tolist(),
    'trace': trace.tolist(),
    'ntk': ntk.tolist() if args.kernel == 'full' else None,
    'lambdaMin': eig[0].item(),
    'lambdaMax': eig[-1].item(),
}
with open(args.out, 'w') as f:
    json.dump({key: value for key, value in fields.items() if value is not None}, f, separators=(',', ':'))
    f.write('\n')
