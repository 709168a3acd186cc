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
  const { run } = await rehearse(scenario('happy-path', { dnsCheckVpc }), {
    inspect: async (env) => {
      logged = env.logger.lines
        .filter((line) => line.message === 'DNS verification')
        .map((line) => line.attributes[0] as { servers?: LoggedServer[]; message?: string });
    },
  });
  const last = logged[logged.length - 1] ?? {};
  return { run, servers: last.servers ?? [], message: last.message ?? '' };
}

describe('IPv6 name server addresses in the rehearsal (Lambda network from the synthesized template)', () => {
  it('by default checks every IPv4 address and reports the IPv6 ones not checked, and the rotation completes', async () => {
    const { run, servers, message } = await lastVerification(false);
    expect(run.summary.status).toBe('SUCCEEDED');
    const byFamily = (v6: boolean) => servers.filter((server) => server.address.startsWith('[') === v6);
    expect(byFamily(false).map((server) => server.result)).toEqual(['match', 'match']);
    expect(byFamily(true).map((server) => server.result)).toEqual(['not-checked', 'not-checked']);
    expect(message).toContain('not checked (Lambda outside a VPC has no IPv6 egress)');
    expect(run.summary.probe.failed).toBe(0);
  });

  it('with the dnsCheckVpc prop checks every IPv6 address too', async () => {
    const { run, servers } = await lastVerification(true);
    expect(run.summary.status).toBe('SUCCEEDED');
    expect(servers.map((server) => server.result)).toEqual(['match', 'match', 'match', 'match']);
    expect(servers.filter((server) => server.address.startsWith('[::1]'))).toHaveLength(2);
  });
});
