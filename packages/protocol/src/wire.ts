/**
 * How socket.io packets travel on the wire, for every socket in Berth (browser <->
 * gateway <-> agent). MessagePack (socket.io's own msgpack parser) sends a packet
 * that carries bytes, such as terminal output, as ONE WebSocket frame; the default
 * parser sends a text frame plus one binary frame per attachment, which doubled the
 * writes (system calls) per terminal message in the gateway and the agent.
 * Both ends of a socket must use the same parser.
 */
import * as msgpackParser from 'socket.io-msgpack-parser';

export const wireParser = msgpackParser;
