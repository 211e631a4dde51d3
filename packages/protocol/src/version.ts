/**
 * Version of the agent <-> control-plane protocol. Bump it on any change that an
 * older peer could misread; both sides refuse a handshake with another version.
 */
export const PROTOCOL_VERSION = 2;
// 2: sandbox:exec and sandbox:writeFile (agent), lesson:check/setup/createFile (browser).

/** socket.io namespace that agents dial into on the gateway. */
export const AGENT_NAMESPACE = '/agent';
