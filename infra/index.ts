/**
 * The construct library: `import { ByodkimRotation, loadConfig } from 'ses-byodkim-rotation'`.
 *
 * ```ts
 * const config = loadConfig('dkim-rotation.json');     // validated, defaults written out
 * new ByodkimRotation(stack, 'Dkim', { config });
 * ```
 */
import { nodeVersionProblem } from '../shared/node-version';

// Before anything else loads: an older Node would fail later, far from the cause.
const problem = nodeVersionProblem();
if (problem !== undefined) {
  process.stderr.write(`ses-byodkim-rotation: UnsupportedNode: ${problem}\n`);
  process.exit(1);
}

export {
  type DomainConfig,
  DomainConfigSchema,
  describeIssues,
  findDomainConfig,
  loadConfig,
  parseConfig,
  type RotationConfig,
  type RotationConfigInput,
  RotationConfigSchema,
} from '../shared/config';
export type { ApprovalRateLimit } from './approval-api';
export { ByodkimRotation } from './byodkim-rotation';
export {
  type ByodkimRotationProps,
  type RotationFunctionName,
  validateByodkimRotationProps,
} from './byodkim-rotation-props';
export { DeployedConfig, type DeployedConfigProps } from './deployed-config';
export { createDnsCheckVpc, type DnsCheckVpc } from './dns-check-network';
export { RotationMetricFactory } from './monitoring/metric-factory';
export {
  type MonitorAlarmOptions,
  RotationAlarms,
  type RotationAlarmsProps,
} from './monitoring/rotation-alarms';
export { RotationDashboard, type RotationDashboardProps } from './monitoring/rotation-dashboard';
export { SendingHealthAlarms, type SendingHealthAlarmsProps } from './monitoring/sending-health-alarms';
export { RotationMonitor } from './rotation-monitor';
export { type RotationMonitorProps, validateRotationMonitorProps } from './rotation-monitor-props';
export { MAX_LISTED_IDENTITIES, type SesIdentityScope } from './ses-identity-scope';
export { ByodkimRotationStack, type ByodkimRotationStackProps } from './stack';
