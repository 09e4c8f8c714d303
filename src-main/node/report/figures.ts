// Each chart of a report alone, as a figure for a paper: SVG and PDF at a size in inches (the same option re-rendered
// at 96 px per inch; the SVG declares its size in inches, the PDF page is 72 pt per inch), without UI chrome, and the
// plotted data as CSV beside it (charts/plotted-csv.ts, the same builder as the app's Copy CSV).
import type { ExportFile } from './array-export';
import { renderChartSvg } from './chart-svg';
import { plottedCsv } from '../../charts/plotted-csv';
import { figurePdf } from './pdf-report';
import type { ReportChart } from './run-report';

export interface FigureSize {
  readonly widthIn: number;
  readonly heightIn: number;
}

export const DEFAULT_FIGURE_SIZE: FigureSize = { widthIn: 6, heightIn: 3.5 };

export async function figureFiles(charts: readonly ReportChart[], size: FigureSize = DEFAULT_FIGURE_SIZE): Promise<ExportFile[]> {
  const files: ExportFile[] = [];
  const px = { width: Math.round(size.widthIn * 96), height: Math.round(size.heightIn * 96) };
  for (const chart of charts) {
    const svg = renderChartSvg(chart.option, px).replace(/^<svg width="\d+" height="\d+"/, `<svg width="${size.widthIn}in" height="${size.heightIn}in"`);
    files.push({ path: `${chart.id}.svg`, bytes: svg });
    files.push({ path: `${chart.id}.pdf`, bytes: await figurePdf(chart.title, svg, size.widthIn * 72, size.heightIn * 72) });
    files.push({ path: `${chart.id}.csv`, bytes: plottedCsv(chart.option) });
  }
  return files;
}
