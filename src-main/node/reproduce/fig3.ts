// Fig. 3 of the paper: under long cross-entropy training the empirical NTK on the circle moves away from its
// initial (and the analytic) shape. One run; the circle sweep recorded at three steps, drawn over the analytic kernel.
import { circleCurvesOption } from '../../charts/kernel-options';
import type { ExperimentDefinition } from './experiment';
import { circleBase, fmt, maxAbsGap, stepsFor, sweepAnalytic, sweepAt, widthsFor } from './series';

export const fig3: ExperimentDefinition = {
  id: 'fig3',
  title: 'Fig. 3: the NTK moves during long CE training',
  summary: 'K_t((1,0), (cos φ, sin φ)) at t = 0, an intermediate step and the last step of a long cross-entropy run; the paper uses m = 2000 and t = 0, 10^4, 2·10^5.',
  spec: (options) => {
    const base = circleBase(options);
    const width = widthsFor(options, [256], [2000])[0];
    const total = stepsFor(options, 20_000, 200_000);
    const middle = Math.round(total / 20);
    return {
      name: 'Reproduce fig3',
      base: {
        ...base,
        name: `fig3 m=${width}`,
        seed: options.seeds?.[0] ?? 0,
        steps: total,
        model: { ...(base.model as object), width },
        ntk: { ...(base.ntk as object), circleSweep: options.scale === 'paper' ? 201 : 101 },
        logging: { metrics: { logSpaced: 100 }, kernels: { steps: [0, middle, total], logSpaced: 12 }, trackSamples: [0, 1, 2, 3, 4, 5], saveKernels: false },
      },
    };
  },
  analyse: (runs) => {
    const r = runs[0];
    const total = r.config.steps;
    const middle = Math.round(total / 20);
    const analytic = sweepAnalytic(r.run);
    const steps = [0, middle, total];
    const curves = steps.flatMap((s) => {
      const values = sweepAt(r.run, s);
      return values ? [{ id: `step-${s}`, name: `t = ${s}`, values }] : [];
    });
    const k0 = sweepAt(r.run, 0);
    const rows = steps.map((s) => {
      const v = sweepAt(r.run, s);
      return { step: s, maxAbsFromInit: v && k0 ? maxAbsGap(v, k0) : NaN, maxAbsFromAnalytic: v && analytic ? maxAbsGap(v, analytic) : NaN, peak: v ? Math.max(...v) : NaN };
    });
    return {
      panels: [{ id: 'fig3', title: `K_t on the circle at t = ${steps.join(', ')}`, hint: `m = ${r.config.model.width}, cross-entropy, analytic kernel dashed`, option: circleCurvesOption(curves, analytic) }],
      comparisons: rows.slice(1).map((row) => ({ quantity: `t = ${row.step}: max_φ |K_t − K₀| (peak K_t(x,x) ${fmt(row.peak)})`, measured: fmt(row.maxAbsFromInit), paper: 'visibly moved by t = 10^4 and more by 2·10^5 (figure only)' })),
      tables: [{ title: 'The circle kernel over training', headers: ['step', 'max_φ |K_t − K₀|', 'max_φ |K_t − K|', 'max_φ K_t'], rows: rows.map((x) => [String(x.step), fmt(x.maxAbsFromInit, 4), fmt(x.maxAbsFromAnalytic, 4), fmt(x.peak, 4)]) }],
      data: { width: r.config.model.width, rows, analytic },
      notes: [],
    };
  },
};
