// Lint for the whole tree: the recommended JS, TypeScript and Vue rules, a few Electron safety bans, and the
// layering table of docs/house-style.md, where the folder is the layer. test/lint/layering.test.ts checks the
// layering rules themselves.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import pluginVue from 'eslint-plugin-vue';
import globals from 'globals';
import tseslint from 'typescript-eslint';

// `no-restricted-imports` sees the import string, not the resolved file, so "leaves the layer" is spelled per
// folder depth: a file d folders below src-main/<layer>/ leaves it with d + 1 `../`. Deeper files are unchecked.
const MAX_DEPTH = 8;
const RESTRICT = '@typescript-eslint/no-restricted-imports';

const nodeBuiltins = {
  paths: builtinModules.map((name) => ({ name, message: 'Node built-ins are not allowed in this layer.' })),
  patterns: [{ regex: '^node:', message: 'Node built-ins are not allowed in this layer.' }],
};
const electronModule = {
  paths: [{ name: 'electron', message: 'Only src-main/electron (and the entry and preload) may import electron.' }],
  patterns: [{ regex: '^electron/', message: 'Only src-main/electron (and the entry and preload) may import electron.' }],
};
const merge = (...parts) => ({
  paths: parts.flatMap((part) => part.paths ?? []),
  patterns: parts.flatMap((part) => part.patterns ?? []),
});

/** A regex for relative imports that leave src-main/<layer> from `depth` folders below it, other than into `allowed`. */
function leavesLayerRegex(depth, allowed) {
  const toSrcMain = `^(?:\\.\\./){${depth}}\\.\\.`;
  return allowed.length === 0 ? `${toSrcMain}(?:/|$)` : `${toSrcMain}(?:$|/(?!(?:${allowed.join('|')})(?:/|$)))`;
}

/** One config per depth for src-main/<layer>: the given bans plus "imports of ours only from `allowed` folders". */
function layer(name, allowed, bans) {
  const message = allowed.length
    ? `src-main/${name} may import from src-main/${allowed.join(', ')} only (docs/house-style.md, Layering).`
    : `src-main/${name} imports nothing else of ours (docs/house-style.md, Layering).`;
  return Array.from({ length: MAX_DEPTH + 1 }, (_, depth) => ({
    name: `ntk/layering/${name}/${depth}`,
    files: [`src-main/${name}/${'*/'.repeat(depth)}*.ts`],
    rules: {
      [RESTRICT]: [
        'error',
        merge(bans, { patterns: [{ regex: leavesLayerRegex(depth, [name, ...allowed]), message }] }),
      ],
    },
  }));
}

const serviceLayers = ['node', 'server', 'cli'];

// Contract modules the renderer may import values from (not only types): plain data and functions with no zod and
// no other dependency, so the renderer runs the very rules the host runs and the schema library never reaches its
// bundle: the run config's rules and memory estimate, channel and metric names, the tensor codec, and the sweep
// expansion with its run ids, and the run records' constants (which run states are terminal). Every other contract module is type-only there.
const RENDERER_VALUE_MODULES = ['run-config-rules', 'run-memory', 'channels', 'metric-names', 'tensor-codec', 'sweep-expansion', 'stable-hash', 'records', 'run-notice'];
// What those modules may import themselves: each other and the plain Result/CodedError module.
const RENDERER_VALUE_DEPENDENCIES = [...RENDERER_VALUE_MODULES, 'result'];
const oneOf = (names) => `(?:${names.join('|')})(?:\\.ts)?$`;

