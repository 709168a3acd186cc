/**
 * One Lambda function of the product, from its `tasks/<folder>/handler.ts`.
 *
 * From a checkout, the CDK bundles the TypeScript at synth with local esbuild (`NodejsFunction`,
 * `LAMBDA_BUNDLING`). From the installed package, the same bundles are already built
 * (`dist/lambda/<folder>/index.js`, made by `scripts/build-package.ts` with the same options), so
 * a consumer's synth needs neither esbuild nor our devDependencies, and deploys exactly the code
 * that was tested.
 */
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import type { Construct } from 'constructs';
import { LAMBDA_BUNDLING } from './bundling';

/** Where the package keeps the prebuilt bundles, relative to the compiled constructs (dist/infra). */
export const PREBUILT_LAMBDA_DIR = path.resolve(__dirname, '..', 'lambda');

/** What a product function is made of, besides its code. */
export interface TaskFunctionProps
  extends Omit<lambda.FunctionProps, 'code' | 'handler' | 'runtime' | 'architecture'> {
  /** The folder under `tasks/` holding `handler.ts` (exporting `handler`). */
  readonly folder: string;
  /** Directory holding `tasks/` and package-lock.json, for bundling from a checkout. */
  readonly projectRoot: string;
}

/** The prebuilt bundle directory of `folder`, or undefined when this is a checkout. */
export function prebuiltBundle(folder: string): string | undefined {
  const dir = path.join(PREBUILT_LAMBDA_DIR, folder);
  return existsSync(path.join(dir, 'index.js')) ? dir : undefined;
}

/** Node.js 22 on ARM64, from the prebuilt bundle when there is one, bundled at synth otherwise. */
export function createTaskFunction(scope: Construct, id: string, props: TaskFunctionProps): lambda.Function {
  const { folder, projectRoot, ...functionProps } = props;
  const common = {
    ...functionProps,
    runtime: lambda.Runtime.NODEJS_22_X,
    architecture: lambda.Architecture.ARM_64,
  };
  const prebuilt = prebuiltBundle(folder);
  if (prebuilt !== undefined) {
    return new lambda.Function(scope, id, {
      ...common,
      code: lambda.Code.fromAsset(prebuilt),
      handler: 'index.handler',
    });
  }
  return new nodejs.NodejsFunction(scope, id, {
    ...common,
    entry: path.join(projectRoot, 'tasks', folder, 'handler.ts'),
    handler: 'handler',
    projectRoot,
    depsLockFilePath: path.join(projectRoot, 'package-lock.json'),
    bundling: LAMBDA_BUNDLING,
  });
}
