/**
 * `npm run demo`: rehearses a complete rotation of a demo domain on the embedded environment —
 * from its current key to a new one, through the DNS team's approval, the check on every name
 * server, SES and the retirement of the old record — and prints each state as it is entered.
 */
import { runCli } from '../cli/main';
import { DEMO_SCENARIO } from './scenario';

void runCli([process.argv[0] ?? 'node', 'byodkim', 'local', 'rotate', '--scenario', DEMO_SCENARIO]).then(
  (code) => {
    process.exitCode = code;
  },
);
