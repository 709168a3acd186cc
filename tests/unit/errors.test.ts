import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as errors from '../../shared/errors';
import {
  ERROR_NAMES,
  LEGACY_ERROR_CODES,
  RotationError,
  STATES_ERRORS,
  stableReason,
  TRANSIENT_AWS_ERROR,
} from '../../shared/errors';
import { TransientAwsError } from '../../shared/rotation/aws-errors';

type ErrorClass = new (message: string, options?: errors.RotationErrorOptions) => RotationError;

const errorClasses = Object.values(errors).filter(
  (value) =>
    typeof value === 'function' && (value as { prototype?: unknown }).prototype instanceof RotationError,
) as unknown as ErrorClass[];

describe('rotation errors', () => {
  it('has one class per ErrorEquals name, and each class carries exactly its name', () => {
    const names = errorClasses.map((ErrorClass) => new ErrorClass('x').name).sort();
    expect(names).toEqual(Object.values(ERROR_NAMES).sort());
  });

  it.each(errorClasses.map((ErrorClass) => [ErrorClass.name, ErrorClass] as const))(
    '%s is a RotationError and an Error whose name survives serialisation',
    (_className, ErrorClass) => {
      const cause = new Error('socket hang up');
      const error = new ErrorClass('Do this next.', { cause });
      expect(error).toBeInstanceOf(RotationError);
      expect(error).toBeInstanceOf(Error);
      expect(errors.isRotationError(error)).toBe(true);
      expect(error.cause).toBe(cause);
      expect(_className).toBe(`${error.name}Error`);
      // Lambda reports errorType from `name`: Step Functions matches ErrorEquals on it.
      expect(String(error)).toBe(`${error.name}: Do this next.`);
    },
  );

  it('maps the codes our users know to ours', () => {
    expect(LEGACY_ERROR_CODES).toEqual({
      DNS_TXT_NOT_READY: 'DnsRecordNotFound',
      CERTIFICATE_NOT_FOUND: 'KeyNotFound',
      SES_UPDATE_FAILED: 'SesApplyFailed',
    });
  });

  it('makes stable reasons: request ids, ARNs, accounts and timestamps are replaced', () => {
    const sdk = new Error(
      'User arn:aws:sts::123456789012:assumed-role/x is not authorized (Request ID: 0f8fad5b-d9cb-469f-a165-70867728950e) at 2026-11-23T01:02:03.456Z',
    );
    sdk.name = 'AccessDeniedException';
    expect(stableReason(sdk)).toBe(
      'AccessDeniedException: User <arn> is not authorized (Request ID: <request-id>) at <time>',
    );
    expect(stableReason('plain')).toBe('Error: plain');
    expect(stableReason(new Error('x'.repeat(600))).length).toBe(300);
    expect(stableReason(new Error('line one\r\nline two'))).toBe('Error: line one line two');
  });

  it('spells the States Language names as CDK does, and raises transient failures by their retried name', () => {
    expect(STATES_ERRORS).toEqual({ ALL: sfn.Errors.ALL, Timeout: sfn.Errors.TIMEOUT });
    expect(new TransientAwsError('throttled').name).toBe(TRANSIENT_AWS_ERROR);
  });
});
