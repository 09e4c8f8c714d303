// The workbench's own version, read once from package.json, recorded with every result.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

export function packageVersion(): string {
  for (const candidate of ['../../package.json', '../../../package.json']) {
    try {
      const pkg = requireHere(candidate) as { name?: string; version?: string };
      if (pkg.name === 'ntk-workbench' && pkg.version) return pkg.version;
    } catch {
      // try the next layout (source tree or bundled out/)
    }
  }
  return 'unknown';
}
