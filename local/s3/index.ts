/** The S3 stand-in of the local environment. */
export * from './checksums';
export * from './server';
export * from './store';
