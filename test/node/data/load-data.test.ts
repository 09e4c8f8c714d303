// loadData: each config kind reaches its loader, and generators without a seed of their own use the run's seed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataSchema } from '../../../src-main/contract/run-config';
import { blobsData, circleData, sphereData } from '../../../src-main/core/data/synthetic';
import { loadData } from '../../../src-main/node/data/load-data';

const config = (input: unknown) => dataSchema.parse(input);

describe('loadData', () => {
  it('builds the paper circle from the schema defaults', async () => {
    expect(await loadData(config({ kind: 'circle' }), 0)).toEqual(circleData(6, 'alternating'));
  });

  it('seeds sphere and blobs from the run unless the config has its own seed', async () => {
    expect(await loadData(config({ kind: 'sphere', n: 20, dim: 3 }), 5)).toEqual(sphereData(20, 3, 5));
    expect(await loadData(config({ kind: 'sphere', n: 20, dim: 3, seed: 9 }), 5)).toEqual(sphereData(20, 3, 9));
    expect(await loadData(config({ kind: 'blobs', n: 30, dim: 4, classes: 3 }), 2)).toEqual(blobsData(30, 4, 3, 0.5, 2));
  });

  it('loads MNIST with the run seed and files from disk', async () => {
    const mnist = await loadData(config({ kind: 'mnist', n: 20 }), 3);
    expect(mnist).toMatchObject({ n: 20, d: 784, classes: 2 });
    expect((await loadData(config({ kind: 'mnist', n: 20, seed: 3 }), 99)).x).toEqual(mnist.x);

    const dir = mkdtempSync(join(tmpdir(), 'ntk-load-data-'));
    try {
      const inputs = join(dir, 'set.json');
      writeFileSync(inputs, JSON.stringify({ inputs: [[0, 1], [1, 0]], labels: [1, 0] }));
      expect(await loadData(config({ kind: 'file', inputs }), 0)).toMatchObject({ n: 2, d: 2, classes: 2 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
