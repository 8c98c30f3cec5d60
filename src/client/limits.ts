/** Bounds of the SDK's stream transport, unit last (the shared ones are in src/common/limits.ts). */

/** Most requests awaiting a reply on one node's stream before new ones fail as OVERLOADED. */
export const CLIENT_STREAM_INFLIGHT_MAX = 20_000;
/** Most messages in one frame sent on a stream. */
export const CLIENT_FRAME_MESSAGES_MAX = 256;
/** Most approximate payload bytes in one frame (a single larger request still goes alone). */
export const CLIENT_FRAME_BYTES_MAX = 4 * 1024 * 1024;
/** Room left in a gRPC message for everything but key, value and context. */
export const CLIENT_REQUEST_OVERHEAD_BYTES = 4096;
/** Fail-fast window after a node refused a stream: first and last step of the backoff. */
export const CLIENT_STREAM_RECONNECT_MS_MIN = 50;
export const CLIENT_STREAM_RECONNECT_MS_MAX = 1000;
/** A node whose oldest request has waited this long with no frame back is routed around. */
export const CLIENT_STALL_MS = 1000;
/** While routed around, the node is probed this often (and each probe waits this long). */
export const CLIENT_PROBE_MS = 500;
