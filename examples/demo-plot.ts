// The demo's picture: the loss curve and the decision map side by side, as an SVG file.
// Charted with Vega-Lite and rendered headless by Vega's SVG renderer (no browser, no
// canvas). Both are devDependencies: a checkout has them; without them the demo prints a
// note instead of the picture.
import * as fs from 'fs';

/** What the picture shows. */
export interface DemoPlot {
  /** The mean training loss of each epoch, in order. */
  epochLosses: number[];
  /** The region the map covers: [-extent, extent]² (the demo's points lie inside). */
  extent: number;
  /** The predicted class (0 or 1) of each cell, row by row from the top, `cols` per row. */
  cells: number[];
  cols: number;
  rows: number;
  /** The data points: coordinates and true class. */
  points: { x: number; y: number; label: number }[];
}

// Light cells, dark points of the same hue: tableau10's blue and orange.
const CLASS_COLORS = { cells: ['#c6dbef', '#fdd0a2'], points: ['#1f77b4', '#e6550d'] };

/** The Vega-Lite spec of the picture. */
function spec(plot: DemoPlot): object {
  const { extent, cols, rows } = plot;
  const cellW = (2 * extent) / cols;
  const cellH = (2 * extent) / rows;
  // One rectangle per run of equal cells in a row (a few hundred instead of cols x rows).
  const cells: { x: number; x2: number; y: number; y2: number; predicted: string }[] = [];
  for (let r = 0; r < rows; ++r) {
    const y = extent - r * cellH;
    for (let c = 0; c < cols; ) {
      const cls = plot.cells[r * cols + c];
      const start = c;
      while (c < cols && plot.cells[r * cols + c] === cls) ++c;
      // Each row reaches a little into the next, so no seam shows between rows.
      cells.push({ x: -extent + start * cellW, x2: -extent + c * cellW, y, y2: y - 1.5 * cellH, predicted: String(cls) });
    }
  }
  const domain = { domain: [-extent, extent], nice: false };
  const axis = (title: string) => ({ title, grid: false });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: 'tensorgrad demo: two spirals', anchor: 'start' },
    spacing: 40,
    hconcat: [
      {
        title: 'training loss per epoch',
        width: 360,
        height: 300,
        data: { values: plot.epochLosses.map((loss, i) => ({ epoch: i + 1, loss })) },
        mark: { type: 'line', color: '#1f77b4' },
        encoding: {
          x: { field: 'epoch', type: 'quantitative', scale: { nice: false }, axis: axis('epoch') },
          y: { field: 'loss', type: 'quantitative', scale: { type: 'log' }, axis: axis('cross-entropy loss (log scale)') },
        },
      },
      {
        title: 'decision map (cells: predicted class; points: true class)',
        width: 300,
        height: 300,
        resolve: { scale: { color: 'independent' } },
        layer: [
          {
            data: { values: cells },
            mark: { type: 'rect', strokeWidth: 0, clip: true },
            encoding: {
              x: { field: 'x', type: 'quantitative', scale: domain, axis: axis('x₁') },
              x2: { field: 'x2' },
              y: { field: 'y', type: 'quantitative', scale: domain, axis: axis('x₂') },
              y2: { field: 'y2' },
              color: { field: 'predicted', type: 'nominal', title: 'predicted', scale: { domain: ['0', '1'], range: CLASS_COLORS.cells } },
            },
          },
          {
            data: { values: plot.points.map((p) => ({ ...p, label: String(p.label) })) },
            mark: { type: 'circle', size: 14, opacity: 0.9 },
            encoding: {
              x: { field: 'x', type: 'quantitative' },
              y: { field: 'y', type: 'quantitative' },
              color: { field: 'label', type: 'nominal', title: 'class', scale: { domain: ['0', '1'], range: CLASS_COLORS.points } },
            },
          },
        ],
      },
    ],
  };
}

/** Renders the picture and writes it to `file` as SVG. Returns false (writing nothing) when
 * vega or vega-lite is not installed. */
export async function writeDemoPlot(file: string, plot: DemoPlot): Promise<boolean> {
  let vega: typeof import('vega');
  let vegaLite: typeof import('vega-lite');
  try {
    [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || (e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return false;
    throw e;
  }
  const compiled = vegaLite.compile(spec(plot) as Parameters<typeof vegaLite.compile>[0]).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  fs.writeFileSync(file, svg);
  return true;
}
