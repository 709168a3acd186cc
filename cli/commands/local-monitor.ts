import type { Command } from 'commander';
import type { IamSummary } from '../../local/iam/local-iam';
import { runLocalMonitor } from '../../local/runner/monitor';
import { DEMO_SCENARIO, loadScenario } from '../../local/scenario';
import { InvalidInputError } from '../../shared/errors';
import type { DomainReport } from '../../tasks/monitor/logic';
import { EXIT } from '../exit-codes';
import { printTable } from '../output';

/** Options of `byodkim local monitor`. */
interface LocalMonitorCliOptions {
  readonly now?: string;
  readonly scenario?: string[];
  readonly follow?: boolean;
  readonly json?: boolean;
}

/** The `--json` shape of one domain: the contract of issue 8. */
export function reportJson(report: DomainReport): object {
  return {
    domain: report.domain,
    selector: report.selector,
    daysUntilExpiry: report.daysUntilExpiry,
    action: report.action,
    findings: report.findings.map(({ check, severity }) => ({ check, severity })),
  };
}

/** The IAM lines of the summary, worded as `byodkim local rotate` words them. */
export function formatIam(iam: IamSummary): string {
  return [
    `IAM (every AWS call checked against the synthesized roles and resource policies): ${iam.evaluated} evaluated, ${iam.denied} denied`,
    ...iam.deniedRequests.map((denied) => `  DENIED ${denied.state}: ${denied.action} on ${denied.resource}`),
  ].join('\n');
}

function parseNow(text: string | undefined): Date {
  if (text === undefined) return new Date();
  const now = new Date(text);
  if (Number.isNaN(now.getTime()))
    throw new InvalidInputError(`--now must be an ISO 8601 date or date-time, not "${text}".`);
  return now;
}

/** Registers `byodkim local monitor`. */
export function registerLocalMonitor(local: Command): void {
  local
    .command('monitor')
    .description('run the daily monitor on the embedded environment at a chosen date')
    .option('--now <iso-date>', 'the date the monitor believes it is (default: now)')
    .option(
      '--scenario <file...>',
      'domains to monitor, one scenario each (default: the happy-path demo domain)',
    )
    .option('--follow', 'wait for the rotations the monitor starts and report how they ended')
    .option('--json', 'print a JSON array, one object per domain, and nothing else on stdout')
    .action(async (options: LocalMonitorCliOptions) => {
      const now = parseNow(options.now);
      const files = options.scenario ?? [DEMO_SCENARIO];
      const run = await runLocalMonitor({
        scenarios: files.map(loadScenario),
        now,
        follow: options.follow ?? false,
      });
      if (options.json) {
        process.stdout.write(`${JSON.stringify(run.reports.map(reportJson))}\n`);
      } else {
        console.log(`Monitor run at ${now.toISOString()}`);
        printTable(
          ['DOMAIN', 'SELECTOR', 'DAYS LEFT', 'ACTION', 'FINDINGS'],
          run.reports.map((report) => [
            report.domain,
            report.selector ?? '-',
            report.daysUntilExpiry === null ? '-' : String(report.daysUntilExpiry),
            report.action,
            report.findings.map((finding) => `${finding.severity} ${finding.check}`).join(', ') || 'none',
          ]),
        );
        for (const rotation of run.rotations) {
          if (rotation.execution)
            console.log(
              `rotation of ${rotation.domain}: ${rotation.execution.status}${rotation.execution.error ? ` (${rotation.execution.error})` : ''}`,
            );
        }
        console.log(formatIam(run.iam));
      }
      const failedRotation = run.rotations.some(
        (rotation) => rotation.execution && rotation.execution.status !== 'SUCCEEDED',
      );
      process.exitCode = failedRotation ? EXIT.NOT_VERIFIED : EXIT.OK;
    });
}
