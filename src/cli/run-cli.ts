/** Runs a command's main(): its number is the exit code, and a failure is one line on stderr. */
export function runCli(name: string, main: () => Promise<number>): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (err: Error) => {
      process.stderr.write(`${name} failed: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
