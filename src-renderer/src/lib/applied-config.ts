// The run config as the Config tab shows it: only the fields that act on this run. The schema fills defaults for
// every optimiser and loss (Adam's beta1/beta2/epsilon on a GD run, MSE targets on a BCE run); those are dropped
// here so the tab reads as what ran. The stored config and its download stay complete.
type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function without(object: Json, keys: readonly string[]): Json {
  return Object.fromEntries(Object.entries(object).filter(([k]) => !keys.includes(k)));
}

export function appliedConfig(config: Json): Json {
  const out: Json = { ...config };
  if (isObject(config.optimizer)) {
    const kind = config.optimizer.kind ?? 'gd';
    out.optimizer = without(config.optimizer, [...(kind === 'adam' ? [] : ['beta1', 'beta2', 'epsilon']), ...(kind === 'sgd' ? [] : ['batchSize'])]);
  }
  if (isObject(config.loss) && config.loss.kind !== 'mse') out.loss = without(config.loss, ['targets']);
  return out;
}
