"""Peer of bench/training-bench.ts: the paper's Fig. 1 loop in PyTorch (FCN 2-2000-2000-2000-1, NTK
parameterisation, no biases; six points on the circle, alternating labels; BCE mean on the logits; full-batch GD, lr
0.1) and its kernel snapshot (6x6 layer-wise eNTK + float64 eigenvalues). Measures one step, a block of `block` steps
run back to back, and one snapshot; seconds = steps * (block time / block) + snapshots * snapshot, projected like ours."""
import math
import time

import torch

from layerwise_ntk import layerwise_ntk
from peer_args import median_seconds, parse, report

args = parse(width=2000, depth=3, steps=10000, snapshots=25, block=500, lr=0.1)
torch.manual_seed(0)
widths = [2] + [args.width] * args.depth + [1]
weights = [torch.randn(widths[l + 1], widths[l], requires_grad=True) for l in range(len(widths) - 1)]
mults = [1.0] + [math.sqrt(2 / widths[l]) for l in range(1, len(widths) - 1)]
angles = 2 * math.pi * torch.arange(6) / 6
x = torch.stack([torch.cos(angles), torch.sin(angles)], 1)
y = (torch.arange(6) % 2).float()[:, None]


def step():
    h = x
    for l, (w, m) in enumerate(zip(weights, mults)):
        h = m * (h @ w.t())
        if l < len(weights) - 1:
            h = torch.relu(h)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(h, y)
    grads = torch.autograd.grad(loss, weights)
    with torch.no_grad():
        for w, g in zip(weights, grads):
            w.add_(g, alpha=-args.lr)


def snapshot():
    with torch.no_grad():
        _, kernel = layerwise_ntk([w.detach() for w in weights], [None] * len(weights), mults, x, 'full')
        torch.linalg.eigvalsh(kernel.double())


one_step = median_seconds(step, warmup_seconds=1, min_runs=10, budget_seconds=3)
t0 = time.perf_counter()
for _ in range(args.block):
    step()
per_step = (time.perf_counter() - t0) / args.block
one_snapshot = median_seconds(snapshot, min_runs=3, budget_seconds=2)
report(args.steps * per_step + args.snapshots * one_snapshot, step=one_step, perStep=per_step, snapshot=one_snapshot)
