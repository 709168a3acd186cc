import type { Command } from 'commander';
import { serveLocalEnvironment } from '../../local/runner/serve';
import { DEMO_SCENARIO, loadScenario } from '../../local/scenario';
import { DEFAULT_LOCAL_STATE } from '../target';

/** Registers `byodkim local serve`. */
export function registerLocalServe(local: Command): void {
  local
    .command('serve')
    .description(
      'keep a local environment running for the --local commands (status, start, history, redrive, import) until Ctrl-C',
    )
    .option(
      '--scenario <file...>',
      'domains and their simulated DNS teams (default: the happy-path demo domain)',
    )
    .option('--state-file <file>', 'where to write the endpoints for --local', DEFAULT_LOCAL_STATE)
    .action(async (options: { scenario?: string[]; stateFile: string }) => {
      const files = options.scenario ?? [DEMO_SCENARIO];
      const controller = new AbortController();
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => controller.abort());
      const pending = serveLocalEnvironment(files.map(loadScenario), options.stateFile, controller.signal);
      console.log(
        `Local environment starting; state in ${options.stateFile}. Use e.g. "npx byodkim status --local" or "npx byodkim start demo.example.test --local". Ctrl-C stops it.`,
      );
      await pending;
    });
}
