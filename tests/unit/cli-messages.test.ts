/**
 * One CLI language: every error is one line `byodkim: <ErrorName>: <message>` with its documented
 * exit code (cli/cli-errors.ts, cli/exit-codes.ts, docs/runbook.md "Exit codes and error lines").
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { S3ServiceException } from '@aws-sdk/client-s3';
import { CLI_ERROR_EXITS, cliErrorOf } from '../../cli/cli-errors';
import { sameTargetArgs } from '../../cli/commands/operations';
import { parseDuration } from '../../cli/duration';
import { EXIT } from '../../cli/exit-codes';
import { runCli } from '../../cli/main';
import {
  DomainNotConfiguredError,
  InvalidInputError,
  RedriveRefusedError,
  RotationInProgressError,
} from '../../shared/errors';

const sdkError = (name: string, status: number, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(
    new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message }),
    extra,
  );

const networkError = (code: string, hostname: string) =>
  Object.assign(new Error(`getaddrinfo ${code} ${hostname}`), { code, hostname });

describe('cliErrorOf', () => {
  it.each([
    [
      'InvalidInput',
      new InvalidInputError('Selector x is bad.'),
      'InvalidInput',
      /^Selector x is bad\.$/,
      EXIT.BAD_INPUT,
    ],
    [
      'RedriveRefused',
      new RedriveRefusedError('Start anew.'),
      'RedriveRefused',
      /^Start anew\.$/,
      EXIT.REFUSED,
    ],
    [
      'DomainNotConfigured',
      new DomainNotConfiguredError('a.example is not in the configuration.'),
      'DomainNotConfigured',
      /not in the configuration/,
      EXIT.NOT_CONFIGURED,
    ],
    [
      'RotationInProgress',
      new RotationInProgressError('A rotation of a.example is already running.'),
      'RotationInProgress',
      /already running/,
      EXIT.IN_PROGRESS,
    ],
    [
      'no credentials',
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
      'NoCredentials',
      /profile \(AWS_PROFILE, with `aws sso login` for SSO\).*AWS_ACCESS_KEY_ID/,
      EXIT.BAD_INPUT,
    ],
    [
      'an endpoint that does not resolve',
      Object.assign(new Error('request failed'), {
        cause: networkError('ENOTFOUND', 's3.mars-1.amazonaws.com'),
      }),
      'EndpointUnreachable',
      /^Could not reach s3\.mars-1\.amazonaws\.com \(ENOTFOUND\): check the network, the region/,
      EXIT.FAILURE,
    ],
    [
      'a missing bucket',
      sdkError('NoSuchBucket', 404, 'The specified bucket does not exist', { BucketName: 'dkim-keys' }),
      'NoSuchBucket',
      /^The key-store bucket dkim-keys does not exist: check the stack/,
      EXIT.FAILURE,
    ],
    [
      'a missing execution',
      Object.assign(new Error('Execution Does Not Exist: x'), { name: 'ExecutionDoesNotExist' }),
      'ExecutionDoesNotExist',
      /byodkim history <domain>/,
      EXIT.BAD_INPUT,
    ],
    [
      'access denied, naming the action and never the ARN',
      sdkError(
        'AccessDenied',
        403,
        'User: arn:aws:sts::123456789012:assumed-role/ops/alice is not authorized to perform: states:StartExecution on resource: arn:aws:states:ap-northeast-1:123456789012:stateMachine:x',
      ),
      'AccessDenied',
      /^AWS denied states:StartExecution: attach the stack's OperatorPolicyArn/,
      EXIT.FAILURE,
    ],
    ['any other error', new Error('boom'), 'UnexpectedError', /^boom$/, EXIT.FAILURE],
  ])('%s', (_case, error, name, message, exitCode) => {
    const line = cliErrorOf(error);

    expect(line.name).toBe(name);
    expect(line.message).toMatch(message);
    expect(line.message).not.toMatch(/\n|123456789012|arn:aws/);
    expect(line.exitCode).toBe(exitCode);
  });
});

describe('runCli', () => {
  let stderr: string[];
  beforeEach(() => {
    stderr = [];
    jest.spyOn(console, 'error').mockImplementation((text: string) => void stderr.push(text));
    jest.spyOn(process.stderr, 'write').mockImplementation((text: string | Uint8Array) => {
      stderr.push(String(text));
      return true;
    });
  });
  afterEach(() => jest.restoreAllMocks());

  it.each([
    [
      'an unknown option',
      ['status', '--bogus'],
      /^byodkim: InvalidInput: unknown option '--bogus' \(run with --help for usage\)\n?$/,
    ],
    [
      'a malformed domain, before any credentials are needed',
      ['status', 'bad domain'],
      /^byodkim: InvalidInput: Domain "bad domain" contains " "/,
    ],
    [
      'a region AWS does not have, before any request',
      ['status', 'a.example.jp', '--stack', 'S'],
      /^byodkim: InvalidInput: AWS region "mars-1" is not a region AWS has: set AWS_REGION/,
    ],
  ])('prints one line and exits 2 for %s', async (_case, args, line) => {
    const saved = process.env.AWS_REGION;
    process.env.AWS_REGION = 'mars-1';
    const code = await runCli(['node', 'byodkim', ...args]).finally(() => {
      if (saved === undefined) delete process.env.AWS_REGION;
      else process.env.AWS_REGION = saved;
    });

    expect(code).toBe(EXIT.BAD_INPUT);
    expect(stderr.join('')).toMatch(line);
    expect(stderr.join('').trimEnd().split('\n')).toHaveLength(1);
  });
});

describe("docs/runbook.md's error table", () => {
  it('lists every error line the CLI prints, with its exit code', () => {
    const runbook = readFileSync(join(__dirname, '../../docs/runbook.md'), 'utf8');
    const table = runbook.slice(runbook.indexOf('<!-- cli-error-table'));
    const rows = [...table.matchAll(/^\| `(\w+)` \| (\d) \|/gm)].map((match) => [match[1], Number(match[2])]);

    expect(Object.fromEntries(rows)).toEqual(CLI_ERROR_EXITS);
  });
});

describe('the follow-up command start prints', () => {
  it.each([
    [{ local: true }, ' --local'],
    [{ local: '.byodkim-local.json' }, ' --local'],
    [{ local: '/tmp/my env/state.json' }, " --local '/tmp/my env/state.json'"],
    [{ stage: 'prod' }, ''],
    [{ stage: 'dev', stack: 'MailDkim' }, ' --stage dev --stack MailDkim'],
    [{ config: 'infra/config/dev.json' }, ' --config infra/config/dev.json'],
  ])('points at the same deployment for %j', (options, args) => {
    expect(sameTargetArgs(options)).toBe(args);
  });
});

describe('durations on the command line', () => {
  it.each([
    ['500ms', 500],
    ['2s', 2000],
    ['1.5s', 1500],
    ['750', 750],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });

  it.each(['2x', '0', '-1s', '90s', 'soon'])('refuses %s, naming the flag and the form', (text) => {
    expect(() => parseDuration(text, '--timeout')).toThrow(
      `--timeout must be a duration such as 500ms or 2s (at most 60s), not "${text}".`,
    );
  });
});
