import { randomBytes } from 'node:crypto';
import type { ApprovalRecord } from '../../shared/rotation/approvals';
import { decisionEvidence } from '../../shared/rotation/decision-evidence';
import { E2E_TIMEOUT_MS, rehearse, scenario } from './support';

jest.setTimeout(E2E_TIMEOUT_MS);

describe('approval links: scanners, forgeries and replays never move a rotation', () => {
  it('ignores a mail scanner that fetches every link with GET and HEAD before the team acts', async () => {
    const { run } = await rehearse(scenario('link-scanner'));
    const scanner = run.approvalAttempts.filter((attempt) => attempt.kind === 'scanner');
    expect(new Set(scanner.map((attempt) => attempt.method))).toEqual(new Set(['GET', 'HEAD']));
    // The scanner saw the page (200) before the team acted; any later fetch sees "decided", never an error.
    expect(scanner[0]?.status).toBe(200);
    expect(scanner.every((attempt) => attempt.status < 500)).toBe(true);
    // Had the scanner's GET acted, the team's POST would have met "already decided" (409).
    expect(run.summary.approvals).toEqual({ accepted: 1, refused: 0 });
    expect(run.summary.status).toBe('SUCCEEDED');
  });

  it('refuses forged, expired, other-request and replayed approvals', async () => {
    const { run } = await rehearse(scenario('tamper'));
    const status = (kind: string, method = 'POST') =>
      run.approvalAttempts.find((attempt) => attempt.kind === kind && attempt.method === method)?.status;
    expect(status('forged')).toBe(403);
    expect(status('expired')).toBe(410);
    expect(status('expired', 'GET')).toBe(410);
    expect([403, 404]).toContain(status('other-domain'));
    expect(run.summary.approvals).toEqual({ accepted: 1, refused: 4 });
    expect(run.summary.status).toBe('SUCCEEDED');
  });

  it('keeps the link of an already-sent mail working when the signing secret is rotated', async () => {
    // GIVEN the approval secret is rotated (PutSecretValue) the moment the DNS team's mail is sent
    let linkVersion: string | undefined;
    let rotatedFrom: string | undefined;
    let evidence: string | undefined;
    const { run } = await rehearse(scenario('happy-path'), {
      // AND, as the endpoint's role, the execution's history shows the decision landed (the check
      // a lost answer triggers), under the synthesized IAM
      inspect: async (env) => {
        const stored = env.aws.s3.dump().find((object) => object.key.startsWith('approvals/'));
        const record = JSON.parse(stored?.body.toString('utf8') ?? '{}') as ApprovalRecord;
        evidence = await decisionEvidence(env.as('ApprovalEndpoint').sfn, record);
      },
      beforeStart: (env) => {
        env.outbox.onNotification((notification) => {
          const link = /https?:\/\/\S+\/approvals\/\S+/.exec(notification.message)?.[0];
          if (link === undefined || rotatedFrom !== undefined) return;
          linkVersion = new URL(link).searchParams.get('kv') ?? undefined;
          rotatedFrom = env.approvalSecret.valueOf('AWSCURRENT').versionId;
          env.approvalSecret.put(randomBytes(48).toString('base64'));
        });
      },
    });
    // THEN the link names the version that is now AWSPREVIOUS, and the team's approval still moves the rotation
    expect(linkVersion).toBeDefined();
    expect(linkVersion).toBe(rotatedFrom);
    expect(run.summary.approvals).toEqual({ accepted: 1, refused: 0 });
    expect(run.summary.status).toBe('SUCCEEDED');
    expect(evidence).toBe('landed');
  });

  it('leaves the rotation waiting when only a scanner touches the link', async () => {
    const { run, inspection } = await rehearse(
      scenario('link-scanner', {
        dnsTeam: { ...scenario('link-scanner').dnsTeam, decision: 'none' },
        maxReminders: 0,
        timing: { ...scenario('link-scanner').timing, approvalWaitMs: 1500 },
      }),
    );
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'ApprovalExpired' });
    expect(inspection.switches).toEqual([]);
    expect(run.summary.approvals.accepted).toBe(0);
  });
});
