import {
  COMPOSED_MAX_CHARS,
  causeText,
  describeDifference,
  printable,
  SANITISED_MAX_CHARS,
  sanitise,
  sanitiseError,
} from '../../shared/sanitise';

/** What S3 and KMS answer a role the policies do not allow (IAM User Guide, access denied messages). */
const S3_DENIAL =
  'User: arn:aws:sts::123456789012:assumed-role/ByodkimRotation-prod-ConfirmSesStatusRole/fn is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::byodkim-keys/dkim/example.jp/s1/metadata.json" because no identity-based policy allows the s3:PutObject action';
const KMS_DENIAL =
  'User: arn:aws:sts::123456789012:assumed-role/r/s is not authorized to perform: kms:Decrypt on the resource associated with this ciphertext because the resource does not exist in this Region, no resource-based policies allow access, or a resource-based policy explicitly denies access (key arn:aws:kms:ap-northeast-1:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e)';

describe('the sanitiser', () => {
  it('keeps what an AccessDenied says and drops whose role and account it names', () => {
    expect(sanitise(S3_DENIAL)).toBe(
      'User: <arn> is not authorized to perform: s3:PutObject on resource: "<arn>" because no identity-based policy allows the s3:PutObject action',
    );
    expect(sanitise(KMS_DENIAL)).not.toMatch(/123456789012|arn:aws|assumed-role|0f8fad5b/);
    expect(sanitise(KMS_DENIAL)).toContain('kms:Decrypt');
  });

  it.each([
    ['a bare account id', 'account 123456789012 is suspended', 'account <account> is suspended'],
    [
      'a UUID request id',
      'failed (Request ID: 0f8fad5b-d9cb-469f-a165-70867728950e)',
      'failed (Request ID: <request-id>)',
    ],
    [
      "S3's request and host ids",
      'Request ID: 4442587FB7D0A2F9, Host ID: o3xKcBwX1zA9',
      'Request ID: <request-id>, Host ID: <request-id>',
    ],
    ['an access key id', 'key AKIAIOSFODNN7EXAMPLE is unknown', 'key <access-key-id> is unknown'],
    [
      'the console link of an explicit deny',
      'with an explicit deny. Go to https://us-east-1.console.aws.amazon.com/iam/home?region=us-east-1#/authorization-details/EXAMPLE1a2b3c4d5e',
      'with an explicit deny. Go to <console-link>',
    ],
    ['a GovCloud ARN', 'role arn:aws-us-gov:iam::123456789012:role/x denied', 'role <arn> denied'],
  ])('replaces %s', (_label, text, expected) => {
    expect(sanitise(text)).toBe(expected);
  });

  it('puts a hostile TXT record on one line, without control or invisible characters, cut to 300', () => {
    // GIVEN 32 KB of record text with forged mail headers, a bidi override and a NUL
    const hostile = `v=DKIM1;\r\nSubject: approve now\r\n\u202egnp.exe\u0000${'A'.repeat(32_000)}`;

    // WHEN it is sanitised
    const clean = sanitise(hostile);

    // THEN it is one short line a mail reader cannot be tricked by
    for (const hidden of ['\r', '\n', '\u202e', '\u0000']) expect(clean).not.toContain(hidden);
    expect(clean.startsWith('v=DKIM1; Subject: approve now gnp.exe')).toBe(true);
    expect(clean).toHaveLength(SANITISED_MAX_CHARS);
    expect(clean.endsWith('…')).toBe(true);
  });

  it('keeps Japanese text and honours a longer cap for composed messages', () => {
    expect(sanitise('SES の DKIM 検証に失敗しました')).toBe('SES の DKIM 検証に失敗しました');
    expect(sanitise('x'.repeat(5000), COMPOSED_MAX_CHARS)).toHaveLength(COMPOSED_MAX_CHARS);
  });

  it('changes nothing the second time', () => {
    for (const text of [S3_DENIAL, KMS_DENIAL, `a\r\nb${'c'.repeat(400)}`]) {
      expect(sanitise(sanitise(text))).toBe(sanitise(text));
    }
  });

  it('takes only the message of a Lambda cause, and a plain cause whole', () => {
    const lambda = JSON.stringify({
      errorType: 'AccessDenied',
      errorMessage: S3_DENIAL,
      trace: [`AccessDenied: ${S3_DENIAL}`, '    at handler (/var/task/index.js:1:1)'],
    });
    expect(causeText(lambda)).toBe(sanitise(S3_DENIAL));
    expect(causeText('States.Timeout after 300 s')).toBe('States.Timeout after 300 s');
    expect(causeText('null')).toBe('null');
    expect(causeText(undefined)).toBe('');
  });

  it('escapes names instead of rewriting them: a record to publish stays exact', () => {
    expect(printable('ns1.example.jp\r\n')).toBe('ns1.example.jp\\x0d\\x0a');
    expect(printable('123456789012.example.jp')).toBe('123456789012.example.jp');
  });

  it('gives a thrown error a sanitised message and stack, keeping its class and name (what Retry and Catch match)', () => {
    class AccessDenied extends Error {
      override readonly name = 'AccessDenied';
    }
    const thrown = new AccessDenied(S3_DENIAL);

    const reported = sanitiseError(thrown);

    expect(reported).toBeInstanceOf(AccessDenied);
    expect(reported.name).toBe('AccessDenied');
    expect(reported.message).toBe(sanitise(S3_DENIAL, COMPOSED_MAX_CHARS));
    expect(reported.stack).not.toMatch(/123456789012|arn:aws/);
    expect(reported.stack?.split('\n')[0]).toBe(`AccessDenied: ${reported.message}`);
    expect(reported.stack).toMatch(/\n\s+at /);
    expect(sanitiseError('a string')).toBeInstanceOf(Error);
  });

  it('describes where a served value differs without quoting it', () => {
    expect(describeDifference('v=DKIM1; k=ed25519; p=X', 'v=DKIM1; k=rsa; p=X')).toBe(
      '23 characters, expected 19; first difference at character 12',
    );
    expect(describeDifference('abc', 'abcd')).toBe(
      '3 characters, expected 4; first difference at character 4',
    );
  });
});
