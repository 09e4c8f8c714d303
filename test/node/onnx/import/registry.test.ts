// The importer registry in Netron's manner: ONNX is recognised by its protobuf structure (it has no magic bytes),
// the extension picks among candidates, other formats can register, and unknown files get a coded error; the
// README lists the supported ops.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../../../../src-main/core/random';
import { fileContext, memoryContext } from '../../../../src-main/node/onnx/import/import-context';
import type { ImportedModel } from '../../../../src-main/node/onnx/import/imported-model';
import { ImporterRegistry, defaultRegistry } from '../../../../src-main/node/onnx/import/importer-registry';
import type { ModelImporter } from '../../../../src-main/node/onnx/import/model-importer';
import { looksLikeOnnxModel } from '../../../../src-main/node/onnx/import/onnx-probe';
import { supportedOps } from '../../../../src-main/node/onnx/import/ops/op-registry';
import { validFixtures } from '../../../fixtures/onnx/make-fixtures';
import { codedError } from './helpers';

describe('ONNX structure probe', () => {
  it('accepts every fixture and rejects other bytes', () => {
    for (const make of Object.values(validFixtures)) expect(looksLikeOnnxModel(make().bytes)).toBe(true);
    const rng = createRng(4, 'noise');
    const noise = Uint8Array.from({ length: 256 }, () => rng.int(256));
    for (const bytes of [new Uint8Array(), Uint8Array.from([0x89, 0x50, 0x4e, 0x47]), new TextEncoder().encode('{"inputs": [[1]]}'), noise, new Uint8Array(64)])
      expect(looksLikeOnnxModel(bytes)).toBe(false);
  });
});

describe('importer registry', () => {
  const bytes = validFixtures['tiny-mlp-opset9']().bytes;

  it('finds the ONNX importer by content under any name, and by extension for damaged files', () => {
    const registry = defaultRegistry();
    expect(registry.find(memoryContext('model.onnx', bytes)).name).toBe('onnx');
    expect(registry.find(memoryContext('checkpoint.bin', bytes)).name).toBe('onnx');
    expect(registry.find(memoryContext('broken.onnx', bytes.slice(0, 9))).name).toBe('onnx');
  });

  it('refuses unknown files with import/unknown-format', async () => {
    const error = await codedError(() => defaultRegistry().open(memoryContext('weights.h5', Uint8Array.from([0x89, 0x48, 0x44, 0x46]))));
    expect(error.code).toBe('import/unknown-format');
    expect(error.message).toMatch(/\.onnx/);
  });

  it('takes new formats with register(): match by magic bytes, extension preferred', async () => {
    const opened: string[] = [];
    const fake: ModelImporter = {
      name: 'fake',
      extensions: ['.fake'],
      match: (context) => context.bytes[0] === 0x46 && context.bytes[1] === 0x4b,
      async open(context) {
        opened.push(context.identifier);
        return {} as ImportedModel;
      },
    };
    const registry = defaultRegistry().register(fake);
    await registry.open(memoryContext('x.fake', Uint8Array.from([0x46, 0x4b, 1])));
    await registry.open(memoryContext('x.dat', Uint8Array.from([0x46, 0x4b, 1])));
    expect(opened).toEqual(['x.fake', 'x.dat']);
    // Content wins over a wrong extension; a registry without ONNX does not take ONNX bytes.
    expect(registry.find(memoryContext('m.fake', bytes)).name).toBe('onnx');
    expect((await codedError(async () => new ImporterRegistry().register(fake).find(memoryContext('m.onnx', bytes)))).code).toBe('import/unknown-format');
  });

  it('a missing model file gives data/not-found', async () => {
    expect((await codedError(() => fileContext('/nonexistent/model.onnx'))).code).toBe('data/not-found');
  });
});

describe('documentation', () => {
  it("the README's import section lists every supported op", () => {
    const readme = readFileSync(new URL('../../../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('Supported ONNX operators'), readme.indexOf('Several graph inputs'));
    const listed = new Set(section.match(/[A-Z][A-Za-z0-9]+/g));
    expect(supportedOps().filter((op) => !listed.has(op))).toEqual([]);
  });
});
