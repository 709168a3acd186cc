import { generateKeyPairSync } from 'node:crypto';
import { scanForLeaks } from '../../../local/leak-scan';
import { privateKeyToPem, publicKeyToPem } from '../../../shared/dkim/keys';
import { toSesSigningPrivateKey } from '../../../shared/dkim/ses-signing-key';
import { dkimTxtValue } from '../../../shared/dkim/txt-record';

describe('the leak scan', () => {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const other = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const secrets = { privateKeys: [privateKey], taskTokens: ['AQCEAAAAKgAAAAMAAAAAAAAAAfaketoken=='] };

  it('finds nothing in public data: the public key, the TXT value, fingerprints, ordinary state', () => {
    const report = scanForLeaks(
      [
        { source: 'public-pem', text: publicKeyToPem(publicKey) },
        { source: 'txt', text: dkimTxtValue(publicKey) },
        {
          source: 'state',
          text: JSON.stringify({ selector: 's1', approvalId: 'abc', bucketKey: 'dkim/x/s1/private-key.pem' }),
        },
      ],
      secrets,
    );
    expect(report).toEqual({
      scanned: 3,
      found: 0,
      kinds: ['private-key', 'task-token', 'aws-identifier'],
      findings: [],
    });
  });

  it.each([
    ['a PEM private key', () => privateKeyToPem(privateKey), 'pem-private-key'],
    ['the SES key string', () => toSesSigningPrivateKey(privateKey).reveal(), 'private-key-base64'],
    ['a JSON-escaped PEM', () => JSON.stringify({ key: privateKeyToPem(privateKey) }), 'pem-private-key'],
    [
      'a single PEM line in a log',
      () => `loaded ${privateKeyToPem(privateKey).split('\n')[5]}`,
      'private-key-base64',
    ],
    ['the task token', () => `resume with ${secrets.taskTokens[0]}`, 'task-token'],
  ])('finds %s and names the source, not the secret', (_label, text, kind) => {
    const report = scanForLeaks([{ source: 'history:GenerateKey:output', text: text() }], secrets);
    expect(report.found).toBeGreaterThan(0);
    expect(report.findings).toContainEqual({ source: 'history:GenerateKey:output', kind });
    expect(JSON.stringify(report)).not.toContain(secrets.taskTokens[0]);
  });

  it('flags ARNs and account ids in what people read (notifications, Fail causes), not in history', () => {
    // GIVEN the same AccessDenied text in a notice, a Fail cause and a history event
    const denial = 'User: arn:aws:sts::123456789012:assumed-role/x/y is not authorized';
    const report = scanForLeaks(
      [
        { source: 'notification:0', text: `Cause: ${denial}`, shownToPeople: true },
        {
          source: 'fail-cause:9:ExecutionFailed',
          text: 'account 123456789012 is closed',
          shownToPeople: true,
        },
        { source: 'history:3:StateEntered', text: `{"executionArn":"arn:aws:states:x"} ${denial}` },
        {
          source: 'notification:1',
          text: 'Cause: User: <arn> is not authorized (<account>)',
          shownToPeople: true,
        },
      ],
      secrets,
    );

    // THEN only the two texts shown to people are findings; history may hold ARNs
    expect(report.findings).toEqual([
      { source: 'notification:0', kind: 'aws-identifier' },
      { source: 'fail-cause:9:ExecutionFailed', kind: 'aws-identifier' },
    ]);
  });

  it('does not take 12 digits inside an approval link (hex id, version UUID) for an account id', () => {
    // GIVEN an approval link whose random id and key version happen to hold 12 digits in a row,
    // as about one link in a hundred does, beside a real account id in another notice
    const link =
      'http://127.0.0.1:8080/approvals/50a1ada4d90d0fc123456789012c6e0?exp=1796670876&kv=0200ba6e-d96e-4b36-b085-123456789012&sig=5LLd4TOH';
    const report = scanForLeaks(
      [
        { source: 'notification:0', text: `Approve: ${link}`, shownToPeople: true },
        { source: 'notification:1', text: 'role in 123456789012/', shownToPeople: true },
      ],
      secrets,
    );

    // THEN only the account id standing alone is a finding
    expect(report.findings).toEqual([{ source: 'notification:1', kind: 'aws-identifier' }]);
  });

  it('ignores keys that were not part of the run, except for PEM armor which is always a leak', () => {
    const base64 = other.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    expect(scanForLeaks([{ source: 'x', text: base64 }], secrets).found).toBe(0);
    expect(scanForLeaks([{ source: 'x', text: privateKeyToPem(other.privateKey) }], secrets).found).toBe(1);
  });
});
