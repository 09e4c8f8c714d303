// The names every transport shares, free of zod so the sandboxed preload stays a few kilobytes: request channels,
// event names, the IPC event channel and the web bridge's event path. api.ts checks its tables against these lists.

export const CHANNELS = [
  'app:info',
  'projects:list',
  'projects:create',
  'projects:rename',
  'projects:set-notes',
  'projects:delete',
  'projects:export',
  'projects:import',
  'runs:list',
  'runs:get',
  'runs:start',
  'runs:cancel',
  'runs:rename',
  'runs:set-notes',
  'runs:tag',
  'runs:untag',
  'runs:duplicate',
  'runs:delete',
  'runs:metrics',
  'runs:kernels',
  'runs:kernel',
  'runs:sweep',
  'runs:subscribe',
  'imports:inspect',
  'imports:start',
  'imports:resume',
  'imports:kernel-files',
  'imports:kernel-export',
  'uploads:write',
  'downloads:read',
  'sweeps:export-slurm',
  'reports:export',
  'reproduce:start',
  'reproduce:panels',
] as const;

export type Channel = (typeof CHANNELS)[number];

export const EVENT_NAMES = ['runs:progress', 'runs:metrics', 'runs:status', 'runs:kernel'] as const;

/** webContents.send channel that carries `{event, payload}` for every contract event to the window. */
export const IPC_EVENT_CHANNEL = 'event';

/** WebSocket path of the web bridge's event stream. */
export const EVENTS_PATH = '/api/events';

/** HTTP route of a channel on the web bridge: 'runs:set-notes' -> 'POST /api/runs/set-notes'; lists also answer GET. */
export function channelPath(channel: Channel): string {
  return `/api/${channel.replace(':', '/')}`;
}
