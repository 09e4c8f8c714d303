// How the web bridge answers: every /api/ response is a Result as JSON, refusals included, so a client reads one
// shape whatever went wrong; the HTTP status says which layer refused.
import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorCode, Result } from '../contract/result';

/**
 * Headers for an answer given before the request body was read (a refusal): the rest is drained and the connection
 * closed after the answer, so a keep-alive client does not send its next request on a connection in that state.
 */
export function unreadBodyHeaders(response: ServerResponse): Record<string, string> {
  if (response.req.complete) return {};
  response.req.resume();
  return { Connection: 'close' };
}

export function sendJson(response: ServerResponse, status: number, body: Result<unknown>, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...unreadBodyHeaders(response),
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  response.end(text);
}

export function sendError(response: ServerResponse, status: number, code: ErrorCode, message: string, headers?: Record<string, string>): void {
  sendJson(response, status, { ok: false, code, message }, headers);
}

/** Refuses a WebSocket upgrade with a plain HTTP answer; the socket has not been handed to `ws` yet. */
export function refuseUpgrade(socket: Duplex, status: number, code: ErrorCode, message: string): void {
  const text = JSON.stringify({ ok: false, code, message });
  const reason = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status] ?? 'Error';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`,
  );
}
