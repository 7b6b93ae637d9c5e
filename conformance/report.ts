import type { CheckResult } from './check.js';
import type { KitReport } from './run-kit.js';

const COLUMNS = ['id', 'requirement', 'dialect', 'outcome', 'ms'] as const;

/** The terminal table of a run: one row per result, a failure's or skip's reason under its row, the totals last. */
export function reportTable(report: KitReport): string {
  const rows = report.results.map((result) => COLUMNS.map((column) => String(result[column])));
  const widths = COLUMNS.map((column, i) => Math.max(column.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ');
  const body = report.results.flatMap((result, i) => [
    line(rows[i]!),
    ...(result.detail && result.outcome !== 'passed' ? [`    ${result.detail}`] : []),
  ]);
  const { passed, failed, skipped } = report.totals;
  return [
    line(COLUMNS),
    ...body,
    '',
    `${report.target.issuerUrl}, dialects ${report.target.dialects.join(', ')}, seed ${report.seed}, ${report.durationMs} ms`,
    `${passed} passed, ${failed} failed, ${skipped} skipped`,
  ].join('\n');
}

/** One progress line for stderr as a check finishes. */
export function progressLine(result: CheckResult, done: number): string {
  return `[${done}] ${result.outcome.padEnd(7)} ${result.id} (${result.dialect}) ${result.ms} ms`;
}
