import { Command, CommanderError } from 'commander';
import { type ErrorName, isRotationError } from '../shared/errors';
import { COMPOSED_MAX_CHARS, sanitise } from '../shared/sanitise';
import { registerApprovals } from './commands/approve';
import { registerDnsCheck } from './commands/dns-check';
import { registerImport } from './commands/import';
import { registerLocalMonitor } from './commands/local-monitor';
import { registerLocalRotate } from './commands/local-rotate';
import { registerLocalServe } from './commands/local-serve';
import { registerOperations } from './commands/operations';
import { EXIT } from './exit-codes';
import { packageVersion } from './version';

/** Exit codes of the rotation errors that are not plain failures. */
const EXIT_OF_ERROR: Readonly<Partial<Record<ErrorName, number>>> = {
  InvalidInput: EXIT.BAD_INPUT,
  RedriveRefused: EXIT.REFUSED,
};

/**
 * The `byodkim` operator command line. Errors print one clear line (an AWS error's message
 * sanitised like every error text shown to a person; the whole error and stack only with
 * --debug) and map to documented exit codes: 0 ok, 1 failure, 2 bad input, 3 not verified
 * (or, for a rehearsal, the rotation did not succeed), 4 refused with the next step named.
 */
export function buildProgram(): Command {
  const program = new Command('byodkim')
    .description('Safe rotation of Amazon SES BYODKIM keys: operator commands')
    .version(`${packageVersion()} (Node.js ${process.versions.node})`, '-V, --version', 'print the version')
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const dns = program.command('dns').description('DNS checks of DKIM records').exitOverride();
  registerDnsCheck(dns);
  const local = program
    .command('local')
    .description('the embedded local environment: rehearse rotations offline')
    .exitOverride();
  registerLocalRotate(local);
  registerLocalMonitor(local);
  registerLocalServe(local);
  registerOperations(program);
  registerApprovals(program);
  registerImport(program);
  return program;
}

/** Runs the CLI with `argv` (as process.argv) and returns the exit code. */
export async function runCli(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return error.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
    }
    const debug = argv.includes('--debug');
    if (isRotationError(error)) {
      console.error(`byodkim: ${error.name}: ${error.message}`);
      if (debug) console.error(error.stack);
      return EXIT_OF_ERROR[error.name] ?? EXIT.FAILURE;
    }
    // Not ours (an SDK or network error): one sanitised line; --debug prints it whole.
    console.error(`byodkim: ${sanitise((error as Error).message ?? String(error), COMPOSED_MAX_CHARS)}`);
    if (debug) console.error((error as Error).stack);
    return EXIT.FAILURE;
  }
}

if (
  require.main === module ||
  process.argv[1]?.endsWith('byodkim.js') ||
  process.argv[1]?.endsWith('byodkim')
) {
  void runCli(process.argv).then((code) => {
    process.exitCode = code;
  });
}
