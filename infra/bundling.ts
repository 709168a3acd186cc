import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * How every function of the product is bundled: local esbuild (never Docker), one minified CJS
 * file for Node 22 with source maps. The AWS SDK is bundled too: conditional writes
 * (If-None-Match / If-Match) need a recent client, and a pinned bundle behaves the same in Lambda
 * and in the local environment.
 */
export const LAMBDA_BUNDLING: nodejs.BundlingOptions = {
  externalModules: [],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  format: nodejs.OutputFormat.CJS,
  forceDockerBundling: false,
  logLevel: nodejs.LogLevel.ERROR,
};
