import { mkdirSync, readdirSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The data directory cannot be used as it is: one line saying what is wrong and how to fix it. */
export class DataDirUnusable extends Error {}

const OTHERS = 0o077;

function mode(bits: number): string {
  return (bits & 0o777).toString(8).padStart(4, '0');
}

/**
 * The data directory, made ready before anything is stored: created owner-only (0700);
 * refused when others could replace its files (group- or world-writable), when any file in
 * it is readable by group or others (keys, personal data sealed or not: rule 3), or when it
 * cannot be written (a probe file is written and removed now, instead of the first flow
 * failing later).
 */
export function prepareDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new DataDirUnusable(
      `data directory ${dir}: cannot be created (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  const stat = statSync(dir);
  if (!stat.isDirectory()) throw new DataDirUnusable(`data directory ${dir}: not a directory`);
  if (stat.mode & 0o022)
    throw new DataDirUnusable(
      `data directory ${dir} is writable by group or others (mode ${mode(stat.mode)}): run chmod 700 ${dir}`,
    );
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const file = statSync(path);
    if (file.isFile() && file.mode & OTHERS)
      throw new DataDirUnusable(
        `${path} is readable by group or others (mode ${mode(file.mode)}): run chmod 600 ${path}`,
      );
  }
  const probe = join(dir, `.write-probe-${process.pid}`);
  try {
    writeFileSync(probe, '', { mode: 0o600 });
    unlinkSync(probe);
  } catch (error) {
    throw new DataDirUnusable(
      `data directory ${dir}: cannot be written (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
}
