import { join } from 'node:path';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import type { LocalEnvironment } from '../../local/runner/environment';
import { type RotateOptions, type RotationRun, rotate } from '../../local/runner/rotate';
import { loadScenario, type Scenario } from '../../local/scenario';
import type { KeyMetadata } from '../../shared/rotation/key-metadata';
import { keyPaths } from '../../shared/rotation/key-store';

/** A rehearsal takes seconds (SES's 1 request/s is modelled): generous per-test time. */
export const E2E_TIMEOUT_MS = 120_000;

/** A shipped scenario file, with optional changes. */
export function scenario(name: string, changes: Partial<Scenario> = {}): Scenario {
  return { ...loadScenario(join(__dirname, '../../local/scenarios', `${name}.json`)), ...changes };
}

/** What a test reads from the environment before it stops. */
export interface Inspection {
  readonly switches: ReturnType<LocalEnvironment['aws']['ses']['switches']>;
  readonly metadata: Record<string, KeyMetadata['state'] | undefined>;
  readonly selectors: string[];
  readonly notifications: LocalEnvironment['outbox']['sent'];
  readonly txt: (serverIndex: number, selector: string) => string[];
  readonly approvalBaseUrl: string;
}

/** Runs a scenario and inspects S3 metadata, SES switches, DNS and notifications at the end. */
export async function rehearse(
  scenarioToRun: Scenario,
  options: RotateOptions = {},
): Promise<{ run: RotationRun; inspection: Inspection }> {
  let inspection: Inspection | undefined;
  const run = await rotate(scenarioToRun, {
    ...options,
    inspect: async (env) => {
      const domain = scenarioToRun.domain;
      const selectors = [
        ...new Set(
          env.aws.s3
            .dump()
            .filter((object) => object.key.startsWith(`dkim/${domain}/`))
            .map((object) => object.key.split('/')[2] ?? ''),
        ),
      ].sort();
      const metadata: Inspection['metadata'] = {};
      for (const selector of selectors) {
        const object = await env.aws
          .s3Client('ap-northeast-1')
          .send(new GetObjectCommand({ Bucket: env.bucket, Key: keyPaths(domain, selector).metadata }));
        metadata[selector] = (
          JSON.parse(await (object.Body?.transformToString() ?? '{}')) as KeyMetadata
        ).state;
      }
      const dns = env.dns;
      inspection = {
        switches: env.aws.ses.switches(),
        metadata,
        selectors,
        notifications: [...env.outbox.sent],
        txt: (serverIndex, selector) => dns.txtOn(domain, serverIndex, `${selector}._domainkey.${domain}`),
        approvalBaseUrl: env.approvals.baseUrl,
      };
      await options.inspect?.(env, []);
    },
  });
  if (!inspection) throw new Error('inspection did not run');
  // Every rehearsal runs under the synthesized IAM: the product's code must never be denied
  // unless the scenario revokes a permission on purpose (iamDeny).
  expect(run.summary.iam.evaluated).toBeGreaterThan(0);
  if (Object.keys(scenarioToRun.iamDeny).length === 0) expect(run.summary.iam.deniedRequests).toEqual([]);
  return { run, inspection };
}

/** The time a state was first entered, in ms since the epoch. */
export function enteredAt(run: RotationRun, state: string): number {
  const event = run.execution.events.find(
    (candidate) => candidate.type === 'StateEntered' && candidate.state.name === state,
  );
  if (!event) throw new Error(`${state} was never entered`);
  return event.timestamp;
}
