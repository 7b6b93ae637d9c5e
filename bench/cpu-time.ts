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
export async function cpuPerUnit<T>(pids: Record<string, number>, units: (result: T) => number, work: () => Promise<T>): Promise<{ result: T; cpuMs: Record<string, number> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)]));
  const result = await work();
  const count = units(result);
  const cpuMs = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, ((processCpuSeconds(pid) - before[name]!) * 1000) / count]));
  return { result, cpuMs };
}
