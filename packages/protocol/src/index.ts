export * from './version';
export * from './errors';
export * from './limits';
export * from './sandbox';
export * from './terminal';
export * from './events';
export * from './schemas';
export * from './browser';
