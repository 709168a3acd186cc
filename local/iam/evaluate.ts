/**
 * The one place the local IAM calls the policy engine, `@cloud-copilot/iam-simulate`, for role
 * principals (local-iam.ts) and service principals (service-principal.ts) alike.
 */
import { runSimulation, runUnsafeSimulation, type Simulation } from '@cloud-copilot/iam-simulate';

/**
 * Actions AWS evaluates on a resource the Service Authorization Reference does not list for them:
 * Step Functions' SendTask* on the token's state machine (see local/sfn/server.ts). The engine's
 * input validation would refuse the ARN, so these run without it; everything else is validated.
 */
const UNLISTED_RESOURCE_ACTIONS = new Set([
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
  'states:SendTaskHeartbeat',
]);

/**
 * Runs one simulation: `Allowed`, `ImplicitlyDenied` or `ExplicitlyDenied`. A request the engine
 * cannot evaluate throws: a modelling bug is never taken for an allow or a deny.
 */
export async function evaluate(simulation: Simulation): Promise<string | undefined> {
  if (UNLISTED_RESOURCE_ACTIONS.has(simulation.request.action)) {
    const result = runUnsafeSimulation(simulation, {}) as unknown;
    return typeof result === 'string' ? result : (result as { result?: string }).result;
  }
  const result = await runSimulation(simulation, {});
  if (result.resultType === 'error') {
    throw new Error(
      `IAM simulation of ${simulation.request.action} on ${simulation.request.resource.resource} failed: ${JSON.stringify(result.errors)}`,
    );
  }
  return (result as { overallResult?: string }).overallResult;
}
