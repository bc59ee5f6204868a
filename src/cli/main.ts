import { Command, CommanderError } from 'commander';

/** Exit codes shared by every command: 0 success, 1 invalid input, 2 wrong usage. */
export const EXIT_OK = 0;
export const EXIT_INVALID_INPUT = 1;
export const EXIT_USAGE = 2;

/**
 * Entry point of the `cdk8s-otel` command. Returns the process exit code instead of exiting, so tests can
 * call it in-process.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = EXIT_OK;
  const program = new Command('cdk8s-otel')
    .description('OpenTelemetry Operator for Kubernetes, as cdk8s constructs')
    .exitOverride()
    .showHelpAfterError();

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    process.stderr.write(`cdk8s-otel: ${(err as Error).message}\n`);
    return EXIT_INVALID_INPUT;
  }
  return exitCode;
}
