// Which view is showing, as a hash route kept in step with the address bar (back/forward work, reload keeps it).
import { defineStore } from 'pinia';
import { ref, shallowRef } from 'vue';
import { formatRoute, parseRoute, type Route } from '../lib/routes';

export const useNavigationStore = defineStore('navigation', () => {
  const route = shallowRef<Route>(parseRoute(window.location.hash));
  /** The runs last compared, so "Compare" in the top bar returns to them. */
  const lastCompare = ref<number[]>([]);

  const remember = (next: Route) => {
    if (next.name === 'compare' && next.runIds.length > 0) lastCompare.value = next.runIds;
  };
  remember(route.value);

  const onHashChange = () => {
    route.value = parseRoute(window.location.hash);
    remember(route.value);
  };
  window.addEventListener('hashchange', onHashChange);

  function go(next: Route): void {
    const hash = formatRoute(next);
    route.value = next;
    remember(next);
    if (window.location.hash !== hash) window.history.pushState(null, '', hash);
  }

  /** Changes the current entry without adding one (tabs, filters). */
  function replace(next: Route): void {
    route.value = next;
    window.history.replaceState(null, '', formatRoute(next));
  }

  return { route, lastCompare, go, replace, href: formatRoute };
});
