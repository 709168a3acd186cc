import type { Command } from 'commander';
import { normaliseDomain } from '../../shared/dkim/domain';
import { DomainNotConfiguredError } from '../../shared/errors';
import { notCheckedNotice } from '../../shared/notifications/common-lines';
import { rotationExecutions } from '../../shared/rotation/rotation-executions';
import { startRotation } from '../../shared/rotation/start-rotation';
import { sanitise } from '../../shared/sanitise';
import { type DomainStatus, domainStatus } from '../domain-status';
import { causeOf } from '../execution-cause';
import { fleetStatus } from '../fleet-status';
import { printFleetStatus } from '../fleet-status-output';
import { printTable } from '../output';
import { redriveRotation } from '../redrive';
import { DEFAULT_LOCAL_STATE, resolveTarget, type Target, type TargetOptions } from '../target';

/** Options shared by the commands that act on a deployment. */
interface CommonOptions extends TargetOptions {
  readonly json?: boolean;
}

/** A word as a shell reads it back: quoted when it holds anything but safe characters. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

/**
 * The options that point another command at the same deployment, so a printed follow-up works as
 * printed: `--local [state file]`, `--stage`, `--stack`, `--config`.
 */
export function sameTargetArgs(options: TargetOptions): string {
  const args: string[] = [];
  if (options.local) {
    args.push('--local');
    if (typeof options.local === 'string' && options.local !== DEFAULT_LOCAL_STATE)
      args.push(shellWord(options.local));
  } else {
    if (options.stage !== undefined && options.stage !== 'prod')
      args.push('--stage', shellWord(options.stage));
    if (options.stack !== undefined) args.push('--stack', shellWord(options.stack));
    if (options.config !== undefined) args.push('--config', shellWord(options.config));
  }
  return args.length === 0 ? '' : ` ${args.join(' ')}`;
}

/** The `apply:` line of `byodkim status`: the apply window and the running rotation's plan. */
function applyLine(status: DomainStatus): string {
  const window = status.applyWindow
    ? `window ${status.applyWindow}`
    : 'as soon as verified (no apply window)';
  const planned = status.plannedSwitch;
  if (planned === null) return window;
  return `${window}; ${planned.waitingForWindow ? 'waiting for the window, switch planned at' : 'switch at'} ${planned.applyAt}`;
}

/** Adds `--local [state-file]`, `--stage`, `--stack`, `--config` and `--json` to a command. */
export function withTargetOptions(command: Command): Command {
  return command
    .option(
      '--local [state-file]',
      'act on the local environment of `byodkim local serve` (default .byodkim-local.json)',
    )
    .option('--stage <stage>', 'deployed stage: stack ByodkimRotation-<stage>', 'prod')
    .option('--stack <name>', 'CloudFormation stack name (default ByodkimRotation-<stage>)')
    .option('--config <file>', 'configuration file (default: the configuration the stack deployed)')
    .option('--json', 'print JSON instead of text');
}

async function withTarget<T>(options: TargetOptions, run: (target: Target) => Promise<T>): Promise<T> {
  const target = await resolveTarget(options);
  try {
    return await run(target);
  } finally {
    target.close();
  }
}

function configuredDomain(target: Target, domain: string) {
  const wanted = normaliseDomain(domain);
  const settings = target.config.domains.find((candidate) => candidate.domain === wanted);
  if (!settings)
    throw new DomainNotConfiguredError(`${wanted} is not in the configuration: add it and deploy first.`);
  return settings;
}

