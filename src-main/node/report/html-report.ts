// Reports as one self-contained HTML file: inline CSS, inline SVG charts, no scripts, fonts, images or links to
// fetch, so it opens from a mail attachment as it is. Lays out the models of run-report.ts and compare-report.ts.
import type { CompareReportModel } from './compare-report';
import type { ReportChart, ReportTable, RunReportModel } from './run-report';

const escapeHtml = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const STYLE = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2129; margin: 0; background: #fff; }
main { max-width: 1340px; margin: 0 auto; padding: 1.5rem 2rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .6rem; border-bottom: 1px solid #dde1e6; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.2rem 0 .4rem; }
.meta, .hint { color: #5c6370; font-size: .9em; }
.warning { background: #fff4e5; border-left: 4px solid #f59f00; padding: .5rem .8rem; margin: .5rem 0; }
table { border-collapse: collapse; margin: .4rem 0 1rem; font-size: .92em; }
th, td { border: 1px solid #dde1e6; padding: .25rem .55rem; text-align: left; vertical-align: top; }
th { background: #f3f5f7; } td.num { font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; border: 1px solid #dde1e6; padding: .7rem; overflow-x: auto; font: 12px/1.4 ui-monospace, monospace; white-space: pre; }
.charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 1rem; }
.charts.heatmaps { grid-template-columns: repeat(auto-fill, minmax(300px, 1fr)); }
figure { margin: 0; border: 1px solid #dde1e6; border-radius: 6px; padding: .5rem; break-inside: avoid; page-break-inside: avoid; }
figcaption { font-weight: 600; margin-bottom: .2rem; } figure svg { width: 100%; height: auto; display: block; }
details { margin: .4rem 0; } summary { cursor: pointer; color: #364fc7; }
section.run { border-top: 3px solid #364fc7; margin-top: 2.5rem; }
@media print { main { padding: 0; } h2 { break-after: avoid; } }
`;

export function tableHtml(table: ReportTable, options: { caption?: boolean } = {}): string {
  const head = table.headers.some((h) => h) ? `<thead><tr>${table.headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>` : '';
  const body = table.rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `${options.caption === false ? '' : `<h3>${escapeHtml(table.title)}</h3>`}<table>${head}<tbody>${body}</tbody></table>`;
}

function chartHtml(chart: ReportChart): string {
  const note = chart.note ? `<div class="hint">${escapeHtml(chart.note)}</div>` : '';
  return `<figure data-chart="${escapeHtml(chart.id)}"><figcaption>${escapeHtml(chart.title)}</figcaption><div class="hint">${escapeHtml(chart.hint)}</div>${chart.svg}${note}</figure>`;
}

const charts = (list: readonly ReportChart[], heatmaps = false): string => (list.length > 0 ? `<div class="charts${heatmaps ? ' heatmaps' : ''}">${list.map(chartHtml).join('\n')}</div>` : '');

/** The body of one run's report (a whole report alone, a section of a project report). */
export function runSectionHtml(model: RunReportModel, level: 1 | 2 = 1): string {
  const h = (n: number) => `h${Math.min(6, n + level - 1)}`;
  const heatmaps = model.kernelCharts.filter((c) => c.id.startsWith('heatmap-'));
  const others = model.kernelCharts.filter((c) => !c.id.startsWith('heatmap-'));
  return [
    `<${h(1)}>${escapeHtml(model.title)}</${h(1)}>`,
    `<div class="meta">status ${escapeHtml(model.status)} · report made ${escapeHtml(model.generated)}</div>`,
    ...model.warnings.map((w) => `<div class="warning">${escapeHtml(w)}</div>`),
    model.notes ? `<p>${escapeHtml(model.notes)}</p>` : '',
    `<${h(2)}>Summary</${h(2)}>`,
    tableHtml(model.summary, { caption: false }),
    ...model.extraTables.map((t) => tableHtml(t)),
    model.charts.length > 0 ? `<${h(2)}>Training charts</${h(2)}>${charts(model.charts)}` : '',
    model.kernelCharts.length > 0 ? `<${h(2)}>Kernels</${h(2)}>${charts(heatmaps, true)}${charts(others)}` : '',
    `<${h(2)}>Configuration</${h(2)}>`,
    tableHtml(model.config, { caption: false }),
    `<details><summary>Configuration as JSON</summary><pre>${escapeHtml(model.configJson)}</pre></details>`,
    `<${h(2)}>Data provenance</${h(2)}>`,
    tableHtml(model.provenance, { caption: false }),
    `<${h(2)}>Environment</${h(2)}>`,
    tableHtml(model.environment, { caption: false }),
    `<${h(2)}>Rerun</${h(2)}>`,
    `<pre class="rerun">${escapeHtml(model.rerun)}</pre>`,
  ].join('\n');
}

function page(title: string, body: string): string {
  // A CSP that forbids every fetch: the report is self-contained by construction, and a reader's browser enforces it.
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="ntk-workbench">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body><main>
${body}
</main></body>
</html>
`;
}

export function runReportHtml(model: RunReportModel): string {
  return page(model.title, runSectionHtml(model));
}

export function compareReportHtml(model: CompareReportModel): string {
  const body = [
    `<h1>${escapeHtml(model.title)}</h1>`,
    `<div class="meta">report made ${escapeHtml(model.generated)}</div>`,
    ...model.warnings.map((w) => `<div class="warning">${escapeHtml(w)}</div>`),
    ...(model.notes ?? []).map((n) => `<p>${escapeHtml(n)}</p>`),
    ...model.tables.map((t) => `<h2>${escapeHtml(t.title)}</h2>${tableHtml(t, { caption: false })}`),
    model.charts.length > 0 ? `<h2>Overlays</h2>${charts(model.charts)}` : '',
    ...model.runs.map((r) => `<section class="run">${runSectionHtml(r, 2)}</section>`),
  ].join('\n');
  return page(model.title, body);
}
