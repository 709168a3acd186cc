import { E2E_TIMEOUT_MS, rehearse, scenario } from './support';

jest.setTimeout(E2E_TIMEOUT_MS);

interface LoggedServer {
  readonly name: string;
  readonly address: string;
  readonly result: string;
}

/** The servers VerifyDnsRecord logged in its last DNS verification. */
async function lastVerification(dnsCheckVpc: boolean) {
  let logged: Array<{ servers?: LoggedServer[]; message?: string }> = [];
  let success = '';
  const { run } = await rehearse(scenario('happy-path', { dnsCheckVpc }), {
    inspect: async (env) => {
      logged = env.logger.lines
        .filter((line) => line.message === 'DNS verification')
        .map((line) => line.attributes[0] as { servers?: LoggedServer[]; message?: string });
      success = env.outbox.sent.find((sent) => sent.subject.includes('DKIM key rotated'))?.message ?? '';
    },
  });
  const last = logged[logged.length - 1] ?? {};
  return { run, servers: last.servers ?? [], message: last.message ?? '', success };
}

describe('IPv6 name server addresses in the rehearsal (Lambda network from the synthesized template)', () => {
  it('by default checks every IPv4 address and reports the IPv6 ones not checked, and the rotation completes', async () => {
    const { run, servers, message, success } = await lastVerification(false);
    expect(run.summary.status).toBe('SUCCEEDED');
    const byFamily = (v6: boolean) => servers.filter((server) => server.address.startsWith('[') === v6);
    expect(byFamily(false).map((server) => server.result)).toEqual(['match', 'match']);
    expect(byFamily(true).map((server) => server.result)).toEqual(['not-checked', 'not-checked']);
    expect(message).toContain('not checked (Lambda outside a VPC has no IPv6 egress)');
    expect(run.summary.probe.failed).toBe(0);
    // AND the success notice names the IPv6 addresses not checked and why, in both languages
    const v6 = byFamily(true).map((server) => `${server.name} (${server.address})`);
    expect(success).toContain(
      `IPv6 addresses of ${v6.join(', ')} were not checked: Lambda outside a VPC has no IPv6 egress; deploy with dnsCheckVpc to check them`,
    );
    expect(success).toContain(`${v6.join(', ')} の IPv6 アドレスは確認していません`);
  });

  it('with the dnsCheckVpc prop checks every IPv6 address too', async () => {
    const { run, servers, success } = await lastVerification(true);
    expect(run.summary.status).toBe('SUCCEEDED');
    expect(success).toContain('is now signed with the new selector');
    expect(success).not.toContain('not checked');
    expect(servers.map((server) => server.result)).toEqual(['match', 'match', 'match', 'match']);
    expect(servers.filter((server) => server.address.startsWith('[::1]'))).toHaveLength(2);
  });
});
