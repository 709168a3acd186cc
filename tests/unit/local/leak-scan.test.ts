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

  it('ignores keys that were not part of the run, except for PEM armor which is always a leak', () => {
    const base64 = other.privateKey.export({ type: 'pkcs1', format: 'der' }).toString('base64');
    expect(scanForLeaks([{ source: 'x', text: base64 }], secrets).found).toBe(0);
    expect(scanForLeaks([{ source: 'x', text: privateKeyToPem(other.privateKey) }], secrets).found).toBe(1);
  });
});
