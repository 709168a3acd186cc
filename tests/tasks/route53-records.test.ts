import {
  ChangeResourceRecordSetsCommand,
  ListResourceRecordSetsCommand,
  type Route53Client,
} from '@aws-sdk/client-route-53';
import {
  createDkimTxtRecord,
  deleteDkimTxtRecord,
  joinRoute53TxtValue,
  readTxtRecordSet,
} from '../../shared/rotation/route53-records';
import { HOSTED_ZONE_ID, startHostedZone } from './support/route53';

const DOMAIN = 'mail.example.jp';
const NAME = `s1._domainkey.${DOMAIN}`;
const VALUE = `v=DKIM1; k=rsa; p=${'A'.repeat(390)}`;

describe('Route 53 DKIM records', () => {
  let hosted: Awaited<ReturnType<typeof startHostedZone>> | undefined;
  afterEach(async () => {
    await hosted?.stop();
    hosted = undefined;
  });

  it('joins listed TXT values: quoted strings, \\" and \\\\ escapes, and \\ddd octal escapes', () => {
    expect(joinRoute53TxtValue('"v=DKIM1; k=rsa; " "p=AB"')).toBe('v=DKIM1; k=rsa; p=AB');
    expect(joinRoute53TxtValue('"a\\"b\\\\c"')).toBe('a"b\\c');
    expect(joinRoute53TxtValue('"\\052.\\073"')).toBe('*.;');
  });

  it('creates a long value as 255-octet strings that list back joined, and keeps a long comment under the limit', async () => {
    hosted = await startHostedZone(DOMAIN);
    const outcome = await createDkimTxtRecord(
      { route53: hosted.client },
      HOSTED_ZONE_ID,
      { recordName: NAME, value: VALUE, ttl: 3600 },
      `DKIM key s1 for ${'very-long-label.'.repeat(20)}example.jp`,
    );
    expect(outcome.unchanged).toBe(false);
    const set = await readTxtRecordSet({ route53: hosted.client }, HOSTED_ZONE_ID, NAME);
    expect(set?.ResourceRecords?.[0]?.Value).toMatch(/^"v=DKIM1; k=rsa; p=A{237}" "A{153}"$/);
    expect(joinRoute53TxtValue(set?.ResourceRecords?.[0]?.Value ?? '')).toBe(VALUE);
  });

  it('deletes only values it accepts: another value at the old name is reported and kept', async () => {
    hosted = await startHostedZone(DOMAIN, { [NAME]: 'v=DKIM1; k=rsa; p=SOMEONEELSE' });
    await expect(
      deleteDkimTxtRecord(
        { route53: hosted.client },
        HOSTED_ZONE_ID,
        NAME,
        (value) => value === VALUE,
        'retire',
      ),
    ).rejects.toMatchObject({
      name: 'DnsRecordMismatch',
      message: expect.stringContaining('did not publish'),
    });
    expect(hosted.route53.changes()).toEqual([]);
  });

  it('takes a record removed between its read and its DELETE as gone (InvalidChangeBatch "not found")', async () => {
    hosted = await startHostedZone(DOMAIN, { [NAME]: VALUE });
    const real = hosted.client;
    let raced = false;
    // Someone else deletes the record right after our read.
    const racing = {
      send: async (command: unknown) => {
        const output = await real.send(command as never);
        if (command instanceof ListResourceRecordSetsCommand && !raced) {
          raced = true;
          await real.send(
            new ChangeResourceRecordSetsCommand({
              HostedZoneId: HOSTED_ZONE_ID,
              ChangeBatch: {
                Changes: [
                  {
                    Action: 'DELETE',
                    ResourceRecordSet: {
                      Name: `${NAME}.`,
                      Type: 'TXT',
                      TTL: 60,
                      ResourceRecords: [{ Value: `"${VALUE.slice(0, 255)}" "${VALUE.slice(255)}"` }],
                    },
                  },
                ],
              },
            }),
          );
        }
        return output;
      },
    } as unknown as Route53Client;
    const outcome = await deleteDkimTxtRecord(
      { route53: racing },
      HOSTED_ZONE_ID,
      NAME,
      (value) => value === VALUE,
      'retire',
    );
    expect(raced).toBe(true);
    expect(outcome).toEqual({ unchanged: true });
    expect(hosted.route53.changes().map((change) => change.action)).toEqual(['DELETE']);
  });
});
