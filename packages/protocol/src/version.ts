/**
 * Version of the agent <-> control-plane protocol. Bump it on any change that an
 * older peer could misread; both sides refuse a handshake with another version.
 */
export const PROTOCOL_VERSION = 5;
// 2: sandbox:exec and sandbox:writeFile (agent), lesson:check/setup/createFile (browser).
// 3: the workspace: sandbox:readFile/listDir/stat/removePath/renamePath/makeDir/watch,
//    writeFile with bytes and a version to match (its answer carries the new version),
//    sandbox:filesChanged/ports, preview:* streams (agent); fs:*, preview:open (browser).
// 4: warm pools in the agent's capacity, sandboxId in SandboxInfo (the speed work).
// 5: packets travel as MessagePack (wire.ts), one WebSocket frame per packet. A peer
//    with the default parser cannot even send its handshake: its socket is closed.

/** socket.io namespace that agents dial into on the gateway. */
export const AGENT_NAMESPACE = '/agent';
