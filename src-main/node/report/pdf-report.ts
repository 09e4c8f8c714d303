// Reports as PDF without a browser: pdfkit lays out the same report model as the HTML (tables as text, charts as
// vectors through svg-to-pdfkit), in DejaVu Sans so the paper's notation (λ₀, ‖K_t − K₀‖, φ) prints. A chart never
// straddles a page: one that does not fit the rest of the page starts the next. Electron can instead print the HTML.
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';
import SVGtoPDF from 'svg-to-pdfkit';
import type { CompareReportModel } from './compare-report';
import type { ReportChart, ReportTable, RunReportModel } from './run-report';

const requireHere = createRequire(import.meta.url);
const FONT = requireHere.resolve('dejavu-fonts-ttf/ttf/DejaVuSans.ttf');
const FONT_BOLD = requireHere.resolve('dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf');
const FONT_MONO = requireHere.resolve('dejavu-fonts-ttf/ttf/DejaVuSansMono.ttf');

const MARGIN = 48;

type Doc = InstanceType<typeof PDFDocument>;

/** Where a chart landed: its page (0-based), top and bottom in points, and the page's usable bottom. */
export interface ChartPlacement {
  readonly id: string;
  readonly page: number;
  readonly top: number;
  readonly bottom: number;
  readonly pageBottom: number;
}

function createDoc(title: string, size: string | [number, number] = 'A4', margin = MARGIN): { doc: Doc; done: Promise<Uint8Array> } {
  const doc = new PDFDocument({ size, margin, bufferPages: true, info: { Title: title, Creator: 'ntk-workbench' } });
  doc.registerFont('body', FONT);
  doc.registerFont('bold', FONT_BOLD);
  doc.registerFont('mono', FONT_MONO);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
  });
  doc.font('body');
  return { doc, done };
}

const contentWidth = (doc: Doc) => doc.page.width - 2 * MARGIN;
const bottom = (doc: Doc) => doc.page.height - MARGIN;

/** Starts a new page unless `height` points still fit on this one. */
function ensureRoom(doc: Doc, height: number): void {
  if (doc.y + height > bottom(doc)) doc.addPage();
}

function heading(doc: Doc, text: string, size: number): void {
  ensureRoom(doc, size * 3);
  doc.moveDown(0.6).font('bold').fontSize(size).fillColor('#1d2129').text(text, MARGIN, doc.y, { width: contentWidth(doc) }).font('body').moveDown(0.2);
}

function paragraph(doc: Doc, text: string, color = '#1d2129'): void {
  doc.font('body').fontSize(9).fillColor(color).text(text, MARGIN, doc.y, { width: contentWidth(doc) });
}

/** A table as rows of text in equal columns (the first may be wider), breaking between rows, never inside one. */
function table(doc: Doc, t: ReportTable): void {
  const columns = Math.max(t.headers.length, ...t.rows.map((r) => r.length));
  if (columns === 0) return;
  const width = contentWidth(doc);
  const first = columns === 2 ? width * 0.42 : Math.min(width * 0.3, width / columns + 40);
  const rest = columns > 1 ? (width - first) / (columns - 1) : 0;
  const widths = Array.from({ length: columns }, (_, i) => (i === 0 ? first : rest));
  const fontSize = columns > 6 ? 6.5 : 8;
  const drawRow = (cells: readonly string[], bold: boolean) => {
    doc.font(bold ? 'bold' : 'body').fontSize(fontSize);
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 6 }))) + 4;
    ensureRoom(doc, height);
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      doc.fillColor('#1d2129').text(c, x + 3, y + 2, { width: widths[i] - 6 });
      x += widths[i];
    });
    doc.moveTo(MARGIN, y + height).lineTo(MARGIN + width, y + height).lineWidth(0.4).strokeColor('#dde1e6').stroke();
    doc.x = MARGIN;
    doc.y = y + height;
  };
  if (t.headers.some((h) => h)) drawRow(t.headers, true);
  for (const r of t.rows) drawRow(r, false);
  doc.moveDown(0.5);
}

