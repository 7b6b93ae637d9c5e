/**
 * How the long-running commands (`npm start`, `npm run gateway`) live and end: `start`
 * resolves with the function that stops the service; a start-up failure is one line on
 * stderr and exit code 1 (rule 4); SIGINT or SIGTERM stops once, then exits 0.
 */
export function runService(name: string, start: () => Promise<() => Promise<void>>): void {
  start().then(
    (stop) => {
      let stopping = false;
      const onSignal = () => {
        if (stopping) return;
        stopping = true;
        void stop().then(() => process.exit(0));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
    },
    (error: unknown) => {
      console.error(`${name}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
