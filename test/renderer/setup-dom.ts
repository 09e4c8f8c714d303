// Shared setup of the renderer tests (happy-dom): charts stubbed (ECharts needs a canvas), a fresh Pinia and an
// empty route before each test, and <dialog>.showModal where happy-dom lacks it (the views only need open/close).
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, vi } from 'vitest';
import { defineComponent, h } from 'vue';

vi.mock('vue-echarts', () => ({
  default: defineComponent({
    name: 'VChart',
    props: { option: { type: Object, default: undefined } },
    setup(_props, { expose }) {
      expose({ setOption: () => {}, chart: undefined });
      return () => h('div', { class: 'vchart-stub' });
    },
  }),
}));

beforeEach(() => {
  setActivePinia(createPinia());
  window.location.hash = '';
  HTMLDialogElement.prototype.showModal ??= function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
});
