/**
 * rotationMode AUTO on the local environment: the workflow publishes and retires the records in the
 * domain's Route 53 hosted zone (the stand-in, whose changes reach the name servers after a delay)
 * and still applies nothing to SES before every name server serves the new key.
 */
import { ChangeResourceRecordSetsCommand, Route53Client } from '@aws-sdk/client-route-53';
import { LOCAL_CREDENTIALS } from '../../local/aws-stand-ins';
import { type LocalEnvironment, localHostedZoneId } from '../../local/runner/environment';
import { nextSelector } from '../../shared/dkim/selector';
import { readTxtRecordSet, txtValuesOf } from '../../shared/rotation/route53-records';
import { E2E_TIMEOUT_MS, rehearse, scenario } from './support';

jest.setTimeout(E2E_TIMEOUT_MS);
const DOMAIN = 'demo.example.test';

/** A Route 53 client of someone else (the console, another tool) on the environment's stand-in. */
async function asSomeoneElse<T>(
  env: LocalEnvironment,
  use: (client: Route53Client) => Promise<T>,
): Promise<T> {
  const client = new Route53Client({
    region: 'us-east-1',
    endpoint: env.route53.endpoint,
    credentials: LOCAL_CREDENTIALS,
  });
  try {
    return await use(client);
  } finally {
    client.destroy();
  }
}

/** Changes the hosted zone as someone else would. */
function changeZone(env: LocalEnvironment, action: 'CREATE' | 'DELETE', name: string, value: string) {
  return asSomeoneElse(env, (client) =>
    client.send(
      new ChangeResourceRecordSetsCommand({
        HostedZoneId: localHostedZoneId(DOMAIN),
        ChangeBatch: {
          Changes: [
            {
              Action: action,
              ResourceRecordSet: {
                Name: name,
                Type: 'TXT',
                TTL: 300,
                ResourceRecords: [{ Value: `"${value}"` }],
              },
            },
          ],
        },
      }),
    ),
  );
}

