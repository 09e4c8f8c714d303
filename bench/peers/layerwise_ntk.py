"""Layer-wise (structured) empirical NTK of a ReLU MLP in PyTorch, float32: per dense layer the Gram of its inputs
times the Gram of the backpropagated output cotangents, never the Jacobian (Novak et al. 2022, "Fast finite width
NTK"). The same algorithm as src-main/core/ntk/structured-ntk.ts, as the peer in `npm run bench`."""
import torch


def layerwise_ntk(weights, biases, mults, x, kernel):
    """weights [out, in] per layer (ReLU after all but the last), biases (or None) per layer, forward multipliers
    (z = mult * a W^T + b), x [n, d]. kernel 'full': [n k, n k] sample-major (row i*k + c); 'trace': [n, n] summed over
    classes. Returns (outputs [n, k], kernel). Cost: full 2 (n k)^2 sum(hidden widths) + forward, trace k times less."""
    n = x.shape[0]
    acts, masks = [x], []
    h = x
    for l, (w, b, m) in enumerate(zip(weights, biases, mults)):
        z = m * (h @ w.t())
        if b is not None:
            z = z + b
        if l < len(weights) - 1:
            h = torch.relu(z)
            acts.append(h)
            masks.append(z > 0)
        else:
            out = z
    k = weights[-1].shape[0]

    def input_gram(l):
        g = mults[l] ** 2 * (acts[l] @ acts[l].t())
        return g + 1 if biases[l] is not None else g

    # Readout: d f_c / d Wout_e = [c == e] m a_L.
    top = input_gram(len(weights) - 1)
    if kernel == 'full':
        ntk = torch.kron(top, torch.eye(k))
    else:
        ntk = k * top
    # Cotangents [k, n, width]: d f_c / d z_l for every sample, starting from the readout's rows.
    delta = (mults[-1] * weights[-1])[:, None, :] * masks[-1][None, :, :]
    for l in range(len(weights) - 2, -1, -1):
        # Sample-major rows [n, k, width]: row i*k + c is d f_c / d z_l of sample i.
        rows = delta.transpose(0, 1).reshape(n, k * delta.shape[2])
        if kernel == 'full':
            rows = rows.view(n * k, -1)
            ntk.view(n, k, n, k).addcmul_((rows @ rows.t()).view(n, k, n, k), input_gram(l)[:, None, :, None])
        else:
            # sum_c <d_c(x), d_c(x')>: one product over the k cotangents side by side.
            ntk.addcmul_(rows @ rows.t(), input_gram(l))
        if l > 0:
            delta = (mults[l] * (delta @ weights[l])) * masks[l - 1][None, :, :]
    return out, ntk
