/** The SES v2 stand-in of the local environment. */
export * from './errors';
export * from './identities';
export * from './key-publication';
export * from './server';
