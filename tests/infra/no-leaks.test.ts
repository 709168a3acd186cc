/**
 * Invariant 4: a sample rotation's every state output, every notification and the synthesized
 * template contain no PEM, no base64 of the private key (in any encoding SES or S3 sees) and no
 * task token.
 */
import { SendTaskSuccessCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { parseConfig } from '../../shared/config';
import { privateKeyFromPem } from '../../shared/dkim/keys';
import { csrfToken } from '../../shared/rotation/approval-links';
import { keyPaths } from '../../shared/rotation/key-store';
import { silentLogger } from '../../shared/rotation/runtime';
import type { RotationState } from '../../shared/rotation/state';
import { applyToSes } from '../../tasks/apply-to-ses/logic';
import { handleApprovalRequest } from '../../tasks/approval-endpoint/logic';
import { confirmSesStatus } from '../../tasks/confirm-ses-status/logic';
import { generateKey } from '../../tasks/generate-key/logic';
import { notifyDnsTeam } from '../../tasks/notify-dns-team/logic';
import { notifySuccess } from '../../tasks/notify-success/logic';
import { prepareRotation } from '../../tasks/prepare-rotation/logic';
import { retireOldKey } from '../../tasks/retire-old-key/logic';
import { storeDnsRequest } from '../../tasks/store-dns-request/logic';
import { verifyDnsRecord } from '../../tasks/verify-dns-record/logic';
import { scriptedVerifier } from '../tasks/support/dns';
import {
  DNS_TOPIC,
  FakeS3,
  FakeSes,
  FakeSns,
  fixedClock,
  OPS_TOPIC,
  TEST_KEYS,
  TEST_LINK_KEY,
} from '../tasks/support/fakes';
import {
  DOMAIN,
  keyPairs,
  NEW_SELECTOR,
  OLD_SELECTOR,
  REGION,
  seedCertificate,
  seedKey,
} from '../tasks/support/rotation';
import { synthStack } from '../workflow/support/synth';

const TOKEN = 'AQCEAAAAKgAAAAMAAAAAAAAAAeLeakCanaryTaskToken9876543210';

/** Every form of a private key that must never leak: PEM, PKCS#8 and PKCS#1 DER base64 (SES's form). */
function secretFormsOf(pem: string): string[] {
  const { privateKey } = privateKeyFromPem(pem);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' }).toString('base64');
  const pkcs1 = privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
  // Windows from the end of the DER: the CRT parameters, which only the private key holds (the
  // start of the body is the modulus, which the public DNS record legitimately carries).
  return [pkcs8.slice(-140, -76), pkcs1.slice(-140, -76), pkcs8.slice(-80, -16), pkcs1.slice(-80, -16)];
}

function findLeaks(text: string, secrets: readonly string[]): string[] {
  const found: string[] = [];
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) found.push('PEM private key');
  if (text.includes(TOKEN)) found.push('task token');
  for (const secret of secrets) if (text.includes(secret)) found.push(`key material ${secret.slice(0, 8)}…`);
  return found;
}