describe('rotationMode AUTO (Route 53)', () => {
  it('publishes the record itself, applies only once every name server serves it, and removes the old record after retention', async () => {
    // GIVEN a domain in AUTO mode whose Route 53 changes reach the first name server after 300 ms
    // (Route 53 then says INSYNC) and the second one 700 ms later
    let route53Changes: ReturnType<LocalEnvironment['route53']['changes']> = [];
    const { run, inspection } = await rehearse(scenario('auto-route53'), {
      inspect: (env) => {
        route53Changes = env.route53.changes();
      },
    });
    const { summary } = run;
    const previous = summary.selectors.previous as string;
    const next = summary.selectors.new as string;
    // THEN the workflow published instead of waiting for an approval
    expect(summary.status).toBe('SUCCEEDED');
    expect(summary.statesVisited.filter((name) => name !== 'WaitForSesStatus')).toEqual([
      'PrepareRotation',
      'GenerateKey',
      'StoreDnsRequest',
      'HowToPublish',
      'PublishDnsRecord',
      'VerifyDnsRecord',
      'WhenToApply',
      'ApplyToSes',
      'ConfirmSesStatus',
      'SesConfirmed',
      'NotifySuccess',
      'WaitRetention',
      'RetireOldKey',
      'RotationComplete',
    ]);
    expect(summary.approvals).toEqual({ accepted: 0, refused: 0 });
    // AND it made exactly two changes in the zone: CREATE the new record, later DELETE the old one
    expect(summary.route53?.changes).toEqual([
      { action: 'CREATE', name: `${next}._domainkey.${DOMAIN}` },
      { action: 'DELETE', name: `${previous}._domainkey.${DOMAIN}` },
    ]);
    // AND SES switched once, only after the change had reached every name server (invariant 1),
    // not merely once Route 53 reported INSYNC
    const switches = inspection.switches.filter((change) => change.selector === next);
    expect(switches).toHaveLength(1);
    const created = route53Changes.find((change) => change.action === 'CREATE');
    expect(switches[0]?.at).toBeGreaterThanOrEqual((created?.at ?? Number.POSITIVE_INFINITY) + 300 + 700);
    expect(summary.probe.failed).toBe(0);
    // AND the zone and the key states end as in MANUAL
    expect(inspection.metadata).toEqual({ [previous]: 'RETIRED', [next]: 'ACTIVE' });
    for (const server of [0, 1]) {
      expect(inspection.txt(server, previous)).toEqual([]);
      expect(inspection.txt(server, next)[0]).toMatch(/^v=DKIM1; k=rsa; p=/);
    }
    // AND the DNS team was told of each change (INFO), with no approval link to press
    const toDnsTeam = inspection.notifications.filter((sent) => sent.topicArn.endsWith('byodkim-dns-team'));
    const subjects = toDnsTeam.map((sent) => sent.subject);
    expect(subjects.filter((subject) => subject.includes('DKIM レコード登録 (Route 53)'))).toHaveLength(1);
    expect(subjects.filter((subject) => subject.includes('旧 DKIM レコード削除 (Route 53)'))).toHaveLength(1);
    for (const sent of toDnsTeam) expect(sent.message).not.toMatch(/\/approvals\//);
    expect(summary.leaks.found).toBe(0);
  });

  it('never overwrites another value at the new name: stops at PublishDnsRecord with SES untouched, and a redrive after the cleanup completes', async () => {
    let name = '';
    const foreign = 'v=DKIM1; k=rsa; p=SOMEONEELSESKEY';
    let stopped: { status: string; failedState?: string; error?: string } | undefined;
    let untouched: string[] = [];
    let changesBeforeRedrive: string[] = [];
    let switchesBeforeRedrive = -1;
    let redriven: string | undefined;
    let dnsTeamBeforeRedrive: string[] = [];
    const { run } = await rehearse(scenario('auto-route53'), {
      // GIVEN someone already put another value at the name the rotation will use
      beforeStart: async (env) => {
        // (the selector of this instant: the rotation starts milliseconds later, same Tokyo day)
        const selector = nextSelector({
          prefix: 'demo',
          existing: [],
          now: new Date(),
          timeZone: 'Asia/Tokyo',
        });
        name = `${selector}._domainkey.${DOMAIN}.`;
        await changeZone(env, 'CREATE', name, foreign);
      },
      inspect: async (env) => {
        const [execution] = env.sfn.list();
        stopped = {
          status: execution?.status ?? '',
          failedState: execution?.failedState?.name,
          error: execution?.error,
        };
        // (Route 53's own view: the name servers may not have the stray record yet)
        const set = await asSomeoneElse(env, (route53) =>
          readTxtRecordSet({ route53 }, localHostedZoneId(DOMAIN), name),
        );
        untouched = set ? txtValuesOf(set) : [];
        changesBeforeRedrive = env.route53.changes().map((change) => `${change.action} ${change.name}`);
        switchesBeforeRedrive = env.aws.ses.switches().length;
        dnsTeamBeforeRedrive = env.outbox.sent
          .filter((sent) => sent.topicArn.endsWith('byodkim-dns-team'))
          .map((sent) => sent.subject);
        // WHEN the operator removes the stray record and redrives
        await changeZone(env, 'DELETE', name, foreign);
        env.sfn.redrive(execution?.executionArn ?? '');
        redriven = (await env.sfn.whenDone(execution?.executionArn ?? '')).status;
      },
    });
    // THEN the first run stopped at PublishDnsRecord, naming the conflict, and left the record alone
    expect(run.summary.status).toBe('FAILED');
    expect(stopped).toMatchObject({
      status: 'FAILED',
      failedState: 'PublishDnsRecord',
      error: 'DnsRecordMismatch',
    });
    expect(run.summary.statesVisited).not.toContain('VerifyDnsRecord');
    expect(untouched).toEqual([foreign]);
    expect(changesBeforeRedrive).toEqual([`CREATE ${name.slice(0, -1)}`]);
    // AND SES and the DNS team were never touched
    expect(switchesBeforeRedrive).toBe(0);
    expect(dnsTeamBeforeRedrive).toEqual([]);
    // AND the redrive resumed there and finished the rotation
    expect(redriven).toBe('SUCCEEDED');
  });
});
