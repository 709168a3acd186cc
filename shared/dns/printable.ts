/**
 * `printable` lives with the sanitiser in shared/sanitise.ts (one implementation); this path is
 * kept for the DNS modules and other callers that import it from here.
 */
export { printable } from '../sanitise';
