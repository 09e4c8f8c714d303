"""Peer of bench/entk-bench.ts: the full (or class-trace) empirical NTK of the MLP 784-W-W-10 under the NTK
parameterisation (no biases), n uniform inputs, layer-wise in float32; median seconds of the kernel alone."""
import math

import torch

from layerwise_ntk import layerwise_ntk
from peer_args import median_seconds, parse, report

args = parse(width=1024, n=256, kernel='full')
torch.manual_seed(0)
widths = [784, args.width, args.width, 10]
weights = [torch.randn(widths[l + 1], widths[l]) for l in range(3)]
mults = [1.0] + [math.sqrt(2 / widths[l]) for l in (1, 2)]
x = torch.rand(args.n, 784)
with torch.no_grad():
    seconds = median_seconds(lambda: layerwise_ntk(weights, [None] * 3, mults, x, args.kernel))
report(seconds)
