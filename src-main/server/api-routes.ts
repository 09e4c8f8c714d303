// The HTTP routes of the contract, derived from its channel list: POST channelPath(channel) for every channel, GET as
// well for channels whose request is empty (reads with nothing to say), and a few friendly aliases.
import { CHANNELS, type Channel, channelPath, requestSchemas } from '../contract/api';

export interface ApiRoute {
  readonly channel: Channel;
  readonly methods: readonly ('GET' | 'POST')[];
}

/** Shorter spellings of common reads. */
const ALIASES: Readonly<Record<string, Channel>> = { '/api/projects': 'projects:list' };

function hasEmptyRequest(channel: Channel): boolean {
  return Object.keys(requestSchemas[channel].shape).length === 0;
}

function route(channel: Channel): ApiRoute {
  return { channel, methods: hasEmptyRequest(channel) ? ['GET', 'POST'] : ['POST'] };
}

const routes = new Map<string, ApiRoute>([
  ...CHANNELS.map((channel) => [channelPath(channel), route(channel)] as const),
  ...Object.entries(ALIASES).map(([path, channel]) => [path, { channel, methods: ['GET'] as const }] as const),
]);

export function findRoute(pathname: string): ApiRoute | undefined {
  return routes.get(pathname.replace(/\/+$/, ''));
}
