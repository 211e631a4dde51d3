import pkg from '../../package.json';

/** The web app's version, from apps/web/package.json. */
export const WEB_VERSION: string = pkg.version;
