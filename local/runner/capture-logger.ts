import type { TaskLogger } from '../../shared/rotation/runtime';

/** A log line as the task code wrote it. */
export interface CapturedLog {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly attributes: readonly unknown[];
}

/** A logger that keeps every line (the leak scan reads them) and can echo them. */
export class CaptureLogger implements TaskLogger {
  readonly lines: CapturedLog[] = [];

  constructor(private readonly echo?: (line: string) => void) {}

  info(message: string, ...attributes: unknown[]): void {
    this.add('info', message, attributes);
  }

  warn(message: string, ...attributes: unknown[]): void {
    this.add('warn', message, attributes);
  }

  error(message: string, ...attributes: unknown[]): void {
    this.add('error', message, attributes);
  }

  /** Every line as JSON text, as CloudWatch Logs would store it. */
  texts(): string[] {
    return this.lines.map((line) => JSON.stringify(line));
  }

  private add(level: CapturedLog['level'], message: string, attributes: unknown[]): void {
    this.lines.push({ level, message, attributes });
    this.echo?.(
      `${level.toUpperCase()} ${message} ${attributes.map((value) => JSON.stringify(value)).join(' ')}`,
    );
  }
}
