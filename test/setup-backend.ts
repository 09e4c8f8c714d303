// Every test file runs on the backend CI uses (NTK_BACKEND, default wasm; cpu when wasm cannot start).
import { beforeAll } from 'vitest';
import { initBackend } from '../src-main/node/backend';

beforeAll(async () => {
  await initBackend((process.env.NTK_BACKEND as 'wasm' | 'cpu' | undefined) ?? 'auto');
});
