import { isKeyPublishedVia } from '../../local/ses/key-publication';
import { type DkimKeyPair, generateDkimKeyPair } from '../../shared/dkim/keys';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import { FakeZone } from './fake-zone';

let key: DkimKeyPair;
let other: DkimKeyPair;

beforeAll(async () => {
  [key, other] = await Promise.all([generateDkimKeyPair(1024), generateDkimKeyPair(1024)]);
});

describe('isKeyPublishedVia', () => {
  const name = 'sel-1._domainkey.example.jp';

  it.each([
    ['the exact key', () => dkimTxtValue(key.publicKey), true],
    ['another key', () => dkimTxtValue(other.publicKey), false],
    ['the key flagged as testing', () => `${dkimTxtValue(key.publicKey)}; t=y`, false],
    ['a revoked record', () => 'v=DKIM1; k=rsa; p=', false],
  ])('answers %s with %s', async (_label, value, expected) => {
    // GIVEN a zone serving the record
    const zone = new FakeZone();
    zone.publish(name, value());

    // WHEN SES asks whether the key is published
    const published = await isKeyPublishedVia(zone.resolver)('example.jp', 'sel-1', key.publicKey);

    // THEN only the exact, usable key counts
    expect(published).toBe(expected);
  });

  it('answers false when the lookup fails, as SES treats a DNS error as "not yet"', async () => {
    // GIVEN an empty zone
    const zone = new FakeZone();

    // WHEN asking
    const published = await isKeyPublishedVia(zone.resolver)('example.jp', 'sel-1', key.publicKey);

    // THEN it is not published
    expect(published).toBe(false);
  });
});
