import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createApp } from '../infra/app';
import type { LocalEnvironment } from '../local/runner/environment';
import { rotate } from '../local/runner/rotate';
import { loadScenario } from '../local/scenario';
import { type BenchRow, median } from './stats';

const LOADS = 3;
const UNREACHABLE = 'http://127.0.0.1:9';

interface Bundle {
  readonly name: string;
  readonly path: string;
}

/** Synthesizes the prod stack with bundling (as `cdk synth` does) and lists each function's bundle. */
function synthesizeBundles(outdir: string): { bundles: Bundle[]; synthMs: number } {
  const started = Date.now();
  const { app, stack } = createApp({ outdir, context: { 'aws:cdk:enable-asset-metadata': true } });
  const template = app.synth().getStackByName(stack.stackName).template as {
    Resources: Record<
      string,
      { Type: string; Properties?: { FunctionName?: string }; Metadata?: Record<string, string> }
    >;
  };
  const bundles = Object.values(template.Resources)
    .filter((resource) => resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.['aws:asset:path'])
    .map((resource) => ({
      name:
        String(resource.Properties?.FunctionName ?? '?')
          .split('-')
          .pop() ?? '?',
      path: join(outdir, resource.Metadata?.['aws:asset:path'] ?? '', 'index.js'),
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return { bundles, synthMs: Date.now() - started };
}

/** A realistic first event for each function, taken from a rehearsal's history. */
function firstEvents(env: LocalEnvironment): Record<string, unknown> {
  const [execution] = env.sfn.list();
  const inputOf = (state: string) =>
    execution?.events.flatMap((event) =>
      event.type === 'StateEntered' && event.state.name === state ? [event.state.input] : [],
    )[0];
  const state = inputOf('VerifyDnsRecord');
  return {
    PrepareRotation: { request: JSON.parse(execution?.input ?? '{}'), executionName: execution?.name },
    NotifyDnsTeam: { state: inputOf('NotifyDnsTeam'), taskToken: 'bench-token' },
    SendReminder: inputOf('NotifyDnsTeam'),
    ...Object.fromEntries(
      [
        'GenerateKey',
        'StoreDnsRequest',
        'VerifyDnsRecord',
        'ApplyToSes',
        'ConfirmSesStatus',
        'NotifySuccess',
        'RetireOldKey',
      ].map((name) => [name, inputOf(name)]),
    ),
    // The bench rehearsal is MANUAL: the same state made AUTO, against the Route 53 stand-in (which
    // holds no such zone: the first call goes all the way to Route 53 and back).
    PublishDnsRecord: {
      ...(inputOf('HowToPublish') as { plan: object }),
      plan: {
        ...(inputOf('HowToPublish') as { plan: object }).plan,
        rotationMode: 'AUTO',
        hostedZoneId: 'Z0BENCH',
      },
    },
    RollbackSigning: state,
    AbandonKey: state,
    NotifyFailure: {
      ...(state as object),
      failure: { Error: 'Bench', Cause: 'bench' },
      rollback: { rolledBackAt: 'now', regions: [] },
    },
    ApprovalEndpoint: {
      requestContext: { http: { method: 'GET' } },
      pathParameters: { id: 'benchbenchbenchbench' },
      queryStringParameters: {},
    },
    Monitor: { now: new Date().toISOString() },
  };
}

/** Environment of a function pointed at the running stand-ins (SNS and Secrets Manager have none: unreachable). */
function childEnvironment(env: LocalEnvironment): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    AWS_REGION: 'ap-northeast-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL: UNREACHABLE,
    AWS_ENDPOINT_URL_S3: env.aws.endpoints.s3,
    AWS_ENDPOINT_URL_SESV2: env.aws.endpoints.ses,
    AWS_ENDPOINT_URL_SFN: env.sfnServer.endpoint,
    AWS_ENDPOINT_URL_ROUTE_53: env.route53.endpoint,
    AWS_MAX_ATTEMPTS: '1',
    BUCKET_NAME: env.bucket,
    CONFIG_OBJECT_KEY: env.configKey,
    POWERTOOLS_METRICS_NAMESPACE: env.config.metricsNamespace,
    STATE_MACHINE_ARN: env.stateMachineArn,
    DNS_NAME_SERVERS: env.dns
      .endpoints()
      .map((endpoint) => `${endpoint.host}:${endpoint.port}`)
      .join(','),
    OPS_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:000000000000:ops',
    DNS_TEAM_TOPIC_ARN: 'arn:aws:sns:ap-northeast-1:000000000000:dns',
    APPROVAL_SECRET_ARN: 'arn:aws:secretsmanager:ap-northeast-1:000000000000:secret:approval',
    APPROVAL_BASE_URL: env.approvals.baseUrl,
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
    ...(process.env.BENCH_DEBUG ? { BENCH_DEBUG: '1' } : {}),
  };
}

/** Loads the bundle in a fresh Node process and makes its first handler call; times both. */
async function coldStart(
  bundle: Bundle,
  event: unknown,
  environment: NodeJS.ProcessEnv,
): Promise<{ load: number; call: number; outcome: string }> {
  const script = `const t0=process.hrtime.bigint();const m=require(${JSON.stringify(bundle.path)});const t1=process.hrtime.bigint();
Promise.resolve().then(()=>m.handler(JSON.parse(process.env.BENCH_EVENT))).then(()=>'ok',(e)=>'error '+(e&&e.name)+(process.env.BENCH_DEBUG?': '+e.message:'')).then((outcome)=>{const t2=process.hrtime.bigint();process.stdout.write(JSON.stringify({load:Number(t1-t0)/1e6,call:Number(t2-t1)/1e6,outcome}));process.exit(0)});`;
  // Asynchronously: the stand-ins the child calls run in this process's event loop.
  const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], {
    env: { ...environment, BENCH_EVENT: JSON.stringify(event ?? {}) },
    timeout: 60_000,
  });
  return JSON.parse(stdout) as { load: number; call: number; outcome: string };
}

