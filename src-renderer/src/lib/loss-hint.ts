// The formula the Loss field shows under its choice, as src-main/core/losses.ts computes it (z = (2y−1) f for BCE,
// targets t from the labels for MSE), so the hint follows the loss picked rather than always naming BCE.
import type { RunDraft } from './run-config-form';

type Loss = RunDraft['loss'];

const TARGETS: Readonly<Record<Loss['targets'], string>> = {
  'zero-one': 't = y ∈ {0, 1}',
  'plus-minus': 't = 2y − 1 ∈ {−1, +1}',
  'one-hot': 't = one-hot(y), k outputs',
};

export function lossHint(loss: Pick<Loss, 'kind' | 'targets'>): string {
  if (loss.kind === 'bce') return 'bce: ln(1 + e^−(2y−1)f), one logit';
  if (loss.kind === 'softmax-ce') return 'softmax-ce: −ln softmax(f)_y over k logits';
  return `mse: (f − t)², ${TARGETS[loss.targets]}`;
}
