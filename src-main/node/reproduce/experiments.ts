// The reproduction experiments by id: the CLI's runner and the app's Reproduce entry look them up here. Definitions
// only (specs and analyses), so a host can plan runs without loading the training engine.
import { contrast } from './contrast';
import { dynamics } from './dynamics';
import type { ExperimentDefinition, ExperimentId } from './experiment';
import { fig1 } from './fig1';
import { fig2 } from './fig2';
import { fig3 } from './fig3';
import { fig4 } from './fig4';

export const EXPERIMENTS: Readonly<Record<ExperimentId, ExperimentDefinition>> = { fig1, fig2, fig3, fig4, contrast, dynamics };
