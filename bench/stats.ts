/** Small statistics shared by the benchmark scripts. */

/** The q-quantile (0..1) of ascending `sorted` values, nearest rank. */
export function percentile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function sortedCopy(values: number[]): number[] {
  return [...values].sort((a, b) => a - b);
}

export function median(values: number[]): number {
  return percentile(sortedCopy(values), 0.5);
}

/** The median of each figure over several runs' records (all with the same keys). */
export function medianByKey<K extends string>(records: Array<Record<K, number>>): Record<K, number> {
  const keys = Object.keys(records[0]!) as K[];
  return Object.fromEntries(keys.map((key) => [key, median(records.map((record) => record[key]))])) as Record<
    K,
    number
  >;
}

/** The median of several runs with their range: what the benchmark pages quote. */
export function summary(values: number[]): { median: number; min: number; max: number; runs: number } {
  const sorted = sortedCopy(values);
  return { median: percentile(sorted, 0.5), min: sorted[0]!, max: sorted.at(-1)!, runs: sorted.length };
}

/** `--name value` from the command line, or the fallback. */
export function numberArg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
}
