// The reproduction experiments by name (node/reproduce runs them; the CLI and the app's Reproduce entry start them)
// and their scales. Zod-free, so the renderer lists them directly.

export const EXPERIMENT_IDS = ['fig1', 'fig2', 'fig3', 'fig4', 'contrast', 'dynamics'] as const;
export type ExperimentId = (typeof EXPERIMENT_IDS)[number];
export const SCALES = ['small', 'paper'] as const;
export type Scale = (typeof SCALES)[number];

/** What the app's Reproduce entry lists per experiment. */
export const EXPERIMENT_LABELS: Readonly<Record<ExperimentId, string>> = {
  fig1: 'Fig. 1: outputs diverge under CE',
  fig2: 'Fig. 2: NTK at init converges with width',
  fig3: 'Fig. 3: NTK moves during CE training',
  fig4: 'Fig. 4: kernel diagonal on MNIST',
  contrast: 'Contrast: CE vs MSE across widths',
  dynamics: 'Dynamics: network vs kernel GD',
};

/** The tag every run of an experiment started from the app carries, so its panels find them in the project. */
export const reproduceTag = (id: ExperimentId): string => `reproduce:${id}`;
