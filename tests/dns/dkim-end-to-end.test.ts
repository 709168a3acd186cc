import { txtRecord } from '../../local/dns/zone-writer';
import { type DkimKeyPair, generateDkimKeyPair } from '../../shared/dkim/keys';
import { dkimTxtValue } from '../../shared/dkim/txt-record';
import { checkDkimEndToEnd } from '../../shared/dns';
import { DnsLab } from './support/dns-lab';

const ORIGIN = 'example.test';
const SELECTOR = 'e2e-20261123-1';
const RECORD = `${SELECTOR}._domainkey.${ORIGIN}`;

describe('DKIM end-to-end check (nodemailer signs, mailauth verifies through each authoritative server)', () => {
  let keyPair: DkimKeyPair;
  let otherKeyPair: DkimKeyPair;
  let lab: DnsLab;

  beforeAll(async () => {
    keyPair = await generateDkimKeyPair(2048);
    otherKeyPair = await generateDkimKeyPair(1024);
  });
  beforeEach(() => {
    lab = new DnsLab();
  });
  afterEach(() => lab.stop());

  async function serve(value: string | undefined, secondValue = value) {
    const spec = (record: string | undefined) => ({
      origin: ORIGIN,
      nameServers: [{ host: `ns1.${ORIGIN}`, addresses: ['127.0.0.1'] }],
      records: record === undefined ? [] : [txtRecord(RECORD, record)],
    });
    const a = await lab.startInProcess({ zoneFile: lab.writeZone('a.zone', spec(value)), origin: ORIGIN });
    const b = await lab.startInProcess({
      zoneFile: lab.writeZone('b.zone', spec(secondValue)),
      origin: ORIGIN,
    });
    return [a.endpoint, b.endpoint];
  }

  it('passes when every server publishes the key that signed the message', async () => {
    const nameServers = await serve(dkimTxtValue(keyPair.publicKey));
    const result = await checkDkimEndToEnd(
      { domain: ORIGIN, selector: SELECTOR, privateKey: keyPair.privateKey },
      { nameServers },
    );
    expect(result).toEqual({
      result: 'pass',
      detail: 'dkim=pass against all 2 authoritative server address(es)',
    });
  });

  it('fails when a server publishes another key, naming that server', async () => {
    const nameServers = await serve(dkimTxtValue(keyPair.publicKey), dkimTxtValue(otherKeyPair.publicKey));
    const result = await checkDkimEndToEnd(
      { domain: ORIGIN, selector: SELECTOR, privateKey: keyPair.privateKey },
      { nameServers },
    );
    expect(result.result).not.toBe('pass');
    expect(result.detail).toContain(`127.0.0.1:${nameServers[1]?.port}`);
    expect(result.detail).not.toContain(`127.0.0.1:${nameServers[0]?.port}`);
  });

  it('does not pass when the record is missing', async () => {
    const nameServers = await serve(undefined);
    const result = await checkDkimEndToEnd(
      { domain: ORIGIN, selector: SELECTOR, privateKey: keyPair.privateKey },
      { nameServers },
    );
    expect(result.result).not.toBe('pass');
  });
});
