// The exact shell commands that rerun a run from its report: the config written out with a here-document (so the
// report is all one needs), then the same CLI command that made it.
import { toJson } from '../run-output/run-writer';
import { type ReportRun, runSlug } from './report-run';

const quote = (s: string): string => (/^[A-Za-z0-9._/:=,@+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

export function rerunCommand(run: ReportRun): string {
  const slug = runSlug(run);
  if (run.kind === 'import') {
    const c = run.config as { models?: string[]; files?: string[]; probe?: unknown; kernel?: string; freeze?: string[]; steps?: number[]; keepSoftmax?: boolean };
    const models = c.models ?? c.files ?? [];
    const probe = typeof c.probe === 'string' ? c.probe : ((c.probe as { source?: string } | undefined)?.source ?? 'PROBE');
    const args = ['ntk-workbench drift --models', ...models.map(quote), '--probe', quote(probe), '--kernel', c.kernel ?? 'trace', '--order given'];
    if (c.steps) args.push('--steps', c.steps.join(','));
    if (c.freeze && c.freeze.length > 0) args.push('--freeze', quote(c.freeze.join(',')));
    if (c.keepSoftmax) args.push('--keep-softmax');
    args.push('--out', `${slug}.drift.json`, '--run', slug);
    return args.join(' ');
  }
  return [`cat > ${slug}.config.json <<'EOF'`, toJson(run.config, 2), 'EOF', `ntk-workbench train --config ${slug}.config.json --out ${slug}`].join('\n');
}
