/**
 * The task manifest (shared/tasks/manifest.ts) against what is deployed and what the handlers
 * build: each function gets exactly the environment its entry derives, and the dependencies its
 * handler builds from that environment alone are exactly the ones its entry declares — no AWS
 * client the entry does not grant, none it grants left unused. (That the grants suffice is what
 * the local rehearsal proves: it evaluates every call under these roles.)
 */
import { Match } from 'aws-cdk-lib/assertions';
import { TASK_MANIFEST, TASK_NAMES, type TaskManifestEntry, usesKeyStore } from '../../shared/tasks/manifest';
import { environmentOf, TASK_ENV } from '../../shared/tasks/task-env';
import { synthStack } from '../workflow/support/synth';

/** Variables every function has, whatever its entry: Powertools' and Node's. */
const RUNTIME_VARIABLES = ['NODE_OPTIONS', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];

/** Which dependency each manifest capability stands for, and whether the entry declares it. */
const DECLARED_DEPENDENCIES: ReadonlyArray<[string, (entry: TaskManifestEntry) => boolean]> = [
  ['s3', usesKeyStore],
  ['bucket', usesKeyStore],
  ['config', (entry) => entry.readsConfig === true],
  ['ses', (entry) => entry.ses !== undefined],
  ['dnsTeam', (entry) => entry.publishes?.includes('dnsTeam') === true],
  ['operators', (entry) => entry.publishes?.includes('operators') === true],
  ['route53', (entry) => entry.route53 !== undefined],
  ['approvalKeys', (entry) => entry.approvalSecret === true],
  ['approvalBaseUrl', (entry) => entry.approvalLinks === true],
  ['dnsOptions', (entry) => entry.asksNameServers === true],
  ['sfn', (entry) => entry.resumesExecutions === true],
];

describe('the task manifest', () => {
  const { template } = synthStack('prod');
  const functions = template.findResources('AWS::Lambda::Function', {
    Properties: { FunctionName: Match.stringLikeRegexp('^byodkim-rotation-prod-') },
  }) as Record<string, { Properties: { FunctionName: string; Environment: { Variables: object } } }>;
  const environmentOfFunction = (name: string) =>
    Object.values(functions).find((fn) => fn.Properties.FunctionName === `byodkim-rotation-prod-${name}`)
      ?.Properties.Environment.Variables;

  it.each(TASK_NAMES)('gives %s exactly the variables its entry derives', (name) => {
    const expected = environmentOf(TASK_MANIFEST[name]).map((variable) => TASK_ENV[variable]);
    expect(Object.keys(environmentOfFunction(name) ?? {}).sort()).toEqual(
      [...expected, ...RUNTIME_VARIABLES].sort(),
    );
  });

  describe('the dependencies each handler builds from that environment', () => {
    const saved = { ...process.env };
    afterEach(() => {
      for (const variable of Object.values(TASK_ENV)) delete process.env[variable];
      Object.assign(process.env, saved);
    });

    it.each(TASK_NAMES)('%s: exactly what its entry declares', (name) => {
      // GIVEN only the variables the stack sets for this function (values made up)
      for (const variable of Object.values(TASK_ENV)) delete process.env[variable];
      for (const variable of environmentOf(TASK_MANIFEST[name]))
        process.env[TASK_ENV[variable]] = variable === 'dnsIpv6Egress' ? 'none' : `test-${variable}`;
      const { defaultDeps } = jest.requireActual<{ defaultDeps: () => Record<string, unknown> }>(
        `../../tasks/${TASK_MANIFEST[name].folder}/handler`,
      );

      // WHEN its handler builds its real dependencies
      const deps = defaultDeps();

      // THEN it needed nothing else, and holds a client for what its entry declares and only that
      const present = DECLARED_DEPENDENCIES.filter(([key]) => deps[key] !== undefined).map(([key]) => key);
      const declared = DECLARED_DEPENDENCIES.filter(([, isDeclared]) => isDeclared(TASK_MANIFEST[name])).map(
        ([key]) => key,
      );
      expect(present).toEqual(declared);
    });
  });
});