/**
 * Each Lambda bundle as `cdk synth` builds it (esbuild, minified): its size, and its cold start in
 * a fresh Node process — module load, then the first handler call with a realistic event against
 * the local stand-ins (S3, SES, Step Functions, DNS; SNS and Secrets Manager have no stand-in, so
 * those calls fail fast and the row says so). Median of 3 per function.
 */
export async function benchBundles(): Promise<BenchRow[]> {
  const outdir = mkdtempSync(join(tmpdir(), 'byodkim-bench-synth-'));
  try {
    const { bundles, synthMs } = synthesizeBundles(outdir);
    const rows: BenchRow[] = [
      {
        benchmark: 'bundles',
        metric: `synth with bundling (prod config, ${bundles.length} functions)`,
        value: synthMs,
        unit: 'ms',
      },
    ];
    const scenario = { ...loadScenario(join(__dirname, '../local/scenarios/happy-path.json')) };
    await rotate(
      { ...scenario, ses: { ...scenario.ses, requestsPerSecond: 1000 } },
      {
        inspect: async (env) => {
          const events = firstEvents(env);
          const environment = childEnvironment(env);
          // Steps that change the finished rotation (abandon, roll back) go last, so the others
          // meet the state a retry or redrive would.
          const mutating = new Set(['AbandonKey', 'RollbackSigning']);
          const ordered = [
            ...bundles.filter((b) => !mutating.has(b.name)),
            ...bundles.filter((b) => mutating.has(b.name)),
          ];
          for (const bundle of ordered) {
            const runs: Array<Awaited<ReturnType<typeof coldStart>>> = [];
            for (let run = 0; run < LOADS; run += 1) {
              runs.push(await coldStart(bundle, events[bundle.name], environment));
            }
            rows.push({
              benchmark: 'bundles',
              metric: `${bundle.name}: bundle size; cold start = load + first call (median of ${LOADS})`,
              value: statSync(bundle.path).size / 1024,
              unit: 'KiB',
              note: `load ${median(runs.map((run) => run.load)).toFixed(0)} ms + first call ${median(runs.map((run) => run.call)).toFixed(0)} ms (${runs[0]?.outcome})`,
            });
          }
        },
      },
    );
    return rows;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
