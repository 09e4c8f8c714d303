"""Peer of the CNN20 row in bench/conv-bench.ts: per-sample Jacobians of a CNN with the CNN20 fixture's layer shapes
(input [n, 1, 76, 32], 20 Conv 3x3 + LeakyReLU in stages of 16, 32, 64, 32 channels, MaxPool 2x2 after each, Linear
to 96; its own seeded weights) and the full eNTK J J^T [n 96, n 96], float32. The best method torch 1.13 offers:
functorch's vmap(jacrev) (all 96 cotangents of a sample in one batched backward) where functorch imports, else
torch.autograd.functional.jacobian(vectorize=True) per sample."""
import torch
from torch import nn

from peer_args import median_seconds, parse, report

args = parse(samples=3, method='auto')
torch.manual_seed(0)
layers, channels = [], 1
for width in [16, 32, 64, 32]:
    for _ in range(5):
        layers += [nn.Conv2d(channels, width, 3, padding=1), nn.LeakyReLU(0.1)]
        channels = width
    layers.append(nn.MaxPool2d(2))
layers += [nn.Flatten(), nn.Linear(channels * 4 * 2, 96)]
net = nn.Sequential(*layers).eval()
x = torch.randn(args.samples, 1, 76, 32)
names = [name for name, _ in net.named_parameters()]
values = tuple(p.detach() for p in net.parameters())

try:
    import functorch
except ImportError:
    functorch = None
method = args.method if args.method != 'auto' else ('functorch' if functorch else 'autograd')


def forward(params, xi):
    return torch.nn.utils.stateless.functional_call(net, dict(zip(names, params)), (xi.unsqueeze(0),)).squeeze(0)


def jacobian_rows():
    if method == 'functorch':
        jac = functorch.vmap(functorch.jacrev(forward), in_dims=(None, 0))(values, x)
        return torch.cat([j.reshape(x.shape[0] * 96, -1) for j in jac], 1)
    rows = []
    for xi in x:
        jac = torch.autograd.functional.jacobian(lambda *ps: forward(ps, xi), values, vectorize=True)
        rows.append(torch.cat([j.reshape(96, -1) for j in jac], 1))
    return torch.cat(rows, 0)


def full_entk():
    j = jacobian_rows()
    return j @ j.t()


# About a second a call here: one warm-up call, then the median of five, as bench/conv-bench.ts times ours.
seconds = median_seconds(full_entk, warmup_seconds=0, min_runs=5, budget_seconds=0)
report(seconds, method=method, params=sum(v.numel() for v in values))
