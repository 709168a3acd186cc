/**
 * Every error the CLI prints is one line, `byodkim: <ErrorName>: <message>`, with a documented
 * exit code: the workflow's own errors keep their names, and the AWS SDK's and the environment's
 * (no credentials, an endpoint that does not answer, a missing bucket or execution, a denied
 * action) get a name and a message that say what to do. Every message passes the sanitiser, so
 * no ARN, account id or control character of an AWS error reaches the terminal.
 */
import { isRotationError } from '../shared/errors';
import { COMPOSED_MAX_CHARS, sanitise } from '../shared/sanitise';
import { EXIT } from './exit-codes';

/** What the CLI prints for an error, and its exit code. */
export interface CliError {
  readonly name: string;
  readonly message: string;
  readonly exitCode: number;
}

/**
 * The exit code of every error name the CLI prints (docs/runbook.md "CLI exit codes and error
 * lines" lists the same; a test compares them). A workflow error not listed exits 1.
 */
export const CLI_ERROR_EXITS = {
  InvalidInput: EXIT.BAD_INPUT,
  NoCredentials: EXIT.BAD_INPUT,
  ExecutionDoesNotExist: EXIT.BAD_INPUT,
  ImportRefused: EXIT.NOT_VERIFIED,
  RedriveRefused: EXIT.REFUSED,
  DomainNotConfigured: EXIT.NOT_CONFIGURED,
  RotationInProgress: EXIT.IN_PROGRESS,
  EndpointUnreachable: EXIT.FAILURE,
  NoSuchBucket: EXIT.FAILURE,
  AccessDenied: EXIT.FAILURE,
  UnsupportedNode: EXIT.FAILURE,
  UnexpectedError: EXIT.FAILURE,
} as const;

const exitOf = (name: string): number =>
  (CLI_ERROR_EXITS as Readonly<Record<string, number>>)[name] ?? EXIT.FAILURE;

const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
]);

type SdkLike = Error & {
  code?: string;
  hostname?: string;
  BucketName?: string;
  $metadata?: { httpStatusCode?: number };
  cause?: unknown;
};

/** The Node network error code of `error` or of its cause. */
function networkCodeOf(error: SdkLike): { code: string; host?: string } | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const { code, hostname } = current as SdkLike;
    if (typeof code === 'string' && NETWORK_CODES.has(code))
      return { code, ...(hostname ? { host: hostname } : {}) };
    current = (current as SdkLike).cause;
  }
  return undefined;
}

/** `service:Action` from an AWS access-denied message ("… is not authorized to perform: s3:GetObject …"). */
function deniedAction(message: string): string | undefined {
  return /\bperform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/.exec(message)?.[1];
}

/** The line and exit code for any error the CLI catches. */
export function cliErrorOf(error: unknown): CliError {
  if (isRotationError(error)) {
    return {
      name: error.name,
      message: sanitise(error.message, COMPOSED_MAX_CHARS),
      exitCode: exitOf(error.name),
    };
  }
  const sdk = (error instanceof Error ? error : new Error(String(error))) as SdkLike;
  const line = (name: string, message: string): CliError => ({
    name,
    message: sanitise(message, COMPOSED_MAX_CHARS),
    exitCode: exitOf(name),
  });
  if (sdk.name === 'CredentialsProviderError' || /Could not load credentials/i.test(sdk.message)) {
    return line(
      'NoCredentials',
      'No AWS credentials found: use a profile (AWS_PROFILE, with `aws sso login` for SSO), or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) in the environment.',
    );
  }
  const network = networkCodeOf(sdk);
  if (network !== undefined) {
    return line(
      'EndpointUnreachable',
      `Could not reach ${network.host ?? 'the AWS endpoint'} (${network.code}): check the network, the region, and any AWS_ENDPOINT_URL* setting.`,
    );
  }
  if (sdk.name === 'NoSuchBucket') {
    return line(
      'NoSuchBucket',
      `The key-store bucket${sdk.BucketName ? ` ${sdk.BucketName}` : ''} does not exist: check the stack (--stack/--stage) and the region.`,
    );
  }
  if (sdk.name === 'ExecutionDoesNotExist') {
    return line('ExecutionDoesNotExist', `${sdk.message}: check the name with \`byodkim history <domain>\`.`);
  }
  if (
    /^(AccessDenied|AccessDeniedException|UnauthorizedOperation|Forbidden)$/.test(sdk.name) ||
    sdk.$metadata?.httpStatusCode === 403
  ) {
    const action = deniedAction(sdk.message);
    return line(
      'AccessDenied',
      `AWS denied ${action ?? 'the request'}: attach the stack's OperatorPolicyArn output policy to your role or SSO permission set.`,
    );
  }
  const name = sdk.name && sdk.name !== 'Error' ? sdk.name : 'UnexpectedError';
  return line(name, sdk.message || String(error));
}
