/** Plain bordered tables (cli-table3) whose only colors are the ones the caller put in cells. */
import Table from 'cli-table3';

export type Align = 'left' | 'right';

/** Renders `rows` under `head`; `align` gives each column's alignment (default left). */
export function renderTable(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  align: readonly Align[] = [],
): string {
  const table = new Table({
    head: [...head],
    colAligns: head.map((_, i) => align[i] ?? 'left'),
    // No built-in colors: they would leak escape codes into pipes and files.
    style: { head: [], border: [], compact: true },
  });
  for (const row of rows) table.push([...row]);
  return table.toString();
}
