// Preloaded with `node --import` by the start-up test: appends to $NTK_MODULE_LOG every module this process loads,
// the ES modules as their hooks resolve them and, at exit, every CommonJS file in the require cache (packages that
// load their own files with require never reach the ESM hooks).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const log = process.env.NTK_MODULE_LOG;
if (log) {
  register(new URL('./module-log-hooks.mjs', import.meta.url), { data: { log } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(log, `${Object.keys(cache).join('\n')}\n`));
}
