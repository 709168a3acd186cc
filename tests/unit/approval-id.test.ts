import { buildProgram } from '../../cli/main';
import { newApprovalId } from '../../shared/rotation/approval-links';

describe('newApprovalId', () => {
  const ids = Array.from({ length: 2000 }, () => newApprovalId());

  it('is 128 random bits as 32 lower-case hex digits, never beginning with "-"', () => {
    // With base64url, one id in 64 began with "-" and `byodkim approve <id>` took it for an option.
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('an id issued before the change that begins with "-" still reaches `byodkim approve` after "--"', async () => {
    const legacyId = '-Yk3q9Zc0bW1xR2t5uVvPw';
    const program = buildProgram().exitOverride();
    const approve = program.commands.find((command) => command.name() === 'approve');
    let received: string | undefined;
    approve?.action((approvalId: string) => {
      received = approvalId;
    });
    await program.parseAsync(['node', 'byodkim', 'approve', '--local', 'state.json', '--', legacyId]);
    expect(received).toBe(legacyId);
  });
});
