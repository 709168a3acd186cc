import { explainUnsigned, unsignedStates } from '../../../local/runner/probe-explanation';

describe("the explanation of the probe's unsigned count", () => {
  it('lists the states unsigned mail went out in, once each, in order', () => {
    const results = [
      { outcome: 'passed' as const, label: 'ApplyToSes' },
      { outcome: 'unsigned' as const, label: 'ConfirmSesStatus' },
      { outcome: 'unsigned' as const, label: 'WaitForSesStatus' },
      { outcome: 'unsigned' as const, label: 'ConfirmSesStatus' },
    ];
    expect(unsignedStates(results)).toEqual(['ConfirmSesStatus', 'WaitForSesStatus']);
  });

  it('says where, why and how long when mail went out unsigned inside the PENDING window', () => {
    const line = explainUnsigned(3, ['ConfirmSesStatus', 'WaitForSesStatus'], 1520);
    expect(line).toBe(
      '3 unsigned in ConfirmSesStatus, WaitForSesStatus: SES sends mail unsigned while a signing change is PENDING, until it finds the record and reports SUCCESS; that window lasted 1.52s (unsignedWindowMs)',
    );
  });

  it('calls unsigned mail with no PENDING window a defect, and says so when nothing went out unsigned', () => {
    expect(explainUnsigned(1, ['GenerateKey'], 0)).toMatch(
      /^1 unsigned while no signing change was PENDING \(in GenerateKey\): a defect/,
    );
    expect(explainUnsigned(0, [], 900)).toMatch(
      /no probe went out unsigned, although SES held a signing change PENDING for 0\.90s/,
    );
    expect(explainUnsigned(0, [], 0)).toMatch(/SES never held a signing change PENDING/);
  });
});
