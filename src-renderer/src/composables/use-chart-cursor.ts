// One cursor for the line charts of a view (a run's panels, the compare panels): ECharts' connect group syncs the
// crosshair and tooltips across them, hovering sets the step the readout shows, and a click pins that step until
// it is unpinned. A view provides it; each chart that shares the step axis joins it (EChart's `cursor`).
import { connect, disconnect } from 'echarts/core';
import { computed, type ComputedRef, inject, type InjectionKey, onBeforeUnmount, provide, ref, type Ref } from 'vue';
import { stepOfX, type XMode } from '../../../src-main/charts/chart-points';

export interface ChartCursor {
  /** The ECharts connect group of the view's charts. */
  readonly group: string;
  /** How the charts' x maps to a step; null while x is not a step (another metric). */
  readonly mode: Readonly<Ref<XMode | null>>;
  /** The step under the mouse on any chart of the group, null when none is hovered. */
  readonly hovered: Readonly<Ref<number | null>>;
  /** The pinned step, null when nothing is pinned. */
  readonly pinned: Readonly<Ref<number | null>>;
  /** What the readout shows: the pinned step, else the hovered one. */
  readonly step: ComputedRef<number | null>;
  hoverX(x: number | null): void;
  pinX(x: number): void;
  /** Moves the pin onto a logged step (the readout snaps it to the nearest one). */
  pinStep(step: number): void;
  unpin(): void;
}

const CHART_CURSOR: InjectionKey<ChartCursor> = Symbol('chart-cursor');
let groups = 0;

/** Creates the view's cursor, provides it to the charts below, and leaves the connect group on unmount. */
export function provideChartCursor(mode: Readonly<Ref<XMode | null>>): ChartCursor {
  const group = `cursor-${++groups}`;
  const hovered = ref<number | null>(null);
  const pinned = ref<number | null>(null);
  const toStep = (x: number): number | null => {
    const m = mode.value;
    if (m === null || !Number.isFinite(x)) return null;
    const step = Math.round(stepOfX(x, m));
    return step >= 0 ? step : null;
  };
  const cursor: ChartCursor = {
    group,
    mode,
    hovered,
    pinned,
    step: computed(() => pinned.value ?? hovered.value),
    hoverX: (x) => {
      hovered.value = x === null ? null : toStep(x);
    },
    pinX: (x) => {
      const step = toStep(x);
      if (step !== null) pinned.value = step;
    },
    pinStep: (step) => {
      if (pinned.value !== null) pinned.value = step;
    },
    unpin: () => {
      pinned.value = null;
    },
  };
  connect(group);
  onBeforeUnmount(() => disconnect(group));
  provide(CHART_CURSOR, cursor);
  return cursor;
}

/** The cursor of the view around this chart, if it has one. */
export function useChartCursor(): ChartCursor | null {
  return inject(CHART_CURSOR, null);
}
