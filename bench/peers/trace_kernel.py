# PyTorch peer of the blocked-kernel bench row: the class-trace eNTK of n inputs on an MLP 784-1024-1024-10 with
# biases (nn.Linear layout), computed layer-wise as the workbench's structured path does (layer inputs and
# ReLU-masked cotangents, K = sum over layers of (H H^T + 1) * sum_c D_c D_c^T, plus k (H3 H3^T + 1) for the readout),
# float32, whole in memory. Prints {"seconds": s} of the best of `--repeat` runs after one warm-up.
import argparse
import json
import time

import torch


def trace_kernel(x, weights, biases):
    k = weights[-1].shape[0]
    hs = [x]
    h = x
    for w, b in zip(weights[:-1], biases[:-1]):
        h = torch.relu(h @ w.T + b)
        hs.append(h)
    kernel = k * (hs[-1] @ hs[-1].T + 1.0)
    # Cotangents of f_c with respect to the last hidden pre-activation: W3[c] masked by the ReLU, [n, k, m].
    d = (hs[-1] > 0).unsqueeze(1) * weights[-1].unsqueeze(0)
    for layer in range(len(weights) - 2, -1, -1):
        n, _, m = d.shape
        s = d.reshape(n, k * m) @ d.reshape(n, k * m).T
        kernel += (hs[layer] @ hs[layer].T + 1.0) * s
        if layer > 0:
            d = (d @ weights[layer]) * (hs[layer] > 0).unsqueeze(1)
    return kernel


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    widths = [784, 1024, 1024, 10]
    weights = [torch.randn(o, i) / i**0.5 for i, o in zip(widths[:-1], widths[1:])]
    biases = [0.1 * torch.randn(o) for o in widths[1:]]
    x = torch.rand(args.n, 784)
    with torch.no_grad():
        trace_kernel(x, weights, biases)
        best = float("inf")
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            trace_kernel(x, weights, biases)
            best = min(best, time.perf_counter() - t0)
    print(json.dumps({"seconds": best}))


if __name__ == "__main__":
    main()
