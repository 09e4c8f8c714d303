// Who may talk to the web bridge: requests addressed to this server by its own host name (a foreign Host header is
// how DNS rebinding reaches a loopback server), from its own origin when the browser names one, and, under /api/,
// carrying this launch's random token.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

export interface RequestGuard {
  /** The Host header names this server (127.0.0.1 or localhost, on its port). */
  hostOk(request: IncomingMessage): boolean;
  /** No Origin header (not a browser's cross-origin request), or this server's own origin. */
  originOk(request: IncomingMessage): boolean;
  /** `Authorization: Bearer <token>` or `?token=<token>`. */
  tokenOk(request: IncomingMessage, url: URL): boolean;
}

export function createRequestGuard(token: string, port: number): RequestGuard {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const origins = new Set([...hosts].map((host) => `http://${host}`));
  const expected = Buffer.from(token);
  const matches = (candidate: string | null | undefined): boolean => {
    if (!candidate) return false;
    const given = Buffer.from(candidate);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return {
    hostOk: (request) => hosts.has(request.headers.host?.toLowerCase() ?? ''),
    originOk: (request) => request.headers.origin === undefined || origins.has(request.headers.origin.toLowerCase()),
    tokenOk: (request, url) => {
      const bearer = /^Bearer (\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
      return matches(bearer) || matches(url.searchParams.get('token'));
    },
  };
}
