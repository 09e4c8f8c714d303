"""Peer of the bench's spectrum row: what a PyTorch user runs for the eigenvalues of the full eNTK of the MLP
784-1024-1024-10 on n uniform inputs (the same layer-wise kernel as mlp_entk.py, widened to float64):
torch.linalg.eigvalsh, the whole spectrum by LAPACK's symmetric solver; median seconds of that call alone."""
import math

import torch

from layerwise_ntk import layerwise_ntk
from peer_args import median_seconds, parse, report

args = parse(n=256)
torch.manual_seed(0)
widths = [784, 1024, 1024, 10]
weights = [torch.randn(widths[l + 1], widths[l]) for l in range(3)]
mults = [1.0] + [math.sqrt(2 / widths[l]) for l in (1, 2)]
x = torch.rand(args.n, 784)
with torch.no_grad():
    _, kernel = layerwise_ntk(weights, [None] * 3, mults, x, 'full')
    kernel = kernel.double()
    eigenvalues = torch.linalg.eigvalsh(kernel)
    seconds = median_seconds(lambda: torch.linalg.eigvalsh(kernel), warmup_seconds=0, min_runs=3, budget_seconds=2)
report(seconds, lambdaMin=float(eigenvalues[0]), lambdaMax=float(eigenvalues[-1]))
