import type { AslDefinition } from '../sfn/engine';
import type { RotationRun } from './rotate';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

type Outcome = 'visited' | 'failed' | 'not-visited';

/**
 * A self-contained HTML page (no script, no external resource) of one local execution: every
 * state of the synthesized definition in order, the visited path coloured, with when each state
 * was first entered, how often it ran and was retried, and the run's summary.
 */
export function executionHtml(definition: AslDefinition, run: RotationRun, title: string): string {
  const started = run.execution.events[0]?.timestamp ?? 0;
  const stats = new Map<string, { firstAt: number; entered: number; retried: number; failed: boolean }>();
  for (const event of run.execution.events) {
    if (!('state' in event)) continue;
    const current = stats.get(event.state.name) ?? {
      firstAt: event.timestamp,
      entered: 0,
      retried: 0,
      failed: false,
    };
    if (event.type === 'StateEntered') current.entered += 1;
    if (event.type === 'StateRetried') current.retried += 1;
    if (
      event.type === 'StateFailed' &&
      !run.execution.events.some(
        (later) => later.type === 'StateCaught' && later.state.name === event.state.name,
      )
    )
      current.failed = true;
    stats.set(event.state.name, current);
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
      stat ? `+${((stat.firstAt - started) / 1000).toFixed(2)} s` : ''
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
.status{font-size:1.2rem;font-weight:700}.SUCCEEDED{color:#2e8540}.FAILED{color:#c0392b}
pre{background:#f4f6f8;padding:1rem;overflow:auto}
</style></head><body>
<h1>${escapeHtml(title)}</h1>
<p class="status ${escapeHtml(run.summary.status)}">${escapeHtml(run.summary.status)}${run.summary.error ? ` (${escapeHtml(run.summary.error)})` : ''} in ${(run.summary.durationMs / 1000).toFixed(1)} s, ${run.summary.transitions} transitions</p>
<p>Execution <code>${escapeHtml(run.execution.name)}</code>${run.execution.redriveCount ? `, redriven ${run.execution.redriveCount}×` : ''}. Green: visited; red: where it failed; grey: not visited.</p>
<table><thead><tr><th>State</th><th>Type</th><th>First entered</th><th>Runs</th><th>Retries</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table>
<h2>Summary</h2><pre>${escapeHtml(JSON.stringify(run.summary, null, 2))}</pre>
</body></html>
`;
}
