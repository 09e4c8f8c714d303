// The boundary every transport shares: look up the channel, validate the payload against its schema, call the
// handler, and turn whatever happens into a Result with a stable code. Handlers never see unvalidated input.
import { type ApiHandlers, type Channel, type Responses, requestSchemas } from './api';
import { failureOf, type Result } from './result';
import { describeIssues } from './zod-issues';

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, value);
}

export async function dispatch(handlers: ApiHandlers, channel: unknown, payload: unknown): Promise<Result<Responses[Channel]>> {
  if (!isChannel(channel)) return { ok: false, code: 'api/unknown-channel', message: `unknown request channel ${JSON.stringify(channel)}` };
  const parsed = requestSchemas[channel].safeParse(payload ?? {});
  if (!parsed.success) {
    return { ok: false, code: 'api/invalid-request', message: `${channel}: ${describeIssues(parsed.error, '(payload)').join('; ')}` };
  }
  try {
    const handler = handlers[channel] as (request: unknown) => Promise<Responses[Channel]> | Responses[Channel];
    return { ok: true, value: await handler(parsed.data) };
  } catch (error) {
    return { ok: false, ...failureOf(error) };
  }
}
