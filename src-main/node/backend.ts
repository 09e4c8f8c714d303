// Chooses and starts the tfjs backend: tensorflow-gpu, then tensorflow (native, optional dependencies, guarded
// imports), then wasm, then the pure-JS cpu backend. The choice and the versions are recorded with every run.
import * as tf from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { CodedError } from '../contract/result';

export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
export type BackendRequest = BackendName | 'auto';

export interface BackendInfo {
  readonly name: BackendName;
  readonly tfjsVersion: string;
  readonly packageVersion: string;
  readonly node: string;
  readonly platform: string;
  /** Why earlier choices in the auto order were skipped. */
  readonly skipped: readonly string[];
}

const AUTO_ORDER: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];
const requireHere = createRequire(import.meta.url);
let gradientsRegistered = false;
let active: BackendInfo | undefined;

function packageVersion(pkg: string): string {
  try {
    return (requireHere(`${pkg}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The union package registers every gradient into the same tfjs-core instance (tfjs-core's node bundle has none). */
function ensureGradients(): void {
  if (gradientsRegistered) return;
  requireHere('@tensorflow/tfjs');
  gradientsRegistered = true;
}

async function tryStart(name: BackendName): Promise<void> {
  switch (name) {
    case 'tensorflow-gpu':
      requireHere('@tensorflow/tfjs-node-gpu');
      break;
    case 'tensorflow':
      requireHere('@tensorflow/tfjs-node');
      break;
    case 'wasm':
      requireHere('@tensorflow/tfjs-backend-wasm');
      break;
    case 'cpu':
      requireHere('@tensorflow/tfjs-backend-cpu');
      break;
  }
  const backendKey = name === 'tensorflow-gpu' ? 'tensorflow' : name;
  const started = await tf.setBackend(backendKey);
  if (!started) throw new Error(`tf.setBackend('${backendKey}') returned false`);
  await tf.ready();
}

const PACKAGE_OF: Record<BackendName, string> = {
  'tensorflow-gpu': '@tensorflow/tfjs-node-gpu',
  tensorflow: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
  cpu: '@tensorflow/tfjs-backend-cpu',
};

/**
 * Starts the requested backend ('auto' walks the order above). An explicit request that fails throws
 * `backend/unavailable`; NTK_BACKEND in the environment overrides 'auto'.
 */
export async function initBackend(request: BackendRequest = 'auto'): Promise<BackendInfo> {
  ensureGradients();
  tf.env().set('PROD', true);
  const wanted = request === 'auto' ? ((process.env.NTK_BACKEND as BackendRequest | undefined) ?? 'auto') : request;
  const order = wanted === 'auto' ? AUTO_ORDER : [wanted];
  const skipped: string[] = [];
  for (const name of order) {
    if (active?.name === name) return active;
    try {
      await tryStart(name);
      active = {
        name,
        tfjsVersion: tf.version_core,
        packageVersion: packageVersion(PACKAGE_OF[name]),
        node: process.version,
        platform: `${process.platform}-${process.arch}`,
        skipped,
      };
      return active;
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      skipped.push(`${name}: ${reason}`);
    }
  }
  throw new CodedError('backend/unavailable', `no tfjs backend could start: ${skipped.join('; ')}`);
}

export function activeBackend(): BackendInfo | undefined {
  return active;
}
