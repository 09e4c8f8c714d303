// Browser uploads into the workspace: files keep their dropped relative paths inside one upload folder, chunks
// append only at the file's current size, paths cannot leave the folder, the size limit holds, and a model uploaded
// with its external-data file imports from there.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CodedError } from '../../../src-main/contract/result';
import { inspectModel } from '../../../src-main/node/onnx/import/import-service';
import { createUploadStore, safeUploadPath } from '../../../src-main/node/transfers/upload-store';
import { externalMlp } from '../../fixtures/onnx/make-fixtures';

const codeOf = async (promise: Promise<unknown>) => promise.then(() => 'resolved', (e: unknown) => (e instanceof CodedError ? e.code : `uncoded: ${String(e)}`));

describe('upload store', () => {
  it('appends chunks in order into one folder per upload and answers the host path', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ntk-uploads-'));
    const store = createUploadStore(root);
    const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37) % 256);
    const first = await store.write({ path: 'run1/step-10.onnx', offset: 0, bytes: bytes.subarray(0, 600) });
    expect(first.uploadId).toMatch(/^[0-9a-f]{24}$/);
    expect(first.path).toBe(join(root, first.uploadId, 'run1', 'step-10.onnx'));
    const second = await store.write({ uploadId: first.uploadId, path: 'run1/step-10.onnx', offset: 600, bytes: bytes.subarray(600) });
    expect(second).toEqual({ uploadId: first.uploadId, path: first.path, bytes: 1000 });
    expect(new Uint8Array(await readFile(first.path))).toEqual(bytes);
    const sibling = await store.write({ uploadId: first.uploadId, path: 'run1\\weights.data', offset: 0, bytes: new Uint8Array(0) });
    expect(sibling.path).toBe(join(root, first.uploadId, 'run1', 'weights.data'));
    const other = await store.write({ path: 'run1/step-10.onnx', offset: 0, bytes: bytes.subarray(0, 10) });
    expect(other.uploadId).not.toBe(first.uploadId);
  });

  it('refuses a chunk at the wrong offset and leaves the file as it was', async () => {
    const store = createUploadStore(await mkdtemp(join(tmpdir(), 'ntk-uploads-')));
    const first = await store.write({ path: 'a.onnx', offset: 0, bytes: new Uint8Array([1, 2, 3]) });
    await expect(store.write({ uploadId: first.uploadId, path: 'a.onnx', offset: 0, bytes: new Uint8Array([9]) })).rejects.toMatchObject({ code: 'api/invalid-request', message: expect.stringContaining('has 3 bytes') });
    await expect(store.write({ uploadId: first.uploadId, path: 'a.onnx', offset: 5, bytes: new Uint8Array([9]) })).rejects.toMatchObject({ code: 'api/invalid-request' });
    expect([...(await readFile(first.path))]).toEqual([1, 2, 3]);
  });

  it('keeps every path inside its upload folder', async () => {
    const store = createUploadStore(await mkdtemp(join(tmpdir(), 'ntk-uploads-')));
    for (const path of ['../escape.onnx', 'a/../../escape.onnx', '/etc/passwd', 'C:\\\\x.onnx', '', './', 'a/\0b'])
      expect(await codeOf(store.write({ path, offset: 0, bytes: new Uint8Array(1) })), path).toBe('api/invalid-request');
    expect(safeUploadPath('./run//a/./b.onnx')).toBe(join('run', 'a', 'b.onnx'));
  });

  it('stops a file at the size limit with a coded error', async () => {
    const store = createUploadStore(await mkdtemp(join(tmpdir(), 'ntk-uploads-')), { maxFileBytes: 16 });
    const first = await store.write({ path: 'big.onnx', offset: 0, bytes: new Uint8Array(10) });
    expect(await codeOf(store.write({ uploadId: first.uploadId, path: 'big.onnx', offset: 10, bytes: new Uint8Array(10) }))).toBe('store/too-large');
    expect((await readFile(first.path)).length).toBe(10);
  });

  it('gives an io/failed error, not a crash, when the folder cannot be written', async () => {
    const root = await mkdtemp(join(tmpdir(), 'ntk-uploads-'));
    const blocker = createUploadStore(root);
    const file = await blocker.write({ path: 'taken', offset: 0, bytes: new Uint8Array(1) });
    // A file where the upload folder's parent should be: mkdir fails (ENOTDIR), like a read-only or full disk would.
    const store = createUploadStore(join(root, file.uploadId, 'taken'));
    expect(await codeOf(store.write({ path: 'x.onnx', offset: 0, bytes: new Uint8Array(1) }))).toBe('io/failed');
  });

  it('lets a model uploaded beside its external data import from the upload folder', async () => {
    const store = createUploadStore(await mkdtemp(join(tmpdir(), 'ntk-uploads-')));
    const fixture = externalMlp();
    const model = await store.write({ path: `drop/${fixture.file}`, offset: 0, bytes: fixture.bytes });
    for (const [relative, bytes] of fixture.siblings ?? []) await store.write({ uploadId: model.uploadId, path: `drop/${relative}`, offset: 0, bytes });
    const inspection = await inspectModel({ path: model.path });
    expect(inspection.summary.paramCount).toBe(67);
  });
});
