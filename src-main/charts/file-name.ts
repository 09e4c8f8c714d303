// File names the workbench suggests for what it exports (charts, tables, configs, reports, bundles), the same in the
// app and on the host: lower-case words joined by '-', safe on every platform.

/** "Fig. 1: width sweep" -> "fig-1-width-sweep"; `fallback` when nothing is left. */
export function fileSafe(name: string, fallback = 'chart'): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 80) || fallback
  );
}
