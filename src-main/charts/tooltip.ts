// Chart tooltips that work under a strict CSP (style-src 'self', no 'unsafe-inline'): ECharts' own tooltip markup
// carries inline style attributes, which the page refuses. Here the content is plain data (a header and one row
// per series with its name, colour and value) built into DOM nodes with classes styled by the app's stylesheet; the
// swatch colour is set through the CSSOM, which a CSP allows. Where there is no DOM (server-side SVG) it is text.
import { formatNumber } from './format';

/** What the x value of a line chart means, so the tooltip can say it in words. */
export type XMeaning = 'step' | 'log10-step' | 'log1p-step' | 'value';

export interface TooltipRow {
  readonly name: string;
  readonly color: string;
  readonly value: string;
}

export interface TooltipContent {
  readonly header: string;
  readonly rows: readonly TooltipRow[];
}

/** The slice of an ECharts tooltip callback parameter this module reads. */
export interface TooltipParam {
  readonly seriesName?: string;
  readonly seriesId?: string;
  readonly color?: unknown;
  readonly value?: unknown;
  readonly data?: unknown;
  readonly axisValue?: unknown;
  readonly name?: string;
}

/** The header for x under its meaning: "step 120 (log10 t = 2.079)" on Fig. 1's axis, "step 120" on a step axis. */
export function xHeader(x: number, meaning: XMeaning, axisName: string, categories?: readonly string[]): string {
  if (!Number.isFinite(x)) return axisName;
  if (categories) return `${axisName} = ${categories[Math.round(x)] ?? ''}`;
  if (meaning === 'log10-step') return `step ${Math.round(10 ** x)} (log₁₀ t = ${formatNumber(x, 4)})`;
  if (meaning === 'log1p-step') return `step ${Math.round(10 ** x - 1)} (log₁₀(1 + t) = ${formatNumber(x, 4)})`;
  if (meaning === 'step') return `step ${Math.round(x)}`;
  return axisName ? `${axisName} = ${formatNumber(x, 5)}` : formatNumber(x, 5);
}

function pair(param: TooltipParam): [number, number] | null {
  const v = Array.isArray(param.value) ? param.value : Array.isArray(param.data) ? param.data : null;
  if (!v || v.length < 2) return null;
  return [Number(v[0]), Number(v[1])];
}

const colorOf = (c: unknown): string => (typeof c === 'string' ? c : '#868e96');

/** Content of a line chart's tooltip (axis or item trigger): the x header, then each series' y at that x. */
export function lineTooltipContent(params: TooltipParam | readonly TooltipParam[], meaning: XMeaning, axisName: string, categories?: readonly string[]): TooltipContent {
  const list = Array.isArray(params) ? (params as readonly TooltipParam[]) : [params as TooltipParam];
  const first = list.find((p) => pair(p) !== null);
  const x = first ? pair(first)![0] : Number(list[0]?.axisValue);
  const seen = new Set<string>();
  const rows: TooltipRow[] = [];
  for (const p of list) {
    const xy = pair(p);
    const key = p.seriesId ?? p.seriesName ?? '';
    if (!xy || seen.has(key)) continue;
    seen.add(key);
    rows.push({ name: p.seriesName ?? '', color: colorOf(p.color), value: formatNumber(xy[1], 5) });
  }
  return { header: xHeader(x, meaning, axisName, categories), rows };
}

/** The minimal DOM this module needs, so src-main stays free of the DOM library types. */
interface MiniElement {
  className: string;
  textContent: string | null;
  readonly style: { backgroundColor: string };
  appendChild(child: MiniElement): unknown;
}
interface MiniDocument {
  createElement(tag: string): MiniElement;
}

/** Plain text of the content (what a DOM-less host shows, and what tests read). */
export function tooltipText(content: TooltipContent): string {
  return [content.header, ...content.rows.map((r) => `${r.name}: ${r.value}`)].join('\n');
}

/** DOM nodes for the content, classes `chart-tip*` (styled in the app's stylesheet); text where there is no document. */
export function tooltipNodes(content: TooltipContent, doc: MiniDocument | undefined = (globalThis as { document?: MiniDocument }).document): unknown {
  if (!doc) return tooltipText(content);
  const el = (tag: string, className: string, text?: string): MiniElement => {
    const node = doc.createElement(tag);
    node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const root = el('div', 'chart-tip');
  root.appendChild(el('div', 'chart-tip-header', content.header));
  for (const row of content.rows) {
    const line = el('div', 'chart-tip-row');
    const swatch = el('span', 'chart-tip-swatch');
    swatch.style.backgroundColor = row.color;
    line.appendChild(swatch);
    line.appendChild(el('span', 'chart-tip-name', row.name));
    line.appendChild(el('span', 'chart-tip-value', row.value));
    root.appendChild(line);
  }
  return root;
}
