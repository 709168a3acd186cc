// The task handlers create their Powertools loggers when imported. Locally their lines would mix
// into the CLI's output (and `--json` must print one JSON object only), so they are silenced
// unless the caller asked for a level; the logic's own lines go to the CaptureLogger instead.
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
