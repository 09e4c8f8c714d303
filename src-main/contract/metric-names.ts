// Names of the scalar metrics a training run records (the store's rows, the API's series and events, the charts).
// Per-sample series are `outputs/<sample>/<j>`, `u/<sample>` and `diagonal/<sample>`.

export const SCALAR_METRICS = [
  'loss',
  'accuracy',
  'paramNorm',
  'paramDistance',
  'paramDistanceInf',
  'relDrift',
  'maxAbsDriftInit',
  'maxAbsDiffAnalytic',
  'lambdaMin',
  'lambdaMax',
  'condition',
] as const;

export type ScalarMetric = (typeof SCALAR_METRICS)[number];
