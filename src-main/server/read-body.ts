// Reads a request body as JSON under a size limit: oversized bodies are refused from Content-Length when it is given
// and counted while streaming when it is not, so a client cannot make the server buffer more than the limit.
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

export function readJsonBody(request: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const tooLarge: BodyResult = { ok: false, status: 413, message: `request body over ${maxBytes} bytes` };
  if (Number(request.headers['content-length'] ?? 0) > maxBytes) return Promise.resolve(tooLarge);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      // Keep draining (and dropping) the rest, so the client can read the 413 rather than a reset connection.
      request.off('data', onData);
      request.resume();
      resolve(tooLarge);
    };
    request.on('data', onData);
    request.on('error', reject);
    request.on('end', () => {
      if (size > maxBytes) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve({ ok: true, value: undefined });
      try {
        resolve({ ok: true, value: JSON.parse(text) });
      } catch (error) {
        resolve({ ok: false, status: 400, message: `request body is not valid JSON: ${(error as Error).message}` });
      }
    });
  });
}
