// The layering rules of eslint.config.js (docs/house-style.md, Layering), run through ESLint's Node API on small
// snippets placed at virtual paths in the tree; the files need not exist. Also checks that the contract modules the
// renderer may import values from stay free of zod and of every other contract module's values.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });
const RULE = '@typescript-eslint/no-restricted-imports';

/** The layering messages ESLint gives `code` placed at `filePath` (relative to the repository root). */
async function layeringErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${filePath}` });
  return (result?.messages ?? []).filter((m) => m.ruleId === RULE).map((m) => m.message);
}

type Case = [filePath: string, code: string];

const importOf = (source: string): string => `import * as m from '${source}';\nexport { m };\n`;

const blocked: Case[] = [
  ['src-main/core/x.ts', importOf('node:fs')],
  ['src-main/core/x.ts', importOf('fs')],
  ['src-main/core/x.ts', importOf('fs/promises')],
  ['src-main/core/x.ts', importOf('worker_threads')],
  ['src-main/core/x.ts', importOf('electron')],
  ['src-main/core/x.ts', importOf('onnxruntime-node')],
  ['src-main/core/x.ts', importOf('../node/backend')],
  ['src-main/core/x.ts', `export * from '../node/backend';\n`],
  ['src-main/core/x.ts', `import type { BackendInfo } from '../node/backend';\nexport type { BackendInfo };\n`],
  ['src-main/core/models/x.ts', importOf('../../node/backend')],
  ['src-main/core/models/x.ts', importOf('../../electron/window')],
  ['src-main/core/ntk/a/b/x.ts', importOf('../../../../server/http')],
  ['src-main/core/models/x.ts', importOf('../../cli/main')],
  ['src-main/core/x.ts', importOf('../index')],
  ['src-main/contract/x.ts', importOf('../core/random')],
  ['src-main/contract/x.ts', importOf('node:path')],
  ['src-main/contract/x.ts', importOf('electron')],
  ['src-main/contract/x.ts', importOf('vue')],
  ['src-main/contract/ipc/x.ts', importOf('../../node/backend')],
  ['src-main/node/x.ts', importOf('electron')],
  ['src-main/node/onnx/x.ts', importOf('../../electron/window')],
  ['src-main/server/x.ts', importOf('../electron/window')],
  ['src-main/cli/x.ts', importOf('electron/main')],
  ['src-main/electron/x.ts', importOf('../core/random')],
  ['src-main/preload.ts', importOf('./core/random')],
  ['src-main/preload.ts', importOf('node:fs')],
  ['src-main/charts/x.ts', importOf('node:fs')],
  ['src-main/charts/x.ts', importOf('electron')],
  ['src-main/charts/x.ts', importOf('vue')],
  ['src-main/charts/x.ts', importOf('../core/random')],
  ['src-main/charts/x.ts', importOf('../node/backend')],
  ['src-main/core/x.ts', importOf('../charts/lttb')],
  ['src-main/electron/x.ts', importOf('../charts/lttb')],
  ['src-renderer/src/x.ts', importOf('electron')],
  ['src-renderer/src/x.ts', importOf('node:fs')],
  ['src-renderer/src/x.ts', importOf('path')],
  ['src-renderer/src/x.ts', `import { ok } from '../../src-main/contract/result';\nexport { ok };\n`],
  ['src-renderer/src/x.ts', `import { runConfigSchema } from '../../src-main/contract/run-config';\nexport { runConfigSchema };\n`],
  ['src-renderer/src/x.ts', `import { x } from '../../src-main/contract/records-extra';\nexport { x };\n`],
  ['src-renderer/src/x.ts', `export { runConfigSchema } from '../../src-main/contract/run-config';\n`],
  ['src-renderer/src/x.ts', `import { requestSchemas } from '../../src-main/contract/api';\nexport { requestSchemas };\n`],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/dispatch')],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract')],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/run-config-rules/extra')],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/channels-extra')],
  ['src-renderer/src/x.ts', importOf('../../src-main/core/models/params')],
  ['src-renderer/src/x.ts', importOf('../../src-main/node/service/workbench-service')],
  ['src-renderer/src/lib/x.ts', importOf('../../../src-main/run-config-rules')],
  ['src-renderer/src/x.ts', `import type { Rng } from '../../src-main/core/random';\nexport type { Rng };\n`],
  ['src-renderer/src/x.ts', importOf('../../src-main/node/backend')],
  [
    'src-renderer/src/components/RunsView.vue',
    `<script setup lang="ts">\nimport { ok } from '../../../src-main/contract/result';\nok(1);\n</script>\n`,
  ],
  [
    'src-renderer/src/components/RunsView.vue',
    `<script setup lang="ts">\nimport { runConfigSchema } from '../../../src-main/contract/run-config';\nrunConfigSchema.parse({});\n</script>\n`,
  ],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/sweep-spec')],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/sweep-expansion-extra')],
  ['src-main/contract/sweep-expansion.ts', importOf('zod')],
  ['src-main/contract/sweep-expansion.ts', importOf('./run-config')],
  ['src-main/contract/stable-hash.ts', importOf('node:crypto')],
  ['src-main/contract/stable-hash.ts', importOf('../core/random')],
];

const allowed: Case[] = [
  ['src-main/core/x.ts', importOf('@tensorflow/tfjs-core')],
  ['src-main/core/x.ts', importOf('ml-matrix')],
  ['src-main/core/x.ts', importOf('./random')],
  ['src-main/core/x.ts', importOf('../contract/result')],
  ['src-main/core/models/x.ts', importOf('../random')],
  ['src-main/core/models/x.ts', importOf('../../contract/run-config')],
  ['src-main/core/ntk/a/b/x.ts', importOf('../../../linalg/gram-engine')],
  ['src-main/contract/x.ts', importOf('zod')],
  ['src-main/contract/x.ts', importOf('./result')],
  ['src-main/contract/ipc/x.ts', importOf('../result')],
  ['src-main/node/x.ts', importOf('node:fs')],
  ['src-main/node/x.ts', importOf('worker_threads')],
  ['src-main/node/x.ts', importOf('../core/random')],
  ['src-main/node/onnx/x.ts', importOf('../../contract/result')],
  ['src-main/server/x.ts', importOf('../node/backend')],
  ['src-main/cli/x.ts', importOf('../node/backend')],
  ['src-main/electron/x.ts', importOf('electron')],
  ['src-main/electron/x.ts', importOf('../node/backend')],
  ['src-main/electron/x.ts', importOf('../contract/result')],
  ['src-main/preload.ts', importOf('electron')],
  ['src-renderer/src/x.ts', `import { TERMINAL_RUN_STATES } from '../../src-main/contract/records';\nexport { TERMINAL_RUN_STATES };\n`],
  ['src-main/preload.ts', importOf('./contract/result')],
  ['src-main/charts/x.ts', importOf('echarts/core')],
  ['src-main/charts/x.ts', importOf('./lttb')],
  ['src-main/charts/x.ts', `import type { MetricSeriesDto } from '../contract/api';\nexport type { MetricSeriesDto };\n`],
  ['src-main/node/report/x.ts', importOf('../../charts/line-option')],
  ['src-main/cli/x.ts', importOf('../charts/line-option')],
  ['src-renderer/src/x.ts', importOf('vue')],
  ['src-renderer/src/charts/x.ts', importOf('../../../src-main/charts/line-option')],
  ['src-renderer/src/x.ts', `import type { Result } from '../../src-main/contract/result';\nexport type { Result };\n`],
  ['src-renderer/src/x.ts', `import { type Result } from '../../src-main/contract/result';\nexport type { Result };\n`],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/sweep-expansion')],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/stable-hash.ts')],
  ['src-main/contract/sweep-expansion.ts', importOf('./stable-hash')],
  ['src-main/contract/sweep-expansion.ts', importOf('./result')],
  ['src-main/contract/sweep-expansion.ts', `import type { RunConfig } from './run-config';\nexport type { RunConfig };\n`],
  ['src-main/contract/sweep-spec.ts', importOf('zod')],
  [
    'src-renderer/src/components/RunsView.vue',
    `<script setup lang="ts">\nimport type { Result } from '../../../src-main/contract/result';\ndefineProps<{ result: Result<number> }>();\n</script>\n`,
  ],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/run-config-rules')],
  ['src-renderer/src/lib/x.ts', `import { LIMITS } from '../../../src-main/contract/run-config-rules';\nexport { LIMITS };\n`],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/run-memory')],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/channels')],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/metric-names')],
  ['src-renderer/src/x.ts', importOf('../../src-main/contract/tensor-codec')],
  ['src-renderer/src/services/x.ts', `import { createRunNotifier } from '../../../src-main/contract/run-notice';\nexport { createRunNotifier };\n`],
  ['src-renderer/src/lib/x.ts', `export { formatBytes } from '../../../src-main/contract/run-memory';\n`],
  [
    'src-renderer/src/components/new-run/X.vue',
    `<script setup lang="ts">\nimport { estimateRunMemory } from '../../../../src-main/contract/run-memory';\nestimateRunMemory;\n</script>\n`,
  ],
];

describe('layering lint rules', () => {
  it.each(blocked)('%s: rejects %j', async (filePath, code) => {
    expect(await layeringErrors(filePath, code)).not.toEqual([]);
  });

  it.each(allowed)('%s: accepts %j', async (filePath, code) => {
    expect(await layeringErrors(filePath, code)).toEqual([]);
  });

  it('names the contract modules the renderer may import values from', async () => {
    const [message] = await layeringErrors('src-renderer/src/x.ts', importOf('../../src-main/contract/run-config'));
    expect(message).toContain('values only from run-config-rules, run-memory, channels, metric-names, tensor-codec');
  });

  it('lets the renderer import values only from contract modules free of zod and of other contract values (Result aside)', async () => {
    const modules = readdirSync(`${root}src-main/contract`).filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
    const open: string[] = [];
    for (const name of modules) {
      if ((await layeringErrors('src-renderer/src/x.ts', importOf(`../../src-main/contract/${name}`))).length === 0) open.push(name);
    }
    expect(open.sort()).toEqual(['channels', 'metric-names', 'records', 'run-config-rules', 'run-memory', 'run-notice', 'stable-hash', 'sweep-expansion', 'tensor-codec']);
    for (const name of open) {
      const text = readFileSync(`${root}src-main/contract/${name}.ts`, 'utf8');
      for (const [, typeOnly, source] of text.matchAll(/^(?:import|export)\s+(type\s+)?[^'";]*?from\s+'([^']+)'/gm)) {
        if (typeOnly) continue;
        expect(source, `${name}.ts imports values from ${source}`).toMatch(/^\.\/[\w-]+(\.ts)?$/);
        expect([...open, 'result'], `${name}.ts imports values from ${source}`).toContain(source.slice(2).replace(/\.ts$/, ''));
      }
    }
  });

  it('says which layer rule was broken', async () => {
    const [message] = await layeringErrors('src-main/core/x.ts', importOf('../node/backend'));
    expect(message).toContain('src-main/core may import from src-main/contract only');
  });
});
