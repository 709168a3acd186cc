/** Scenario files are refused in the words of the scenario, with the scenario's own reference. */
import { parseScenario } from '../../../local/scenario';

const problems = (raw: unknown): string => {
  try {
    parseScenario(raw, 'my.json');
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the scenario to be refused');
};

describe('scenario validation', () => {
  it('refuses publishTo indexes beyond the name servers, naming the valid range', () => {
    expect(problems({ nameServers: 2, dnsTeam: { publishTo: [0, 2] } })).toBe(
      'Invalid scenario my.json:\n  - scenario.dnsTeam.publishTo[1] = 2: there are 2 name servers (indexes 0-1)',
    );
  });

  it('accepts the indexes of the scenario’s own name servers', () => {
    expect(parseScenario({ nameServers: 3, dnsTeam: { publishTo: [0, 2] } }).dnsTeam.publishTo).toEqual([
      0, 2,
    ]);
  });

  it('checks regions against the regions AWS has, not a pattern', () => {
    expect(problems({ regions: ['ap-northeast-9'] })).toMatch(
      /scenario\.regions\[0\] = "ap-northeast-9": is not an AWS region/,
    );
    expect(parseScenario({ regions: ['ap-northeast-3', 'us-gov-west-1'] }).regions).toHaveLength(2);
  });

  it('points an unknown setting at the scenario reference, not the configuration docs', () => {
    expect(problems({ bogus: 1 })).toBe(
      'Invalid scenario my.json:\n  - scenario: unknown setting(s) "bogus": check the spelling against the scenario files in local/scenarios/ and README.md "Local mode"',
    );
  });
});
