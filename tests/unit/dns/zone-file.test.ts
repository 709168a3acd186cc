import { parseZoneFile, ZoneFileError } from '../../../local/dns/zone-file';

describe('zone files', () => {
  it('reads $ORIGIN, $TTL, @, relative names, inherited owners, parentheses, comments and escapes', () => {
    const zone = parseZoneFile(
      [
        '$ORIGIN Example.Test.',
        '$TTL 120',
        '@ IN SOA ns1 hostmaster ( 7 ; serial',
        '   3600 600 86400 300 )',
        '  IN NS ns1.example.test.',
        'ns1 60 IN A 127.0.0.2',
        '    IN AAAA ::1',
        's1._domainkey IN TXT ( "v=DKIM1; k=rsa; " ; first string',
        '   "p=AB\\"C\\\\D\\065" )',
        'alias CNAME s1._domainkey',
      ].join('\n'),
      'example.test',
    );
    expect(zone.origin).toBe('example.test');
    expect(zone.records).toEqual([
      {
        name: 'example.test',
        ttl: 120,
        type: 'SOA',
        data: {
          mname: 'ns1.example.test',
          rname: 'hostmaster.example.test',
          serial: 7,
          refresh: 3600,
          retry: 600,
          expire: 86400,
          minimum: 300,
        },
      },
      { name: 'example.test', ttl: 120, type: 'NS', data: 'ns1.example.test' },
      { name: 'ns1.example.test', ttl: 60, type: 'A', data: '127.0.0.2' },
      { name: 'ns1.example.test', ttl: 120, type: 'AAAA', data: '::1' },
      {
        name: 's1._domainkey.example.test',
        ttl: 120,
        type: 'TXT',
        data: [Buffer.from('v=DKIM1; k=rsa; '), Buffer.from('p=AB"C\\DA')],
      },
      { name: 'alias.example.test', ttl: 120, type: 'CNAME', data: 's1._domainkey.example.test' },
    ]);
  });

  it.each([
    ['an unterminated string', '@ SOA a b 1 2 3 4 5\nx TXT "abc'],
    ['unbalanced parentheses', '@ SOA a b ( 1 2 3 4 5'],
    ['an unsupported type', '@ SOA a b 1 2 3 4 5\nx MX 10 mail'],
    ['no SOA at the apex', 'x TXT "abc"'],
    ['a TTL that is not a number', '$TTL 1h\n@ SOA a b 1 2 3 4 5'],
  ])('refuses %s with a line number or reason', (_label, text) => {
    expect(() => parseZoneFile(text, 'example.test')).toThrow(ZoneFileError);
  });
});