const layering = [
  ...layer('contract', [], merge(nodeBuiltins, electronModule, {
    paths: [{ name: 'vue', message: 'The contract is plain data and types: no vue.' }],
    patterns: [{ regex: '^@vue/', message: 'The contract is plain data and types: no vue.' }],
  })),
  ...layer('core', ['contract'], merge(nodeBuiltins, electronModule, {
    paths: ['onnxruntime-node', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].map((name) => ({
      name,
      message: 'Core declares an interface; src-main/node passes the native implementation in at start.',
    })),
  })),
  // Chart option builders and their pure helpers, shared by the renderer (on screen) and node/report (SSR SVG).
  ...layer('charts', ['contract'], merge(nodeBuiltins, electronModule, {
    paths: [{ name: 'vue', message: 'Chart builders are pure functions over plain data: no vue.' }],
    patterns: [{ regex: '^@vue/', message: 'Chart builders are pure functions over plain data: no vue.' }],
  })),
  ...serviceLayers.flatMap((name) => layer(name, ['contract', 'core', 'charts', ...serviceLayers], electronModule)),
  ...layer('electron', ['contract', 'node'], {}),
  {
    name: 'ntk/layering/preload',
    files: ['src-main/preload.ts'],
    rules: {
      [RESTRICT]: [
        'error',
        merge(nodeBuiltins, {
          patterns: [
            {
              regex: '^\\./(?!contract(?:/|$))',
              message: 'The sandboxed preload bundles what it imports: electron and src-main/contract only.',
            },
          ],
        }),
      ],
    },
  },
  {
    name: 'ntk/layering/renderer-value-modules',
    files: RENDERER_VALUE_MODULES.map((name) => `src-main/contract/${name}.ts`),
    rules: {
      [RESTRICT]: [
        'error',
        merge(nodeBuiltins, electronModule, {
          patterns: [
            {
              regex: '^(?!\\./)',
              message: 'The renderer imports this module: no zod, no npm package, nothing outside src-main/contract.',
            },
            {
              regex: `^\\./(?!${oneOf(RENDERER_VALUE_DEPENDENCIES)})`,
              allowTypeImports: true,
              message: `The renderer imports this module: it may import values only from ${RENDERER_VALUE_DEPENDENCIES.map((n) => `./${n}`).join(', ')}.`,
            },
          ],
        }),
      ],
    },
  },
  {
    name: 'ntk/layering/renderer',
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    rules: {
      [RESTRICT]: [
        'error',
        merge(nodeBuiltins, electronModule, {
          patterns: [
            {
              regex: '(?:^|/)src-main(?:$|/(?!(?:contract|charts)(?:/|$)))',
              message: 'The renderer reaches the engine through window.api only; it may import src-main/charts, no other src-main code.',
            },
            {
              regex: `(?:^|/)src-main/contract(?:$|/(?!${oneOf(RENDERER_VALUE_MODULES)}))`,
              allowTypeImports: true,
              message: `The renderer may use \`import type\` from src-main/contract, and values only from ${RENDERER_VALUE_MODULES.join(', ')}.`,
            },
          ],
        }),
      ],
    },
  },
];

// Anti-pattern 1 of the house style: a privileged window or a synchronous bridge.
const electronSafety = {
  name: 'ntk/electron-safety',
  files: ['src-main/**/*.ts'],
  rules: {
    'no-restricted-syntax': [
      'error',
      ...[
        ['nodeIntegration', true],
        ['nodeIntegrationInSubFrames', true],
        ['contextIsolation', false],
        ['sandbox', false],
        ['webSecurity', false],
        ['allowRunningInsecureContent', true],
      ].map(([key, value]) => ({
        selector: `Property[key.name='${key}'][value.value=${value}]`,
        message: `${key}: ${value} weakens the renderer's isolation; see src-main/electron/window.ts.`,
      })),
    ],
    'no-restricted-properties': [
      'error',
      { object: 'ipcRenderer', property: 'sendSync', message: 'Use invoke/handle: sendSync blocks the renderer.' },
    ],
  },
};

export default defineConfig(
  {
    name: 'ntk/ignores',
    ignores: ['out/', 'dist/', 'coverage/', 'test-artifacts/', 'runs/', '.bench/', '**/*.generated.ts'],
  },
  js.configs.recommended,
  tseslint.configs.recommended,
  pluginVue.configs['flat/recommended'],
  {
    name: 'ntk/languages',
    languageOptions: { ecmaVersion: 2022, sourceType: 'module', globals: globals.node },
  },
  {
    name: 'ntk/renderer-globals',
    files: ['src-renderer/**/*.ts', 'src-renderer/**/*.vue'],
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'ntk/vue-typescript',
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.vue'] } },
  },
  {
    name: 'ntk/rules',
    rules: {
      eqeqeq: ['error', 'smart'],
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  electronSafety,
  ...layering,
);
