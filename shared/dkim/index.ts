/** DKIM domain code: keys, certificates, the SES key string, TXT records, selectors, domains. */
export * from './calendar';
export * from './certificate';
export * from './domain';
export * from './fingerprint';
export * from './keys';
export * from './secret';
export * from './selector';
export * from './ses-signing-key';
export * from './txt-record';
