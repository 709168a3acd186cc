import { join } from 'node:path';
import { rotate } from '../local/runner/rotate';
import { loadScenario } from '../local/scenario';
import { type BenchRow, median } from './stats';

const RUNS = 3;

/**
 * The happy-path rehearsal end to end (environment start, synth, every state, probe, leak scan):
 * wall time and state transitions, median of 3. SES's 1 request/s is modelled, so most of the
 * time is the workflow backing off from throttling, as it would in AWS.
 */
export async function benchLocalRotation(): Promise<BenchRow[]> {
  const scenario = loadScenario(join(__dirname, '../local/scenarios/happy-path.json'));
  const durations: number[] = [];
  const transitions: number[] = [];
  for (let run = 0; run < RUNS; run += 1) {
    const { summary } = await rotate(scenario);
    if (summary.status !== 'SUCCEEDED') throw new Error(`bench rehearsal failed: ${summary.error}`);
    durations.push(summary.durationMs);
    transitions.push(summary.transitions);
  }
  return [
    {
      benchmark: 'local rotation',
      metric: `happy-path rehearsal wall time (median of ${RUNS})`,
      value: median(durations),
      unit: 'ms',
    },
    {
      benchmark: 'local rotation',
      metric: 'state transitions, happy path (median)',
      value: median(transitions),
      unit: 'count',
    },
  ];
}
