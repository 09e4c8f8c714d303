// The project's documentation stands alone: README.md and docs/*.md point only at files inside the repository, and
// every relative link they give resolves.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..', '..');
const pages = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => join('docs', f))];

describe('documentation links', () => {
  it.each(pages)('%s names no path outside the repository', (page) => {
    expect(readFileSync(join(root, page), 'utf8')).not.toMatch(/\.\.\/shared\b|\/work\//);
  });

  it.each(pages)('%s: every relative link resolves', (page) => {
    const text = readFileSync(join(root, page), 'utf8');
    const targets = [...text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)].map((m) => m[1]).filter((t) => !/^[a-z]+:/.test(t));
    for (const target of targets) expect(existsSync(join(root, dirname(page), target)), `${page} -> ${target}`).toBe(true);
  });

  it('the README links the paper notes', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).toContain('](docs/paper-notes.md)');
  });
});