describe('no key material or task token leaks', () => {
  it('a sample rotation: every state output and notification is clean (and the scan does find a planted leak)', async () => {
    const s3 = new FakeS3();
    const sns = new FakeSns();
    const [oldKey, newKey] = await keyPairs();
    if (oldKey === undefined || newKey === undefined) throw new Error('keys');
    seedKey(s3, OLD_SELECTOR, oldKey, 'ACTIVE');
    await seedCertificate(s3, OLD_SELECTOR, oldKey);
    const ses = new FakeSes(DOMAIN, {
      [REGION]: { origin: 'EXTERNAL', selector: OLD_SELECTOR, status: 'SUCCESS', signingEnabled: true },
    });
    const sfn = new SFNClient({ region: REGION });
    const sfnMock = mockClient(sfn).on(SendTaskSuccessCommand).resolves({});
    const clock = fixedClock();
    const base = { ...s3.deps(), clock, logger: silentLogger };
    const config = parseConfig({
      domains: [
        {
          domain: DOMAIN,
          selectorPrefix: 'gooid-21-pro',
          keyLength: 1024,
          dnsTeamEmails: ['d@example.jp'],
          opsEmails: ['o@example.jp'],
        },
      ],
    });
    const outputs: unknown[] = [];
    const record = <T>(value: T): T => {
      outputs.push(value);
      return value;
    };

    // WHEN the rotation runs state by state, as the workflow would (ResultPath per state)
    let state: RotationState = record(
      await prepareRotation(
        { request: { domain: DOMAIN, selector: NEW_SELECTOR }, executionName: 'x' },
        { ...base, ses: ses.clientFor, config },
      ),
    );
    state = {
      ...state,
      key: record(await generateKey(state, { ...base, generateKeyPair: async () => newKey })),
    };
    state = { ...state, dnsRequest: record(await storeDnsRequest(state, base)) };
    const notified = record(
      await notifyDnsTeam(
        { state, taskToken: TOKEN },
        {
          ...base,
          dnsTeam: sns.topic(DNS_TOPIC),
          approvalKeys: async () => TEST_KEYS,
          approvalBaseUrl: 'https://approve.example.jp',
        },
      ),
    );
    const exp = String(Math.floor(clock().getTime() / 1000) + 72 * 3600);
    const link = new URL(
      String(JSON.stringify(sns.messages[0]?.Message).match(/https:\/\/approve[^\s\\]+/)?.[0]),
    );
    const page = record(
      await handleApprovalRequest(
        {
          method: 'POST',
          approvalId: notified.approvalId,
          query: {},
          form: {
            exp: link.searchParams.get('exp') ?? exp,
            kv: link.searchParams.get('kv') ?? '',
            sig: link.searchParams.get('sig') ?? '',
            csrf: csrfToken(TEST_LINK_KEY, notified.approvalId, Number(link.searchParams.get('exp'))),
            decision: 'approve',
          },
        },
        { ...base, sfn, approvalKeys: async () => TEST_KEYS },
      ),
    );
    expect(page.statusCode).toBe(200);
    const decision = JSON.parse(
      sfnMock.commandCalls(SendTaskSuccessCommand)[0]?.args[0].input.output ?? '{}',
    );
    state = { ...state, approval: record(decision) };
    const { verifier } = scriptedVerifier({ verdicts: ['match', 'match'] });
    state = { ...state, dns: record(await verifyDnsRecord(state, { ...base, dns: verifier })) };
    state = { ...state, ses: record(await applyToSes(state, { ...base, ses: ses.clientFor })) };
    ses.identity(REGION).status = 'SUCCESS';
    state = {
      ...state,
      confirmation: record(await confirmSesStatus(state, { ...base, ses: ses.clientFor, random: () => 0.5 })),
    };
    state = {
      ...state,
      success: record(
        await notifySuccess(state, {
          ...base,
          operators: sns.topic(OPS_TOPIC),
          dnsTeam: sns.topic(DNS_TOPIC),
        }),
      ),
    };
    state = {
      ...state,
      retirement: record(
        await retireOldKey(state, {
          ...base,
          ses: ses.clientFor,
          dnsTeam: sns.topic(DNS_TOPIC),
          dns: verifier,
        }),
      ),
    };
    outputs.push(state);

    // THEN the rotation really used the keys (the scan looks for something that exists)
    const secrets = [OLD_SELECTOR, NEW_SELECTOR].flatMap((selector) =>
      secretFormsOf(s3.text(keyPaths(DOMAIN, selector).privateKey) ?? ''),
    );
    expect(ses.identity(REGION).privateKey).toContain(secrets[5]); // the new key, PKCS#1 DER as SES gets it
    // AND no state output, notification or decision holds a key or the token
    expect(findLeaks(JSON.stringify(outputs), secrets)).toEqual([]);
    expect(findLeaks(JSON.stringify(sns.messages), secrets)).toEqual([]);
    // AND the scanner is not blind: a planted leak is found
    expect(
      findLeaks(
        JSON.stringify({ ...state, oops: s3.text(keyPaths(DOMAIN, NEW_SELECTOR).privateKey) }),
        secrets,
      ),
    ).toEqual(expect.arrayContaining(['PEM private key']));
    expect(
      findLeaks(JSON.stringify({ oops: ses.identity(REGION).privateKey, TOKEN }), secrets).length,
    ).toBeGreaterThan(1);

    s3.restore();
    sns.restore();
    ses.restore();
  });

  it('the synthesized template holds no private key and no task token', () => {
    const { template } = synthStack('prod');
    const text = JSON.stringify(template.toJSON());
    expect(text).not.toMatch(/PRIVATE KEY|DomainSigningPrivateKey/);
    // the only task token reference is the JSONPath that Step Functions resolves at run time
    expect(text.match(/Task\.Token/g)).toHaveLength(1);
  });
});
