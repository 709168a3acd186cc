/** The rotation's contracts shared by tasks, the workflow, the CLI and the local environment. */
export * from './approvals';
export * from './aws-errors';
export * from './key-store';
export * from './runtime';
export * from './ses-signing';
export * from './start-rotation';
export * from './state';
