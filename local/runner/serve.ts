import { rmSync, writeFileSync } from 'node:fs';
import type { LocalState } from '../../cli/target';
import type { Scenario } from '../scenario';
import { SimulatedDnsTeam } from './dns-team';
import { type LocalEnvironment, startLocalEnvironment } from './environment';

/** What the other commands need to reach a running environment (no secret in it). */
export function localStateOf(env: LocalEnvironment): LocalState {
  return {
    s3Endpoint: env.aws.endpoints.s3,
    sesEndpoint: env.aws.endpoints.ses,
    sfnEndpoint: env.sfnServer.endpoint,
    stateMachineArn: env.stateMachineArn,
    bucket: env.bucket,
    approvalBaseUrl: env.approvals.baseUrl,
    nameServers: env.dns.endpoints(),
    config: env.config,
    configKey: env.configKey,
  };
}

/** Writes the state file (readable by the owner only: it points at live local services). */
export function writeLocalState(env: LocalEnvironment, path: string): void {
  writeFileSync(path, `${JSON.stringify(localStateOf(env), null, 2)}\n`, { mode: 0o600 });
}

/**
 * Starts the local environment for interactive use: the domains of `scenarios` with their
 * simulated DNS teams, the state file for `--local` commands, until `signal` aborts.
 */
export async function serveLocalEnvironment(
  scenarios: readonly Scenario[],
  stateFile: string,
  signal: AbortSignal,
): Promise<LocalEnvironment> {
  const env = await startLocalEnvironment({ scenarios });
  for (const scenario of scenarios) new SimulatedDnsTeam(env, scenario);
  writeLocalState(env, stateFile);
  await new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener('abort', () => resolve(), { once: true });
  });
  rmSync(stateFile, { force: true });
  await env.stop();
  return env;
}
