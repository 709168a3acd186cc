/**
 * Why a name server address was not checked, as the deployed functions say it. Its own module with
 * no imports: the notification tasks print it, and must not bundle the DNS transport to do so.
 */

/** The reason the deployed functions give when they run outside a VPC (AWS: IPv4-only egress). */
export const LAMBDA_NO_IPV6_REASON = 'Lambda outside a VPC has no IPv6 egress';
