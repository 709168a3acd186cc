/** The handlers are thin: importable without AWS settings (the local runner maps them by state name). */
import { Logger } from '@aws-lambda-powertools/logger';
import { taskHandler } from '../../shared/rotation/lambda-kit';
import { silentLogger } from '../../shared/rotation/runtime';
import { LAMBDA_TASKS } from '../../workflows/states';
import { FakeS3, fixedClock } from './support/fakes';
import { DOMAIN, keyPairs, NEW_SELECTOR, seedKey, state } from './support/rotation';

const folders = [...Object.values(LAMBDA_TASKS), 'approval-endpoint'];

describe('task handlers', () => {
  const saved = { ...process.env };
  beforeEach(() => {
    delete process.env.BUCKET_NAME;
    delete process.env.DNS_TEAM_TOPIC_ARN;
  });
  afterAll(() => {
    process.env = saved;
  });

  it.each(folders)(
    'tasks/%s/handler.ts imports without environment and exports makeHandler, handler, defaultDeps',
    async (folder) => {
      const module = jest.requireActual<Record<string, unknown>>(`../../tasks/${folder}/handler`);
      expect(typeof module.makeHandler).toBe('function');
      expect(typeof module.handler).toBe('function');
      expect(typeof module.defaultDeps).toBe('function');
    },
  );

  it("fails with the error's name and a sanitised message: the cause Step Functions records and shows", async () => {
    // GIVEN a task whose S3 call is denied with AWS's text, which names the role and the account
    const denial = Object.assign(
      new Error(
        'User: arn:aws:sts::123456789012:assumed-role/ConfirmSesStatusRole/fn is not authorized to perform: s3:PutObject',
      ),
      { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
    );
    const handler = taskHandler(new Logger({ logLevel: 'SILENT' }), {}, async () => {
      throw denial;
    });

    // WHEN it runs, THEN Retry and Catch still see AccessDenied, and the cause has no ARN or account
    const failure = await handler({}).catch((error: Error) => error);
    expect(failure).toMatchObject({
      name: 'AccessDenied',
      message: 'User: <arn> is not authorized to perform: s3:PutObject',
    });
    expect((failure as Error).stack).not.toMatch(/123456789012|arn:aws/);
  });

  it('names the missing environment variable when the real dependencies are built', async () => {
    const { defaultDeps } = jest.requireActual<typeof import('../../tasks/generate-key/handler')>(
      '../../tasks/generate-key/handler',
    );
    expect(() => defaultDeps()).toThrow(/BUCKET_NAME/);
  });

  // Every task but PrepareRotation (a request), NotifyDnsTeam ({state, taskToken}) and the approval
  // endpoint (HTTP) takes the rotation state. Invoked by hand with something else, each says so.
  const stateTasks = Object.entries(LAMBDA_TASKS).filter(
    ([name]) => name !== 'PrepareRotation' && name !== 'NotifyDnsTeam',
  );
  it.each(stateTasks)(
    '%s answers a payload that is not the rotation state with InvalidInput, not a TypeError',
    async (name, folder) => {
      const { makeHandler } = jest.requireActual<{
        makeHandler: (deps: object) => (event: unknown) => Promise<unknown>;
      }>(`../../tasks/${folder}/handler`);
      // deps are never reached: the shape check comes first
      const handler = makeHandler({ clock: fixedClock(), logger: silentLogger });
      for (const event of [undefined, {}, { domain: DOMAIN, selector: NEW_SELECTOR }]) {
        await expect(handler(event)).rejects.toMatchObject({
          name: 'InvalidInput',
          message: expect.stringContaining(`${name} takes the rotation state`),
        });
      }
    },
  );

  it('NotifyDnsTeam answers a payload without the rotation state with InvalidInput', async () => {
    const { makeHandler } = jest.requireActual<typeof import('../../tasks/notify-dns-team/handler')>(
      '../../tasks/notify-dns-team/handler',
    );
    const handler = makeHandler({} as never);
    await expect(handler({ taskToken: 't' } as never)).rejects.toMatchObject({ name: 'InvalidInput' });
  });

  it('runs the logic with injected dependencies through makeHandler', async () => {
    const s3 = new FakeS3();
    const [pair] = await keyPairs();
    if (pair === undefined) throw new Error('keys');
    seedKey(s3, NEW_SELECTOR, pair, 'PENDING');
    const { makeHandler } = jest.requireActual<typeof import('../../tasks/send-reminder/handler')>(
      '../../tasks/send-reminder/handler',
    );
    const handler = makeHandler(() => ({ ...s3.deps(), clock: fixedClock(), logger: silentLogger }));
    await expect(handler(state())).resolves.toEqual({ count: 1 });
    expect(DOMAIN).toBe('mail.example.jp');
    s3.restore();
  });
});
