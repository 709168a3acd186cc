/** The rotation's contracts shared by tasks, the workflow, the CLI and the local environment. */
export * from './approval-links';
export * from './approvals';
export * from './aws-errors';
export * from './key-metadata';
export * from './key-store';
export * from './runtime';
export * from './ses-signing';
export * from './start-rotation';
export * from './state';
