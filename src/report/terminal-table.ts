export interface TableOptions {
  /** Column alignment; default: first column left, the rest right. */
  align?: ("left" | "right")[];
  title?: string;
}

/**
 * A plain-text table for terminals (monospace): a header, a rule, and padded columns.
 *
 *   metric   value   95% CI
 *   ──────   ─────   ───────────
 *   pass@1   0.412   0.38–0.44
 */
export function formatTable(
  headers: string[],
  rows: (string | number)[][],
  options: TableOptions = {},
): string {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => [...(row[column] ?? "")].length)));
  const align = (column: number) => options.align?.[column] ?? (column === 0 ? "left" : "right");
  const line = (row: string[]) =>
    row
      .map((cell, column) =>
        align(column) === "left" ? cell.padEnd(widths[column]) : cell.padStart(widths[column]),
      )
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "─".repeat(width)).join("  ");
  const body = [line(headers), rule, ...cells.slice(1).map(line)];
  return `${options.title ? `${options.title}\n` : ""}${body.join("\n")}\n`;
}

/** Formats a fraction as a fixed-point number (3 decimals) or "—" when undefined/NaN. */
export function formatFraction(value: number | null | undefined, digits = 3): string {
  return value === null || value === undefined || Number.isNaN(value) ? "—" : value.toFixed(digits);
}
