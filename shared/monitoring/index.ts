/** The monitor's shared pure logic: health evaluation, metric contract, pacing. */
export * from './evaluate';
export * from './metrics';
export * from './notification';
export * from './pacer';
