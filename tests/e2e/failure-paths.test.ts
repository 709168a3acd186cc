import { E2E_TIMEOUT_MS, rehearse, scenario } from './support';

jest.setTimeout(E2E_TIMEOUT_MS);

describe('failure paths: SES untouched before the switch, previous key restored after it', () => {
  it('abandons the key when the DNS team rejects, leaving SES untouched', async () => {
    const { run, inspection } = await rehearse(scenario('rejection'));
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'DnsChangeRejected' });
    expect(run.summary.cause).toMatch(/^NotifyDnsTeam \(DnsChangeRejected\): The DNS team rejected /);
    expect(inspection.switches).toEqual([]);
    expect(inspection.metadata[run.summary.selectors.new as string]).toBe('ABANDONED');
    expect(inspection.metadata[run.summary.selectors.previous as string]).toBe('ACTIVE');
  });

  it('fails loudly at GenerateKey when its role may not s3:ListBucket, naming the denial, SES untouched', async () => {
    // GIVEN GenerateKey's role without s3:ListBucket: S3 answers its read of the new selector's
    // missing metadata with 403 AccessDenied, not 404
    const misconfigured = scenario('happy-path', { iamDeny: { GenerateKey: ['s3:ListBucket'] } });

    // WHEN the rotation runs
    const { run, inspection } = await rehearse(misconfigured);

    // THEN it stops at GenerateKey on the denial (never taking it for "absent"), and SES is untouched
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'AccessDenied' });
    // AND the execution's cause says what was denied without naming the role or the account
    expect(run.execution.cause).toContain('s3:ListBucket');
    expect(run.execution.cause).not.toMatch(/000000000000|arn:aws/);
    expect(run.summary.leaks.found).toBe(0);
    expect(run.summary.statesVisited).toEqual(expect.arrayContaining(['PrepareRotation', 'GenerateKey']));
    expect(run.summary.statesVisited).not.toContain('StoreDnsRequest');
    expect(run.summary.iam.deniedRequests).toContainEqual({
      state: 'GenerateKey',
      action: 's3:ListBucket',
      resource: 'arn:aws:s3:::byodkim-local',
    });
    expect(inspection.switches).toEqual([]);
    expect(run.summary.probe.failed).toBe(0);
    expect(inspection.metadata[run.summary.selectors.previous as string]).toBe('ACTIVE');
  });

  it("rolls back on S3's AccessDenied after ApplyToSes and tells both teams without the role ARN or the account", async () => {
    // GIVEN S3 denies ConfirmSesStatus's metadata write with AWS's wording, naming a role and the account
    const { run, inspection } = await rehearse(scenario('access-denied-message'));

    // THEN the previous key signs again, and the leak scan (AWS identifiers in notices and Fail
    // causes included) finds nothing
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'RotationRolledBack' });
    expect(run.summary.ses['ap-northeast-1']?.selector).toBe(run.summary.selectors.previous);
    expect(run.leakReport.findings).toEqual([]); // names the source and kind if one is found
    expect(run.summary.leaks).toMatchObject({
      found: 0,
      kinds: ['private-key', 'task-token', 'aws-identifier'],
    });
    // AND the operators read what was denied, with the ARNs and the account replaced
    const notices = (topic: string) =>
      inspection.notifications.filter((notice) => notice.topicArn.endsWith(topic)).map((n) => n.message);
    const [operators] = notices('byodkim-operators');
    expect(operators).toContain(
      'AccessDenied: User: <arn> is not authorized to perform: s3:PutObject on resource: "<arn>"',
    );
    // AND the DNS team reads the error's name only
    const [dnsTeam] = notices('byodkim-dns-team').filter((text) =>
      text.includes('Do not remove the old record'),
    );
    expect(dnsTeam).toContain('AccessDenied');
    expect(dnsTeam).not.toContain('not authorized');
    for (const text of [operators, dnsTeam]) expect(text).not.toMatch(/123456789012|arn:aws|assumed-role/);
  });

  it('rolls back to the previous key when SES reports FAILED, and mail never fails DKIM', async () => {
    const { run, inspection } = await rehearse(scenario('ses-failed'));
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'RotationRolledBack' });
    // The cause is the SES failure the rollback caught, naming the region and what SES reported
    expect(run.summary.cause).toMatch(/^ConfirmSesStatus \(SesDkimFailed\): .*ap-northeast-1 \(FAILED\)/);
    // SES confirmed the restored key (ConfirmRollback) before the operators were told
    const visited = run.summary.statesVisited;
    expect(visited.slice(visited.indexOf('RollbackSigning'))).toEqual(
      expect.arrayContaining(['RollbackSigning', 'ConfirmRollback', 'RollbackConfirmed', 'NotifyFailure']),
    );
    expect(visited.indexOf('ConfirmRollback')).toBeLessThan(visited.indexOf('NotifyFailure'));
    expect(run.execution.events).toContainEqual(
      expect.objectContaining({
        type: 'StateExited',
        state: expect.objectContaining({
          name: 'ConfirmRollback',
          output: expect.objectContaining({
            rollbackConfirmation: expect.objectContaining({ pending: false, confirmed: true }),
          }),
        }),
      }),
    );
    expect(run.summary.ses['ap-northeast-1']).toEqual({
      origin: 'EXTERNAL',
      selector: run.summary.selectors.previous,
      status: 'SUCCESS',
      signingEnabled: true,
    });
    expect(run.summary.probe.failed).toBe(0);
    // Unsigned mail is only possible inside the SES-controlled window after a switch.
    const unsigned = run.probeResults
      .filter((result) => result.outcome === 'unsigned')
      .map((result) => result.label);
    for (const label of unsigned)
      expect([
        'ApplyToSes',
        'ConfirmSesStatus',
        'SesConfirmed',
        'WaitForSesStatus',
        'RollbackSigning',
        'ConfirmRollback',
        'RollbackConfirmed',
        'WaitForRollbackStatus',
        'NotifyFailure',
        'HowItFailed',
        'RotationRolledBack',
        'after',
      ]).toContain(label);
    expect(inspection.metadata[run.summary.selectors.previous as string]).toBe('ACTIVE');
  });

  it('ends in RollbackFailed when the restored Easy DKIM cannot verify, naming the three CNAMEs to publish', async () => {
    // GIVEN a domain on Easy DKIM whose CNAMEs are gone, and SES failing the new key
    let cnames: { name: string; target: string }[] = [];
    const { run, inspection } = await rehearse(scenario('easy-dkim-cnames-gone'), {
      inspect: (env) => {
        cnames = env.aws.ses.easyDkimRecords(scenario('easy-dkim-cnames-gone').domain);
      },
    });

    // THEN the rollback is not called a success: ConfirmRollback found the records missing
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'RollbackFailed' });
    const visited = run.summary.statesVisited;
    expect(visited.indexOf('ConfirmRollback')).toBeLessThan(visited.indexOf('RollbackFailed'));
    expect(run.summary.ses['ap-northeast-1']).toMatchObject({ origin: 'AWS_SES', signingEnabled: true });
    // AND the CRITICAL notice to the operators names exactly the three records to publish
    const critical = inspection.notifications.find((sent) => sent.subject.startsWith('[CRITICAL]'));
    expect(cnames).toHaveLength(3);
    for (const cname of cnames) {
      expect(critical?.message).toContain(cname.name);
      expect(critical?.message).toContain(cname.target);
    }
    expect(run.summary.leaks.found).toBe(0);
  });

  it('rolls back every region when SES fails the key in one of them', async () => {
    const { run } = await rehearse(scenario('multi-region'));
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'RotationRolledBack' });
    for (const region of ['ap-northeast-1', 'ap-northeast-3']) {
      expect(run.summary.ses[region]).toMatchObject({
        origin: 'EXTERNAL',
        selector: run.summary.selectors.previous,
        signingEnabled: true,
      });
    }
    expect(run.summary.probe.failed).toBe(0);
  });

  it('sends reminders with fresh links, kills the old ones, and expires cleanly when nobody answers', async () => {
    const { run, inspection } = await rehearse(scenario('no-answer'));
    expect(run.summary).toMatchObject({ status: 'FAILED', error: 'ApprovalExpired' });
    expect(inspection.switches).toEqual([]);
    expect(inspection.metadata[run.summary.selectors.new as string]).toBe('ABANDONED');
    const links = inspection.notifications.flatMap(
      (notification) => notification.message.match(/https?:\/\/\S+\/approvals\/\S+/g) ?? [],
    );
    expect(new Set(links).size).toBe(3);
  });
});
