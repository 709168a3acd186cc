import { CAUSE_MAX_CHARS } from '../../shared/rotation/failure-cause';
import { executionPath, type PathStep, retriesOf } from '../../shared/rotation/state-path';
import { causeText, sanitise } from '../../shared/sanitise';
import type { AslDefinition } from '../sfn/engine';
import { awsHistory } from '../sfn/history-events';
import type { RotationRun } from './rotate';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

type Outcome = 'visited' | 'failed' | 'not-visited';

const at = (date: Date, started: number) => `+${((date.getTime() - started) / 1000).toFixed(2)} s`;

/** The errors of one state entry, each `<error>: <cause>` sanitised (Lambda's JSON reduced to its message). */
function errorsOf(step: PathStep): string {
  const last = step.failures[step.failures.length - 1];
  if (last === undefined) return '';
  const more = step.failures.length > 1 ? ` (${step.failures.length} failed attempts)` : '';
  const cause = causeText(last.cause, CAUSE_MAX_CHARS);
  return `${sanitise(last.error, 100)}${cause ? `: ${cause}` : ''}${more}`;
}

/** The Path table: one row per state entered, in order, coloured by how the entry ended. */
function pathRows(steps: readonly PathStep[], started: number): string[] {
  return steps.map((step) => {
    const duration = step.exitedAt
      ? `${((step.exitedAt.getTime() - step.enteredAt.getTime()) / 1000).toFixed(2)} s`
      : '';
    return `<tr class="${step.outcome}"><td>${at(step.enteredAt, started)}</td><td>${escapeHtml(step.name)}</td><td>${escapeHtml(step.outcome)}</td><td>${duration}</td><td>${retriesOf(step)}</td><td>${escapeHtml(errorsOf(step))}</td></tr>`;
  });
}

/**
 * A self-contained HTML page (no script, no external resource) of one local execution, read from
 * its history in the shape Step Functions records it (../sfn/history-events.ts): the failure's
 * cause; the Path — every state entered, in order, with its time, duration, retries and the error
 * and cause of any failed attempt, coloured ok / retried / caught / failed; and every state of the
 * synthesized definition with the visited ones coloured. All text is escaped.
 */
export function executionHtml(definition: AslDefinition, run: RotationRun, title: string): string {
  const path = executionPath(awsHistory(run.execution, definition));
  const started = path.steps[0]?.enteredAt.getTime() ?? run.execution.events[0]?.timestamp ?? 0;
  const stats = new Map<string, { firstAt: Date; entered: number; retried: number; failed: boolean }>();
  for (const step of path.steps) {
    const current = stats.get(step.name) ?? {
      firstAt: step.enteredAt,
      entered: 0,
      retried: 0,
      failed: false,
    };
    current.entered += 1;
    current.retried += retriesOf(step);
    if (step.outcome === 'failed') current.failed = true;
    stats.set(step.name, current);
  }
  const failedEnd = run.summary.status === 'FAILED';
  const rows = Object.entries(definition.States).map(([name, state]) => {
    const stat = stats.get(name);
    const outcome: Outcome =
      stat === undefined
        ? 'not-visited'
        : stat.failed || (failedEnd && state.Type === 'Fail')
          ? 'failed'
          : 'visited';
    return `<tr class="${outcome}"><td>${escapeHtml(name)}</td><td>${escapeHtml(state.Type)}</td><td>${
      stat ? at(stat.firstAt, started) : ''
    }</td><td>${stat?.entered ?? 0}</td><td>${stat?.retried ?? 0}</td></tr>`;
  });
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d2a35}
table{border-collapse:collapse;min-width:40rem}td,th{padding:.35rem .8rem;border-bottom:1px solid #dde3e8;text-align:left}
tr.visited td:first-child{border-left:.4rem solid #2e8540;font-weight:600}
tr.failed td:first-child{border-left:.4rem solid #c0392b;font-weight:600}
tr.not-visited{color:#9aa5ad}tr.not-visited td:first-child{border-left:.4rem solid #dde3e8}
tr.ok td:first-child{border-left:.4rem solid #2e8540}tr.retried td:first-child{border-left:.4rem solid #d4a017}
tr.retried{background:#fff8e1}tr.caught td:first-child{border-left:.4rem solid #e67e22}tr.caught{background:#fdebd0}
tr.running td:first-child{border-left:.4rem solid #2f6fb0}
.cause{border-left:.4rem solid #c0392b;padding:.5rem 1rem;background:#fdecea}
.status{font-size:1.2rem;font-weight:700}.SUCCEEDED{color:#2e8540}.FAILED{color:#c0392b}
pre{background:#f4f6f8;padding:1rem;overflow:auto}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="status ${escapeHtml(run.summary.status)}">${escapeHtml(run.summary.status)}${run.summary.error ? ` (${escapeHtml(run.summary.error)})` : ''} in ${(run.summary.durationMs / 1000).toFixed(1)} s, ${run.summary.transitions} transitions</p>
${run.summary.cause ? `<p class="cause">Cause: ${escapeHtml(run.summary.cause)}</p>\n` : ''}<p>Execution <code>${escapeHtml(run.execution.name)}</code>${run.execution.redriveCount ? `, redriven ${run.execution.redriveCount}×` : ''}. Green: visited; red: where it failed; grey: not visited.</p>
<h2>Path</h2>
<p>Every state entered, in order. Green: ok; yellow: an attempt failed and a retry succeeded; orange: it failed and a Catch went on; red: the execution failed there.</p>
<table class="path"><thead><tr><th>Entered</th><th>State</th><th>Outcome</th><th>Duration</th><th>Retries</th><th>Error and cause</th></tr></thead>
<tbody>${pathRows(path.steps, started).join('\n')}</tbody></table>
<h2>States</h2>
<table><thead><tr><th>State</th><th>Type</th><th>First entered</th><th>Runs</th><th>Retries</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<h2>Summary</h2><pre>${escapeHtml(JSON.stringify(run.summary, null, 2))}</pre>
</body></html>
`;
}