/** Charts in rows of `perRow`, each scaled to its share of the width; a row moves to the next page whole. */
function charts(doc: Doc, list: readonly ReportChart[], perRow: number, placed?: ChartPlacement[]): void {
  const gap = 10;
  const width = (contentWidth(doc) - gap * (perRow - 1)) / perRow;
  for (let i = 0; i < list.length; i += perRow) {
    const row = list.slice(i, i + perRow);
    const heights = row.map((c) => (width * c.size.height) / c.size.width);
    const captions = row.map((c) => {
      doc.fontSize(8);
      return doc.heightOfString(`${c.title}\n${c.hint}`, { width }) + 4;
    });
    const rowHeight = Math.max(...heights.map((h, j) => h + captions[j])) + gap;
    ensureRoom(doc, rowHeight);
    const y = doc.y;
    row.forEach((c, j) => {
      const x = MARGIN + j * (width + gap);
      doc.font('bold').fontSize(8).fillColor('#1d2129').text(c.title, x, y, { width });
      doc.font('body').fontSize(7).fillColor('#5c6370').text(c.hint, x, doc.y, { width });
      SVGtoPDF(doc, c.svg, x, y + captions[j], { width, height: heights[j], preserveAspectRatio: 'xMinYMin meet', fontCallback: () => 'body' });
      placed?.push({ id: c.id, page: doc.bufferedPageRange().count - 1, top: y, bottom: y + captions[j] + heights[j], pageBottom: bottom(doc) });
    });
    doc.x = MARGIN;
    doc.y = y + rowHeight;
  }
}

function runSection(doc: Doc, model: RunReportModel, level: number, placed?: ChartPlacement[]): void {
  heading(doc, model.title, level === 1 ? 18 : 14);
  paragraph(doc, `status ${model.status} · report made ${model.generated}`, '#5c6370');
  for (const w of model.warnings) paragraph(doc, `⚠ ${w}`, '#b35c00');
  if (model.notes) paragraph(doc, model.notes);
  heading(doc, 'Summary', 12);
  table(doc, model.summary);
  for (const t of model.extraTables) {
    heading(doc, t.title, 11);
    table(doc, t);
  }
  if (model.charts.length > 0) {
    heading(doc, 'Training charts', 12);
    charts(doc, model.charts, 2, placed);
  }
  if (model.kernelCharts.length > 0) {
    heading(doc, 'Kernels', 12);
    charts(doc, model.kernelCharts.filter((c) => c.id.startsWith('heatmap-')), 3, placed);
    charts(doc, model.kernelCharts.filter((c) => !c.id.startsWith('heatmap-')), 2, placed);
  }
  heading(doc, 'Configuration', 12);
  table(doc, model.config);
  heading(doc, 'Data provenance', 12);
  table(doc, model.provenance);
  heading(doc, 'Environment', 12);
  table(doc, model.environment);
  heading(doc, 'Rerun', 12);
  doc.font('mono').fontSize(7).fillColor('#1d2129');
  for (const line of model.rerun.split('\n')) {
    ensureRoom(doc, 10);
    doc.text(line, MARGIN, doc.y, { width: contentWidth(doc) });
  }
  doc.font('body');
}

/** `placed`, when given, receives where each chart landed (for tests of the page-break rule). */
export async function runReportPdf(model: RunReportModel, placed?: ChartPlacement[]): Promise<Uint8Array> {
  const { doc, done } = createDoc(model.title);
  runSection(doc, model, 1, placed);
  doc.end();
  return done;
}

export async function compareReportPdf(model: CompareReportModel, placed?: ChartPlacement[]): Promise<Uint8Array> {
  const { doc, done } = createDoc(model.title);
  heading(doc, model.title, 18);
  paragraph(doc, `report made ${model.generated}`, '#5c6370');
  for (const w of model.warnings) paragraph(doc, `⚠ ${w}`, '#b35c00');
  for (const n of model.notes ?? []) paragraph(doc, n);
  for (const t of model.tables) {
    heading(doc, t.title, 12);
    table(doc, t);
  }
  if (model.charts.length > 0) {
    heading(doc, 'Overlays', 12);
    charts(doc, model.charts, 2, placed);
  }
  for (const run of model.runs) {
    doc.addPage();
    runSection(doc, run, 2, placed);
  }
  doc.end();
  return done;
}

/** One chart alone as a vector PDF page of exactly `width` x `height` points (a paper figure). */
export async function figurePdf(title: string, svg: string, width: number, height: number): Promise<Uint8Array> {
  const { doc, done } = createDoc(title, [width, height], 0);
  SVGtoPDF(doc, svg, 0, 0, { width, height, fontCallback: () => 'body' });
  doc.end();
  return done;
}
