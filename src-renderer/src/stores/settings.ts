// User preferences kept in this browser profile (localStorage): theme, the backend new runs default to, how
// many points a chart line keeps after LTTB sampling, and whether a run's end raises a browser notification.
import { defineStore } from 'pinia';
import { computed, ref, watch } from 'vue';
import { BACKENDS, type Backend } from '../../../src-main/contract/run-config-rules';

export type ThemeChoice = 'system' | 'light' | 'dark';

const KEY = 'ntk-workbench.settings';

interface Saved {
  theme: ThemeChoice;
  defaultBackend: Backend;
  chartPoints: number;
  notifyRuns: boolean;
}

function load(): Partial<Saved> {
  try {
    return JSON.parse(window.localStorage.getItem(KEY) ?? '{}') as Partial<Saved>;
  } catch {
    return {};
  }
}

export const useSettingsStore = defineStore('settings', () => {
  const saved = load();
  const theme = ref<ThemeChoice>(['system', 'light', 'dark'].includes(saved.theme ?? '') ? (saved.theme as ThemeChoice) : 'system');
  const defaultBackend = ref<Backend>((BACKENDS as readonly string[]).includes(saved.defaultBackend ?? '') ? (saved.defaultBackend as Backend) : 'auto');
  const chartPoints = ref(Number.isInteger(saved.chartPoints) && (saved.chartPoints ?? 0) >= 100 ? (saved.chartPoints as number) : 1500);

  const notifyRuns = ref(saved.notifyRuns === true);

  const media = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const systemDark = ref(media?.matches ?? false);
  media?.addEventListener('change', (event) => {
    systemDark.value = event.matches;
  });
  const resolvedTheme = computed<'light' | 'dark'>(() => (theme.value === 'system' ? (systemDark.value ? 'dark' : 'light') : theme.value));

  watch(
    [theme, defaultBackend, chartPoints, notifyRuns],
    () => {
      const value: Saved = { theme: theme.value, defaultBackend: defaultBackend.value, chartPoints: chartPoints.value, notifyRuns: notifyRuns.value };
      window.localStorage.setItem(KEY, JSON.stringify(value));
    },
    { flush: 'sync' },
  );
  watch(
    resolvedTheme,
    (value) => {
      document.documentElement.dataset.theme = value;
    },
    { immediate: true },
  );

  return { theme, defaultBackend, chartPoints, notifyRuns, resolvedTheme };
});
