/**
 * Builds the CDK app for a stage: reads and validates infra/config/<stage>.json (a bad value fails
 * the synth with a message naming the field) and creates an environment-agnostic stack (no
 * lookups, so `cdk synth` works offline without credentials).
 */
import * as path from 'node:path';
import { App, type AppProps } from 'aws-cdk-lib';
import { loadConfig } from '../shared/config';
import type { SesIdentityScope } from './ses-identity-scope';
import { ByodkimRotationStack } from './stack';

export const DEFAULT_STAGE = 'prod';

/** The stage from context `stage` (e.g. `cdk synth -c stage=dev`), validated. */
export function stageOf(app: App): string {
  const stage = String(app.node.tryGetContext('stage') ?? DEFAULT_STAGE);
  if (!/^[a-z][a-z0-9-]{0,15}$/.test(stage)) {
    throw new Error(
      `Context stage = "${stage}": use a short lower-case name with a file infra/config/<stage>.json.`,
    );
  }
  return stage;
}

/**
 * The SES identity scope from context `sesIdentityScope` (`-c sesIdentityScope=regions` for a
 * fleet of more than 50 identities; see infra/ses-identity-scope.ts). The construct validates it.
 */
export function sesIdentityScopeOf(app: App): SesIdentityScope | undefined {
  const scope = app.node.tryGetContext('sesIdentityScope');
  return scope === undefined ? undefined : (String(scope) as SesIdentityScope);
}

export function createApp(props: AppProps = {}): { app: App; stack: ByodkimRotationStack } {
  const app = new App(props);
  const stage = stageOf(app);
  const config = loadConfig(path.join(__dirname, 'config', `${stage}.json`));
  const sesIdentityScope = sesIdentityScopeOf(app);
  const stack = new ByodkimRotationStack(app, `ByodkimRotation-${stage}`, {
    config,
    stage,
    ...(sesIdentityScope === undefined ? {} : { rotation: { sesIdentityScope } }),
    description: `Safe rotation of Amazon SES BYODKIM keys (${stage})`,
  });
  return { app, stack };
}
