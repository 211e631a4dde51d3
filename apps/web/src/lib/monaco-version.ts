/**
 * The installed monaco-editor's version: the browser loads Monaco from
 * /_berth/monaco/<this>/vs (server.ts serves the package's files there, cached for
 * good). A unit test checks it against the installed package.
 */
export const MONACO_VERSION = '0.57.0';