/** Registers status, start, history and redrive. */
export function registerOperations(program: Command): void {
  withTargetOptions(
    program
      .command('status')
      .description(
        'where each domain stands: one row per configured domain, or with <domain> its active key, days to expiry, SES signing per region, running rotation and pending approval',
      )
      .argument('[domain]', 'one domain in detail (default: a row for every configured domain)'),
  ).action(async (domain: string | undefined, options: CommonOptions) => {
    await withTarget(options, async (target) => {
      if (domain === undefined) {
        printFleetStatus(await fleetStatus(target), options.json === true);
        return;
      }
      const domains = [configuredDomain(target, domain).domain];
      const statuses = [];
      for (const name of domains) statuses.push(await domainStatus(target, name));
      if (options.json) {
        process.stdout.write(`${JSON.stringify(statuses[0])}\n`);
        return;
      }
      for (const status of statuses) {
        console.log(`${status.domain}`);
        console.log(
          `  records:     ${status.rotationMode === 'AUTO' ? `published by the workflow in Route 53 zone ${status.hostedZoneId ?? '?'} (AUTO)` : status.rotationMode === 'MANUAL' ? 'published by the DNS team, who approve (MANUAL)' : 'not in the configuration'}`,
        );
        console.log(
          `  active key:  ${status.activeSelector ?? 'none recorded'}${status.keyAgeDays === null ? '' : ` (${status.keyAgeDays} days old)`}`,
        );
        console.log(
          `  expiry:      ${status.daysUntilExpiry === null ? '-' : `${status.daysUntilExpiry} days (${status.expiresAt})`}`,
        );
        printTable(
          ['  REGION', 'ORIGIN', 'SELECTOR', 'STATUS', 'SIGNING'],
          status.ses.map((ses) => [
            `  ${ses.region}`,
            ses.origin ?? ses.error ?? '?',
            ses.selector ?? '-',
            ses.status ?? '-',
            ses.signingEnabled ? 'enabled' : 'DISABLED',
          ]),
        );
        console.log(
          `  rotation:    ${status.rotation ? `${status.rotation.execution} at ${status.rotation.currentState ?? '?'}` : 'none running'}`,
        );
        console.log(`  apply:       ${applyLine(status)}`);
        if (status.pendingApproval) {
          console.log(
            `  approval:    ${status.pendingApproval.approvalId} for ${status.pendingApproval.selector}, deadline ${status.pendingApproval.deadline}`,
          );
        }
        if (status.cause) console.log(`  cause:       ${status.cause}`);
        console.log(`  next step:   ${status.nextStep.action}: ${status.nextStep.text}`);
        const notChecked = notCheckedNotice(status.dnsNotChecked?.addresses);
        if (status.dnsNotChecked && notChecked) {
          console.log(`  dns check:   ${status.dnsNotChecked.execution} (VerifyDnsRecord)`);
          for (const line of notChecked.en.split('\n')) console.log(`    ${line}`);
        }
      }
    });
  });

  withTargetOptions(
    program
      .command('start')
      .description('start a rotation of <domain> now (refused while one runs)')
      .argument('<domain>', 'a configured domain'),
  ).action(async (domain: string, options: CommonOptions) => {
    await withTarget(options, async (target) => {
      const settings = configuredDomain(target, domain);
      const started = await startRotation(
        {
          sfn: target.sfn,
          stateMachineArn: target.stateMachineArn,
          s3: target.s3,
          bucket: target.bucket,
          clock: () => new Date(),
        },
        {
          domain: settings.domain,
          selectorPrefix: settings.selectorPrefix,
          timeZone: target.config.timeZone,
          requestedBy: `cli:${process.env.USER ?? 'operator'}`,
        },
      );
      if (options.json) process.stdout.write(`${JSON.stringify(started)}\n`);
      else
        console.log(
          `Started ${started.executionName} (selector ${started.selector}). Follow it with: byodkim status ${settings.domain}${sameTargetArgs(options)}`,
        );
    });
  });

  withTargetOptions(
    program
      .command('history')
      .description('past and running rotations of <domain>: outcome and duration')
      .argument('<domain>', 'a configured domain'),
  ).action(async (domain: string, options: CommonOptions) => {
    await withTarget(options, async (target) => {
      const settings = configuredDomain(target, domain);
      const rows = [];
      for await (const execution of rotationExecutions(target, settings.domain)) {
        const stop = execution.stopDate?.getTime() ?? Date.now();
        rows.push({
          execution: execution.name,
          status: execution.status,
          // An error name is ours or AWS's, but a hand-made failure can carry any text.
          error: execution.error === undefined ? null : sanitise(execution.error, 100),
          cause: await causeOf(target, execution),
          startedAt: execution.startDate?.toISOString() ?? '',
          durationSeconds: Math.round((stop - (execution.startDate?.getTime() ?? stop)) / 1000),
          redriveCount: execution.redriveCount,
        });
      }
      if (options.json) {
        process.stdout.write(`${JSON.stringify(rows)}\n`);
        return;
      }
      if (rows.length === 0) console.log(`No rotation of ${settings.domain} yet.`);
      else {
        printTable(
          ['EXECUTION', 'STATUS', 'ERROR', 'STARTED', 'DURATION'],
          rows.map((row) => [
            row.execution,
            row.status,
            row.error ?? '-',
            row.startedAt,
            `${row.durationSeconds}s`,
          ]),
        );
        for (const row of rows) if (row.cause) console.log(`${row.execution}: ${row.cause}`);
      }
    });
  });

  withTargetOptions(
    program
      .command('redrive')
      .description(
        'redrive the latest rotation of <domain> (or the named execution) from the state that failed; refused, with what to do instead, when it ended in a Fail state or a newer rotation exists',
      )
      .argument('<domain-or-execution>', 'a configured domain, an execution name or an execution ARN'),
  ).action(async (which: string, options: CommonOptions) => {
    await withTarget(options, async (target) => {
      const { executionArn } = await redriveRotation(
        target,
        which,
        target.config.domains.map((entry) => entry.domain),
      );
      if (options.json) process.stdout.write(`${JSON.stringify({ redriven: executionArn })}\n`);
      else console.log(`Redriven: ${executionArn}`);
    });
  });
}
