// Requests under /api/: checked (origin 403, token 401), routed to a channel, body read under its limit (413), and
// answered with dispatch()'s Result, the same validation and error codes as Electron IPC.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiHandlers } from '../contract/api';
import { dispatch } from '../contract/dispatch';
import { findRoute } from './api-routes';
import { readJsonBody } from './read-body';
import type { RequestGuard } from './request-guard';
import { sendError, sendJson } from './responses';

export interface ApiRequestOptions {
  readonly handlers: ApiHandlers;
  readonly guard: RequestGuard;
  readonly maxBodyBytes: number;
}

/** Codes a client got wrong answer 4xx and crashes 500; every other outcome is a well-formed 200 Result. */
function statusOf(code: string): number {
  if (code === 'api/invalid-request') return 400;
  if (code === 'internal') return 500;
  return 200;
}

export async function handleApiRequest(request: IncomingMessage, response: ServerResponse, url: URL, options: ApiRequestOptions): Promise<void> {
  const { guard } = options;
  if (!guard.originOk(request)) return sendError(response, 403, 'api/forbidden', 'requests from another origin are refused');
  if (!guard.tokenOk(request, url)) return sendError(response, 401, 'api/unauthorized', 'missing or wrong token: use the URL the server printed');

  const route = findRoute(url.pathname);
  if (!route) return sendError(response, 404, 'api/unknown-channel', `no API channel at ${url.pathname}`);
  const method = request.method ?? 'GET';
  if (!(route.methods as readonly string[]).includes(method)) {
    return sendError(response, 405, 'api/invalid-request', `${url.pathname} answers ${route.methods.join(', ')}`, { Allow: route.methods.join(', ') });
  }

  let payload: unknown = {};
  if (method === 'POST') {
    const body = await readJsonBody(request, options.maxBodyBytes);
    if (!body.ok) return sendError(response, body.status, 'api/invalid-request', body.message);
    payload = body.value;
  }
  const result = await dispatch(options.handlers, route.channel, payload);
  sendJson(response, result.ok ? 200 : statusOf(result.code), result);
}
