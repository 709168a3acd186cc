/** How `byodkim status` prints the fleet: a table, the domains that need an operator first. */
import type { FleetDomainStatus, FleetStatus } from './fleet-status';
import { printTable } from './output';

function sesCell(row: FleetDomainStatus): string {
  return row.ses
    .map(
      (ses) =>
        `${ses.region}:${ses.verificationStatus ?? 'no identity'}${ses.sendingEnabled === false ? '(sending off)' : ''}`,
    )
    .join(' ');
}

/** Prints the fleet (`--json`: the rows as an array, in configuration order). */
export function printFleetStatus(fleet: FleetStatus, json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(fleet.domains)}\n`);
    return;
  }
  // Rows that need attention first, then by days to expiry (soonest first), then by name.
  const rows = [...fleet.domains].sort(
    (a, b) =>
      Number(b.attention.length > 0) - Number(a.attention.length > 0) ||
      (a.daysUntilExpiry ?? -1) - (b.daysUntilExpiry ?? -1) ||
      a.domain.localeCompare(b.domain),
  );
  printTable(
    ['DOMAIN', 'MODE', 'ACTIVE KEY', 'EXPIRES', 'SES (identity)', 'ROTATION', 'ATTENTION'],
    rows.map((row) => [
      row.domain,
      row.rotationMode,
      row.activeSelector ?? '-',
      row.daysUntilExpiry === null ? '-' : `${row.daysUntilExpiry} d`,
      sesCell(row),
      row.rotation ? `${row.rotation.currentState ?? '?'} (${row.rotation.execution})` : '-',
      row.attention.join('; ') || '-',
    ]),
  );
  const needing = fleet.domains.filter((row) => row.attention.length > 0).length;
  const running = fleet.domains.filter((row) => row.rotation !== null).length;
  console.log(
    `\n${fleet.domains.length} domain(s): ${needing} need attention, ${running} rotation(s) running. ` +
      "SES column: the identity's verification status (ListEmailIdentities); the DKIM selector SES signs with, and the rest, per domain: byodkim status <domain>",
  );
}
