/**
 * The Node.js the product needs: 22 or later, the Lambda runtime it is built and tested on
 * (`nodejs22.x`). Older Nodes lack APIs the code uses (Promise.withResolvers among them) and would
 * fail later, deep inside a command; every entry point checks first and stops with one line.
 */

/** The oldest major version the package runs on (package.json `engines`). */
export const MINIMUM_NODE_MAJOR = 22;

/** The one line an older Node gets, or undefined when `version` is new enough. */
export function nodeVersionProblem(version: string = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  if (Number.isInteger(major) && major >= MINIMUM_NODE_MAJOR) return undefined;
  return `ses-byodkim-rotation needs Node.js ${MINIMUM_NODE_MAJOR} or later; this is Node.js ${version}.`;
}
