/**
 * Whether an SNS subscription delivers a message that carries no message attribute — what every
 * CloudWatch alarm notification is. No maintained filter-policy matcher is published on npm (the
 * emulators that embed one, e.g. serverless-offline-sns or fauxqs, are whole servers), so this
 * implements only the documented rule for that one case (SNS Developer Guide, "Amazon SNS
 * subscription filter policies" and "Key matching"):
 * - no filter policy: the subscriber receives every message;
 * - scope MessageAttributes (the default): every property name of the policy must match a message
 *   attribute, so a message without attributes passes only when each property allows absence,
 *   which only `{"exists": false}` does.
 * Anything else (`$or`, the MessageBody scope, nested properties) is refused rather than guessed.
 */

/** The subscription properties that decide filtering (as in AWS::SNS::Subscription). */
export interface SubscriptionFilter {
  readonly FilterPolicy?: unknown;
  readonly FilterPolicyScope?: string;
}

/** True when the subscription delivers a message with no message attributes. */
export function deliversWithoutAttributes(subscription: SubscriptionFilter): boolean {
  const policy = subscription.FilterPolicy;
  if (policy === undefined) return true;
  if ((subscription.FilterPolicyScope ?? 'MessageAttributes') !== 'MessageAttributes') {
    throw new Error(`Filter policy scope ${subscription.FilterPolicyScope} is not modelled here`);
  }
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy)) {
    throw new Error(`A filter policy is a JSON object, not ${JSON.stringify(policy)}`);
  }
  return Object.entries(policy).every(([property, conditions]) => {
    if (property === '$or' || !Array.isArray(conditions)) {
      throw new Error(`Filter policy property ${property} is not modelled here`);
    }
    return conditions.some(
      (condition) =>
        typeof condition === 'object' &&
        condition !== null &&
        (condition as { exists?: unknown }).exists === false,
    );
  });
}
