export type Cell = string | number | boolean | undefined | null;

/** Left-aligned columns three spaces apart, headers in capitals, like `docker ps`; empty cells print as `-`. */
export function renderTable(headers: string[], rows: Cell[][]): string {
  const cells = [headers.map((h) => h.toUpperCase()), ...rows.map((row) => headers.map((_, i) => text(row[i])))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('   ').trimEnd()).join('\n') + '\n';
}

function text(cell: Cell): string {
  if (cell === undefined || cell === null || cell === '') return '-';
  return String(cell).replace(/\s*\n\s*/g, ' ');
}
