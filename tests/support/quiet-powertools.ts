// Powertools loggers and metrics write straight to stdout, past jest's console capture: silent
// unless a test asks otherwise (tests/tasks/monitor.test.ts turns metrics on to read its EMF).
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
