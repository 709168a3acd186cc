/** The Route 53 stand-in of the local environment. */
export * from './change-batch';
export * from './change-log';
export * from './errors';
export * from './hosted-zone';
export * from './names';
export * from './server';
export * from './txt-value';
