export * from './schema';
export * from './problems';
export * from './markdown';
export * from './images';
export * from './course';
export * from './scripts';
