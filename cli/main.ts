import { Command, CommanderError } from 'commander';
import { normaliseDomain } from '../shared/dkim/domain';
import { cliErrorOf } from './cli-errors';
import { registerApprovals } from './commands/approve';
import { registerDnsCheck } from './commands/dns-check';
import { registerImport } from './commands/import';
import { registerLocalMonitor } from './commands/local-monitor';
import { registerLocalRotate } from './commands/local-rotate';
import { registerLocalServe } from './commands/local-serve';
import { registerOperations } from './commands/operations';
import { EXIT } from './exit-codes';
import { packageVersion } from './version';

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
    // Commander's own errors (unknown option, missing argument) in the one-line format too;
    // subcommands inherit it.
    .configureOutput({
      outputError: (text, write) =>
        write(`byodkim: InvalidInput: ${text.trim().replace(/^error: /, '')} (run with --help for usage)\n`),
    })
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
  // A malformed <domain> is bad input before anything else is needed (credentials, a stack).
  program.hook('preAction', (_program, action) => {
    action.registeredArguments.forEach((argument, index) => {
      const value = action.processedArgs[index];
      if (argument.name() === 'domain' && typeof value === 'string') normaliseDomain(value);
    });
  });
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
    // One line, `byodkim: <ErrorName>: <message>`, whatever failed; --debug prints the stack.
    const line = cliErrorOf(error);
    console.error(`byodkim: ${line.name}: ${line.message}`);
    if (argv.includes('--debug')) console.error((error as Error)?.stack ?? String(error));
    return line.exitCode;
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
