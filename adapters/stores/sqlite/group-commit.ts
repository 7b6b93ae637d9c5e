import type { SqliteFile } from './sqlite-file.js';

interface Pending<I, O> {
  input: I;
  resolve: (output: O) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit on one SQLite file: the writes submitted in one turn of the event loop run
 * in order inside one IMMEDIATE transaction, and each is answered with its own outcome once
 * that transaction is durable (`SqliteFile.durable`). A write's outcome never depends on
 * another's except through what they wrote; a failing transaction fails all of them, and
 * nothing of it is kept. `onCommit` (issue 12 §4: metrics) is told each committed batch's size.
 */
export class GroupCommit<I, O> {
  private pending: Array<Pending<I, O>> = [];
  private readonly transaction;

  constructor(
    private readonly file: SqliteFile,
    write: (input: I) => O,
    private readonly onCommit: (size: number) => void = () => undefined,
  ) {
    this.transaction = file.db.transaction((batch: Array<Pending<I, O>>) => batch.map((entry) => write(entry.input)));
  }

  submit(input: I): Promise<O> {
    return new Promise((resolve, reject) => {
      if (this.pending.push({ input, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  /** Commit what is pending now (the next turn would anyway); `close` calls it before the file closes. */
  flush(): void {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outputs: O[];
    try {
      outputs = this.transaction.immediate(batch);
    } catch (error) {
      for (const entry of batch) entry.reject(error);
      return;
    }
    this.onCommit(batch.length);
    this.file.durable().then(
      () => {
        for (const [i, entry] of batch.entries()) entry.resolve(outputs[i]!);
      },
      (error: unknown) => {
        for (const entry of batch) entry.reject(error);
      },
    );
  }
}
