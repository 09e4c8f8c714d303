// The app's places as a hash route (#/projects/3, #/runs/12?tab=kernels), so reload, back/forward and links keep
// the view; the query string is left alone because the web bridge's token lives there.

export type Route =
  | { name: 'projects' }
  | { name: 'project'; projectId: number }
  | { name: 'new-run'; projectId: number; fromRunId?: number; preset?: string }
  | { name: 'import'; projectId: number }
  | { name: 'run'; runId: number; tab?: string }
  | { name: 'compare'; runIds: number[] }
  | { name: 'settings' };

const ids = (text: string | null): number[] =>
  (text ?? '')
    .split(',')
    .map(Number)
    .filter((v) => Number.isInteger(v) && v > 0);

export function parseRoute(hash: string): Route {
  const [path, query = ''] = hash.replace(/^#/, '').split('?');
  const params = new URLSearchParams(query);
  const parts = path.split('/').filter(Boolean);
  const id = Number(parts[1]);
  if (parts[0] === 'projects' && Number.isInteger(id) && id > 0) {
    if (parts[2] === 'new') {
      const from = Number(params.get('from'));
      const preset = params.get('preset');
      return { name: 'new-run', projectId: id, ...(Number.isInteger(from) && from > 0 ? { fromRunId: from } : {}), ...(preset ? { preset } : {}) };
    }
    if (parts[2] === 'import') return { name: 'import', projectId: id };
    return { name: 'project', projectId: id };
  }
  if (parts[0] === 'runs' && Number.isInteger(id) && id > 0) return { name: 'run', runId: id, ...(params.get('tab') ? { tab: params.get('tab') ?? undefined } : {}) };
  if (parts[0] === 'compare') return { name: 'compare', runIds: ids(params.get('runs')) };
  if (parts[0] === 'settings') return { name: 'settings' };
  return { name: 'projects' };
}

export function formatRoute(route: Route): string {
  switch (route.name) {
    case 'projects':
      return '#/';
    case 'project':
      return `#/projects/${route.projectId}`;
    case 'new-run': {
      const query = new URLSearchParams();
      if (route.fromRunId) query.set('from', String(route.fromRunId));
      if (route.preset) query.set('preset', route.preset);
      const text = query.toString();
      return `#/projects/${route.projectId}/new${text ? `?${text}` : ''}`;
    }
    case 'import':
      return `#/projects/${route.projectId}/import`;
    case 'run':
      return `#/runs/${route.runId}${route.tab ? `?tab=${encodeURIComponent(route.tab)}` : ''}`;
    case 'compare':
      return `#/compare?runs=${route.runIds.join(',')}`;
    case 'settings':
      return '#/settings';
  }
}
