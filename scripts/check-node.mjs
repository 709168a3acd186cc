// Fails early, with the fix, when the tests would run on a Node older than the project's runtime.
// The `node` devDependency (Node 22, the Lambda runtime) comes first on the PATH of npm scripts.
const [major] = process.versions.node.split('.').map(Number);
if (major < 22) {
  console.error(
    `Node ${process.versions.node} is running the tests; this project runs on Node 22 (Lambda nodejs22.x).\n` +
      'Run the tests through npm (npm test), which puts the node devDependency first on the PATH, after npm ci.',
  );
  process.exit(1);
}
