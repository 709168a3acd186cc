import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { SimulatedDnsTeam } from '../../local/runner/dns-team';
import { type LocalEnvironment, startLocalEnvironment } from '../../local/runner/environment';
import { writeLocalState } from '../../local/runner/serve';
import { isInApplyWindow } from '../../shared/rotation/apply-window';
import { byodkim } from '../support/byodkim-cli';
import { rehearse, scenario } from './support';

jest.setTimeout(120_000);
const DOMAIN = 'demo.example.test';
/** An apply window (Asia/Tokyo wall clock) that opens two hours from now. */
const CLOSED_WINDOW = (() => {
  const wall = (at: number) =>
    new Date(at).toLocaleTimeString('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', minute: '2-digit' });
  return { start: wall(Date.now() + 2 * 3600_000), end: wall(Date.now() + 3 * 3600_000) };
})();

describe('operator commands against a running local environment (--local)', () => {
  let env: LocalEnvironment;
  let dir: string;
  let state: string;

  beforeAll(async () => {
    // The DNS team publishes but never decides: the rotation waits at NotifyDnsTeam. Its apply
    // window is closed now, so once approved it waits (40 s here) at WaitForApplyWindow.
    const waiting = scenario('happy-path', {
      dnsTeam: { ...scenario('happy-path').dnsTeam, decision: 'none' },
      timing: { ...scenario('happy-path').timing, approvalWaitMs: 110_000, applyWindowWaitMs: 40_000 },
      applyWindow: CLOSED_WINDOW,
    });
    env = await startLocalEnvironment({ scenarios: [waiting] });
    new SimulatedDnsTeam(env, waiting);
    dir = mkdtempSync(join(tmpdir(), 'byodkim-cli-'));
    state = join(dir, 'local.json');
    writeLocalState(env, state);
  });
  afterAll(async () => {
    await env.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('status shows the active key, its expiry and SES per region, with nothing running', async () => {
    const result = await byodkim(['status', DOMAIN, '--local', state, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      domain: DOMAIN,
      rotationMode: 'MANUAL',
      hostedZoneId: null,
      activeSelector: env.seeded.get(DOMAIN)?.selector,
      keyAgeDays: 440,
      daysUntilExpiry: 16,
      ses: [{ region: 'ap-northeast-1', origin: 'EXTERNAL', status: 'SUCCESS', signingEnabled: true }],
      rotation: null,
      pendingApproval: null,
    });
  });

  it('import adopts the old layout: the key SES uses becomes ACTIVE, an older one PREVIOUS, no key printed', async () => {
    const s3 = env.aws.s3Client('ap-northeast-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'legacy-dkim' }));
    // The old system's bucket is outside the stack: operators are granted it separately
    // (docs/deployment.md, "Operator access"), as here.
    env.iam.grant('Operator', 'ReadLegacyBucket', {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::legacy-dkim' },
        { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::legacy-dkim/*' },
      ],
    });
    const seeded = env.seeded.get(DOMAIN);
    const older = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const put = (key: string, body: string) =>
      s3.send(new PutObjectCommand({ Bucket: 'legacy-dkim', Key: key, Body: body }));
    await put(
      `dkim-certificates/${DOMAIN}/${seeded?.selector}/private_key.pem`,
      seeded?.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString() ?? '',
    );
    await put(
      `dkim-certificates/${DOMAIN}/${seeded?.selector}/certificate_info.json`,
      JSON.stringify({ validity_days: 456, renewal_alert_days: 16 }),
    );
    await put(
      `dkim-certificates/${DOMAIN}/demo-20240801-1/private_key.pem`,
      older.privateKey.export({ type: 'pkcs1', format: 'pem' }).toString(),
    );
    await put(
      `dkim-certificates/${DOMAIN}/demo-20240801-1/certificate_info.json`,
      JSON.stringify({ validity_days: 456, created_at: '2024-08-01T00:00:00Z' }),
    );
    await put(`dkim-certificates/${DOMAIN}/demo-20230801-1/private_key.pem`, 'not a key');

    const dry = await byodkim([
      'import',
      '--from-bucket',
      'legacy-dkim',
      '--local',
      state,
      '--dry-run',
      '--json',
    ]);
    expect(
      JSON.parse(dry.stdout)
        .map((row: { action: string }) => row.action)
        .sort(),
    ).toEqual(['refused', 'would-import', 'would-import']);

    const result = await byodkim(['import', '--from-bucket', 'legacy-dkim', '--local', state, '--json']);
    // One selector refused: the others are imported, and the exit code says not everything was.
    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'byodkim: ImportRefused: 1 of 3 selector(s) refused, each with its reason in the output; fix them or leave them out (--domain).\n',
    );
    const rows = JSON.parse(result.stdout) as Array<{
      selector: string;
      state: string;
      action: string;
      expiresAt: string;
    }>;
    expect(rows.find((row) => row.selector === seeded?.selector)).toMatchObject({
      state: 'ACTIVE',
      action: 'already-present',
    });
    expect(rows.find((row) => row.selector === 'demo-20240801-1')).toMatchObject({
      state: 'PREVIOUS',
      action: 'imported',
      expiresAt: '2025-10-31T00:00:00.000Z',
    });
    expect(rows.find((row) => row.selector === 'demo-20230801-1')).toMatchObject({ action: 'refused' });
    expect(result.stdout + result.stderr).not.toMatch(/PRIVATE KEY|MII[A-Za-z0-9+/]{60}/);
  });

  it('start begins a rotation, a second start is refused, and status shows where it waits and until when', async () => {
    const started = await byodkim(['start', DOMAIN, '--local', state, '--json']);
    expect(started.code).toBe(0);
    const { executionName } = JSON.parse(started.stdout) as { executionName: string };
    expect(executionName).toMatch(/^demo-example-test-demo-\d{8}-1$/);

    const again = await byodkim(['start', DOMAIN, '--local', state]);
    expect(again.code).toBe(6);
    expect(again.stderr).toMatch(/RotationInProgress: A rotation of demo\.example\.test is already running/);

    let status:
      | {
          rotation: { currentState: string } | null;
          pendingApproval: { approvalId: string; deadline: string } | null;
          nextStep: { action: string; text: string };
          cause: string | null;
        }
      | undefined;
    for (let attempt = 0; attempt < 50; attempt += 1) {
      const result = await byodkim(['status', DOMAIN, '--local', state, '--json']);
      status = JSON.parse(result.stdout);
      if (status?.pendingApproval) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(status?.rotation).toEqual({ execution: executionName, currentState: 'NotifyDnsTeam' });
    // The next step is the DNS team's approval, with the command that gives it
    expect(status?.nextStep).toEqual({
      action: 'approve',
      text: expect.stringContaining(`byodkim approve ${status?.pendingApproval?.approvalId}`),
    });
    expect(status?.cause).toBeNull();
    expect(Date.parse(status?.pendingApproval?.deadline ?? '')).toBeGreaterThan(Date.now());
    // The window is shown; no switch is planned before the record is verified.
    expect(status).toMatchObject({
      applyWindow: `${CLOSED_WINDOW.start}–${CLOSED_WINDOW.end} Asia/Tokyo`,
      plannedSwitch: null,
    });
    // The task token stays server-side: no command prints it.
    const human = await byodkim(['status', '--local', state]);
    for (const token of env.sfn.tokens.minted) expect(human.stdout).not.toContain(token.slice(0, 40));

    const history = await byodkim(['history', DOMAIN, '--local', state, '--json']);
    expect(JSON.parse(history.stdout)).toEqual([
      expect.objectContaining({ execution: executionName, status: 'RUNNING' }),
    ]);
  });

  it("approve resumes the waiting rotation once, with the page's rules, and it completes", async () => {
    const status = JSON.parse((await byodkim(['status', DOMAIN, '--local', state, '--json'])).stdout);
    const approvalId: string = status.pendingApproval.approvalId;
    expect(await byodkim(['approve', 'not-an-id', '--local', state])).toMatchObject({ code: 2 });

    const approved = await byodkim(['approve', approvalId, '--local', state, '--json']);
    expect(approved.code).toBe(0);
    expect(JSON.parse(approved.stdout)).toMatchObject({ approvalId, domain: DOMAIN, result: 'approved' });
    for (const token of env.sfn.tokens.minted) expect(approved.stdout).not.toContain(token.slice(0, 40));

    const again = await byodkim(['reject', approvalId, '--local', state]);
    expect(again.code).toBe(3);
    expect(again.stdout).toMatch(/Nothing changed: approval .* is APPROVED/);

    // Verified outside the window: status says it waits, and for when.
    let waiting: { plannedSwitch: { applyAt: string; waitingForWindow: boolean } | null } | undefined;
    for (let attempt = 0; attempt < 5 && !waiting?.plannedSwitch?.waitingForWindow; attempt += 1) {
      waiting = JSON.parse((await byodkim(['status', DOMAIN, '--local', state, '--json'])).stdout);
    }
    expect(waiting?.plannedSwitch).toMatchObject({ waitingForWindow: true });
    const planned = new Date(waiting?.plannedSwitch?.applyAt ?? '');
    expect(isInApplyWindow(planned, { ...CLOSED_WINDOW, timeZone: 'Asia/Tokyo' })).toBe(true);
    const human = await byodkim(['status', DOMAIN, '--local', state]);
    expect(human.stdout).toContain(`waiting for the window, switch planned at ${planned.toISOString()}`);

    const [execution] = env.sfn.list();
    const done = await env.sfn.whenDone(execution?.executionArn ?? '');
    expect(done.status).toBe('SUCCEEDED');
    const history = JSON.parse((await byodkim(['history', DOMAIN, '--local', state, '--json'])).stdout);
    expect(history[0]).toMatchObject({ status: 'SUCCEEDED' });
  });

  it('redrive refuses when no rotation failed', async () => {
    const result = await byodkim(['redrive', DOMAIN, '--local', state]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/No failed rotation of demo\.example\.test to redrive/);
  });
});

describe('byodkim redrive on a crashed rotation (--local)', () => {
  it('redrives the failed execution from the state that failed, and it completes without a second apply', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'byodkim-redrive-'));
    const state = join(dir, 'local.json');
    let redriven: { code: number; stdout: string } | undefined;
    let finalStatus: string | undefined;
    let switches = 0;
    try {
      await rehearse(scenario('crash-redrive', { redrive: false }), {
        inspect: async (env) => {
          writeLocalState(env, state);
          const [execution] = env.sfn.list();
          expect(execution?.status).toBe('FAILED');
          redriven = await byodkim(['redrive', DOMAIN, '--local', state, '--json']);
          finalStatus = (await env.sfn.whenDone(execution?.executionArn ?? '')).status;
          switches = env.aws.ses
            .switches()
            .filter((change) => change.selector !== env.seeded.get(DOMAIN)?.selector).length;
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(redriven?.code).toBe(0);
    expect(JSON.parse(redriven?.stdout ?? '{}')).toEqual({
      redriven: expect.stringContaining(':execution:'),
    });
    expect(finalStatus).toBe('SUCCEEDED');
    expect(switches).toBe(1);
  });
});

describe('byodkim redrive on a rejected rotation (--local)', () => {
  it('refuses it with exit code 4 and the next step, and the execution is not redriven', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'byodkim-refuse-'));
    const state = join(dir, 'local.json');
    let refused: { code: number; stderr: string } | undefined;
    let redriveCount: number | undefined;
    let status: { cause: string | null; nextStep: { action: string; text: string } } | undefined;
    let history: Array<{ status: string; cause: string | null }> = [];
    let statusText = '';
    try {
      // GIVEN a rotation the DNS team rejected: it ended in the Fail state RotationRejected
      await rehearse(scenario('rejection'), {
        inspect: async (env) => {
          writeLocalState(env, state);
          // WHEN the operator redrives the domain
          refused = await byodkim(['redrive', DOMAIN, '--local', state]);
          redriveCount = env.sfn.list()[0]?.redriveCount;
          // AND asks where the domain stands, and what happened before
          status = JSON.parse((await byodkim(['status', DOMAIN, '--local', state, '--json'])).stdout);
          statusText = (await byodkim(['status', DOMAIN, '--local', state])).stdout;
          history = JSON.parse((await byodkim(['history', DOMAIN, '--local', state, '--json'])).stdout);
        },
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // THEN it is refused, saying why and what to do instead, and nothing was redriven
    expect(refused?.code).toBe(4);
    expect(refused?.stderr).toMatch(
      /RedriveRefused: Not redriven: .* ended in the Fail state RotationRejected, .*byodkim start demo\.example\.test/,
    );
    expect(redriveCount).toBe(0);
    // AND status names the cause and says to start anew, in JSON and in text; history shows the cause
    expect(status?.cause).toMatch(/^NotifyDnsTeam \(DnsChangeRejected\): The DNS team rejected /);
    expect(status?.nextStep).toEqual({
      action: 'start-anew',
      text: expect.stringMatching(/ended in RotationRejected: .*byodkim start demo\.example\.test/),
    });
    expect(statusText).toContain(`  cause:       ${status?.cause}`);
    expect(statusText).toMatch(/ {2}next step: {3}start-anew: /);
    expect(history).toEqual([expect.objectContaining({ status: 'FAILED', cause: status?.cause })]);
  });
});

describe('byodkim local serve', () => {
  it('keeps an environment running for --local commands and removes its state file on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'byodkim-serve-'));
    const state = join(dir, 'serve.json');
    const child = spawn(
      process.execPath,
      [join(__dirname, '../../bin/byodkim.js'), 'local', 'serve', '--state-file', state],
      {
        stdio: 'ignore',
      },
    );
    try {
      // A cold start (tsx, CDK synth, keys) can take a while on a busy machine: up to 90 s, and
      // stop waiting at once if the server died.
      for (let attempt = 0; attempt < 450 && !existsSync(state) && child.exitCode === null; attempt += 1) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(child.exitCode).toBeNull();
      expect(existsSync(state)).toBe(true);
      const status = await byodkim(['status', '--local', state, '--json']);
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toEqual([
        expect.objectContaining({ domain: DOMAIN, daysUntilExpiry: 16 }),
      ]);
      const exited = new Promise((resolve) => child.once('exit', resolve));
      if (child.exitCode === null) child.kill('SIGTERM');
      else throw new Error(`local serve exited early with ${child.exitCode}`);
      await exited;
      expect(existsSync(state)).toBe(false);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
