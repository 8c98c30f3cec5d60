/** The pure anti-entropy core: incremental Merkle trees, their comparison, and the repair budget. */

export { RepairBudget, type RepairLimits, TokenBucket } from './budget.js';
export {
  differingChildren,
  differingKeys,
  differingSegments,
  diffLeaves,
  diffTrees,
  type KeyDifference,
} from './diff.js';
export { MerkleTree, type TreeEntry } from './merkle-tree.js';
export {
  type Digest,
  SEGMENTS_DEFAULT,
  SEGMENTS_MAX,
  sameDigest,
  segmentOf,
  versionDigest,
} from './segment-hash.js';
export {
  FANOUT_DEFAULT,
  FANOUT_MAX,
  type LevelReader,
  type MaybePromise,
  type TreeShape,
  treeShape,
} from './tree-shape.js';
