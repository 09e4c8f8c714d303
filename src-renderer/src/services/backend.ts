// The connection every store talks through: installed once at start (main.ts, from api/client.ts) or by a test
// with a fake, so stores never know whether they run over Electron IPC or the web bridge.
import type { Channel, RequestOf, Responses } from '../../../src-main/contract/api';
import type { Result } from '../../../src-main/contract/result';
import type { ApiConnection } from '../api/connection';
import { unwrap } from '../lib/result';

let current: ApiConnection | null = null;

export function installBackend(connection: ApiConnection): void {
  current = connection;
}

export function backend(): ApiConnection {
  if (!current) throw new Error('no backend connection installed (installBackend)');
  return current;
}

/** One request; resolves to its value or throws ApiError with the contract's code. */
export function call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<Responses[C]> {
  const method = backend().api[channel] as unknown as (request: RequestOf<C>) => Promise<Result<Responses[C]>>;
  return unwrap(method(request));
}
