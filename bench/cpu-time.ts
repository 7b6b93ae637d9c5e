import { readFileSync } from 'node:fs';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ). */
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system, all threads) a process has used so far, read from /proc. */
export function processCpuSeconds(pid: number = process.pid): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the whole line.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** CPU milliseconds per unit of work each process spent while `work` ran. */
export async function cpuPerUnit<T, K extends string>(
  pids: Record<K, number>,
  units: (result: T) => number,
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<K, number> }> {
  const names = Object.keys(pids) as K[];
  const before = names.map((name) => processCpuSeconds(pids[name]));
  const result = await work();
  const count = units(result);
  const cpuMs = Object.fromEntries(
    names.map((name, i) => [name, ((processCpuSeconds(pids[name]) - before[i]!) * 1000) / count]),
  ) as Record<K, number>;
  return { result, cpuMs };
}
