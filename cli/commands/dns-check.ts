import { createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { parseDkimCertificate } from '../../shared/dkim/certificate';
import { normaliseDomain } from '../../shared/dkim/domain';
import { assertValidSelector } from '../../shared/dkim/selector';
import { parseEndpoint, verifyDkimRecord } from '../../shared/dns';
import type { DnsCheckOptions, DnsVerification } from '../../shared/dns/types';
import { GIVEN_NAME_SERVERS, UNKNOWN_ZONE } from '../../shared/dns/verdict';
import { InvalidInputError } from '../../shared/errors';
import { sanitise } from '../../shared/sanitise';
import { parseDuration } from '../duration';
import { EXIT } from '../exit-codes';
import { printTable } from '../output';

/** Options of `byodkim dns check`. */
interface DnsCheckCliOptions {
  readonly publicKey: string;
  readonly resolver?: string;
  readonly ns?: string[];
  readonly nsPort?: string;
  readonly timeout?: string;
  readonly json?: boolean;
}

/**
 * Reads the expected public key from a PEM file: a public key, a certificate (certificate.pem from
 * the bucket) or a private key (its public half is used; nothing of it is printed).
 */
export function readExpectedPublicKey(path: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    throw new InvalidInputError(
      `Cannot read --public-key ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
    );
  }
  if (pem.includes('BEGIN CERTIFICATE')) return parseDkimCertificate(pem).publicKey;
  try {
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa')
      throw new InvalidInputError(`${path} holds a ${key.asymmetricKeyType} key, not RSA.`);
    return key;
  } catch (error) {
    if (error instanceof InvalidInputError) throw error;
    throw new InvalidInputError(`${path} is not a PEM public key, private key or certificate.`);
  }
}

function parsePort(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new InvalidInputError(`${flag} must be a port number, not "${text}".`);
  return port;
}

function toEndpoint(text: string, flag: string) {
  try {
    return parseEndpoint(text);
  } catch {
    throw new InvalidInputError(`${flag} must be host:port (or [v6]:port), not "${text}".`);
  }
}

/** The addresses not asked, grouped by reason (in the verdict's order). */
export function notCheckedByReason(
  verification: DnsVerification,
): { readonly reason: string; readonly addresses: string[] }[] {
  const byReason = new Map<string, string[]>();
  for (const server of verification.servers) {
    if (server.result !== 'not-checked') continue;
    byReason.set(server.detail, [...(byReason.get(server.detail) ?? []), server.address]);
  }
  return [...byReason].map(([reason, addresses]) => ({ reason, addresses }));
}

/**
 * The line after the table, one clause per reason, e.g. `2 IPv6 addresses not checked: no IPv6
 * route from this machine (ENETUNREACH)`; undefined when every address was asked.
 */
export function notCheckedSummary(verification: DnsVerification): string | undefined {
  const groups = notCheckedByReason(verification);
  if (groups.length === 0) return undefined;
  return groups
    .map(
      ({ reason, addresses }) =>
        `${addresses.length} IPv6 address${addresses.length === 1 ? '' : 'es'} not checked: ${sanitise(reason)}`,
    )
    .join('; ');
}

/** The `--json` document: the contract scripts rely on. */
export function verificationJson(verification: DnsVerification): object {
  return {
    verified: verification.verified,
    servers: verification.servers.map(({ name, address, result, detail }) => ({
      name,
      address,
      result,
      detail,
    })),
    notChecked: notCheckedByReason(verification).map(({ reason, addresses }) => ({
      count: addresses.length,
      reason,
      addresses,
    })),
    ...(verification.error ? { error: verification.error } : {}),
    message: verification.message,
  };
}

/** What the heading says about where the answers came from. */
function zoneLabel(zone: string): string {
  if (zone === GIVEN_NAME_SERVERS) return 'asking the given name servers';
  if (zone === UNKNOWN_ZONE) return 'zone not found';
  return `zone ${sanitise(zone)}`;
}

/** Registers `byodkim dns check`. */
export function registerDnsCheck(dns: Command): void {
  dns
    .command('check')
    .description('check the DKIM record of <selector> on every authoritative name server of <domain>')
    .argument('<domain>', 'mail domain, e.g. example.jp')
    .argument('<selector>', 'DKIM selector, e.g. gooid-21-pro-20261123-1')
    .requiredOption('--public-key <pem-file>', 'expected key: public key, certificate or private key PEM')
    .option(
      '--resolver <host:port>',
      'recursive resolver used to find the name servers (default: the system resolver)',
    )
    .option('--ns <host:port...>', 'ask these servers instead of discovering the zone name servers')
    .option('--ns-port <port>', 'port to ask discovered name servers on (default 53)')
    .option('--timeout <duration>', 'timeout of one query, e.g. 500ms or 2s (default 2s)')
    .option('--json', 'print one JSON object instead of a table')
    .action(async (domainArgument: string, selectorArgument: string, options: DnsCheckCliOptions) => {
      const domain = normaliseDomain(domainArgument);
      const selector = assertValidSelector(selectorArgument);
      const publicKey = readExpectedPublicKey(options.publicKey);
      const timeoutMs = parseDuration(options.timeout, '--timeout');
      const nameServerPort = parsePort(options.nsPort, '--ns-port');
      const checkOptions: DnsCheckOptions = {
        ...(options.resolver ? { resolver: toEndpoint(options.resolver, '--resolver') } : {}),
        ...(options.ns ? { nameServers: options.ns.map((ns) => toEndpoint(ns, '--ns')) } : {}),
        ...(nameServerPort ? { nameServerPort } : {}),
        ...(timeoutMs ? { timeoutMs } : {}),
      };
      const verification = await verifyDkimRecord({ domain, selector, publicKey }, checkOptions);
      if (options.json) {
        process.stdout.write(`${JSON.stringify(verificationJson(verification))}\n`);
      } else {
        console.log(`${verification.recordName} (${zoneLabel(verification.zone)})`);
        // No table when no server was found to ask (offline, or a zone without delegation).
        if (verification.servers.length > 0) {
          printTable(
            ['NAME SERVER', 'ADDRESS', 'RESULT', 'DETAIL'],
            verification.servers.map((server) => [server.name, server.address, server.result, server.detail]),
          );
        }
        const notChecked = notCheckedSummary(verification);
        if (notChecked !== undefined) console.log(notChecked);
        console.log(
          verification.verified
            ? `VERIFIED: ${verification.message}`
            : `NOT VERIFIED (${verification.error}): ${verification.message}`,
        );
      }
      process.exitCode = verification.verified ? EXIT.OK : EXIT.NOT_VERIFIED;
    });
}
