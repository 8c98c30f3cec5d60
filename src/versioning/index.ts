/** The pure versioning layer: DVV sets, their binary codec, and the opaque client context. */
export { decodeContext, encodeContext } from './context.js';
export { decodeDvvSet, encodeDvvSet } from './dvv-codec.js';
export type { Actor, Dot, DvvSet, Sibling, VersionVector } from './dvv-set.js';
export {
  descends,
  EMPTY_DVV_SET,
  equalDvv,
  isDeleted,
  joinVV,
  liveValues,
  siblingCount,
  sync,
  update,
} from './dvv-set.js';
