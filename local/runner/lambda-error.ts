/**
 * A task's error as Lambda hands it to Step Functions. The Node.js runtime reports a function
 * error as `{"errorType", "errorMessage", "trace"}` (errorType = the error's `name`, trace = its
 * stack, whose first line repeats the message) and nothing else of it (not its `cause` chain);
 * Step Functions then records Error = errorType and Cause = that JSON document, in a Catch's output,
 * the TaskFailed event and the execution's cause. (Lambda Developer Guide, "AWS Lambda function
 * errors in Node.js"; Step Functions Developer Guide, "Handling errors in Step Functions
 * workflows".) The local interpreter would otherwise pass the thrown object on, `cause` included.
 */

/** The error the local interpreter sees: same name (Retry and Catch match it), Lambda's Cause. */
export function asLambdaFunctionError(error: unknown): Error {
  const thrown = error instanceof Error ? error : new Error(String(error));
  const cause = JSON.stringify({
    errorType: thrown.name,
    errorMessage: thrown.message,
    trace: (thrown.stack ?? `${thrown.name}: ${thrown.message}`).split('\n'),
  });
  const reported = new Error(cause);
  reported.name = thrown.name;
  return reported;
}
