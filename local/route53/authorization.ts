/**
 * What Route 53 authorizes for each operation of the stand-in (Service Authorization Reference,
 * Amazon Route 53): the hosted zone or change ARN, and for ChangeResourceRecordSets the three
 * condition keys AWS sets from the batch — actions, record types, and normalized record names
 * (lower case, no trailing dot; Route 53 Developer Guide, "Using IAM policy conditions for
 * fine-grained access control").
 */
import type { AwsCall } from '../iam/local-iam';
import { parseChangeBatchRequest } from './change-batch';
import { canonicalName } from './names';
import { ROUTE53_API_VERSION } from './xml';

/** The permission a request needs, or undefined for a path the stand-in does not serve. */
export function route53Permission(
  method: string,
  url: string,
  body: string,
): Omit<AwsCall, 'accessKeyId'> | undefined {
  const parts = new URL(url, 'http://localhost').pathname.split('/').filter((part) => part !== '');
  const [version, collection, rawId, sub] = parts;
  if (version !== ROUTE53_API_VERSION || parts.length > 4) return undefined;
  const id = decodeURIComponent(rawId ?? '').replace(/^\/?(hostedzone|change)\//, '');
  if (collection === 'change')
    return { action: 'route53:GetChange', resource: `arn:aws:route53:::change/${id}` };
  if (collection !== 'hostedzone') return undefined;
  const zone = `arn:aws:route53:::hostedzone/${id}`;
  if (sub === undefined) return { action: 'route53:GetHostedZone', resource: zone };
  if (method === 'GET') return { action: 'route53:ListResourceRecordSets', resource: zone };
  let changes: ReturnType<typeof parseChangeBatchRequest>['changes'] = [];
  try {
    changes = parseChangeBatchRequest(body).changes;
  } catch {
    // A malformed batch is answered by the operation itself (InvalidChangeBatch), after IAM.
  }
  return {
    action: 'route53:ChangeResourceRecordSets',
    resource: zone,
    context: {
      'route53:ChangeResourceRecordSetsActions': [...new Set(changes.map((change) => change.action))],
      'route53:ChangeResourceRecordSetsRecordTypes': [...new Set(changes.map((change) => change.type))],
      'route53:ChangeResourceRecordSetsNormalizedRecordNames': [
        ...new Set(changes.map((change) => canonicalName(change.name))),
      ],
    },
  };
}
