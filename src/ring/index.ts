/** The pure ring layer: key hashing, partitions, claim, preference lists and the ring's wire form. */

export { claimInitial, claimJoin, claimLeave, type Move, movedPartitions } from './claim.js';
export { keyBytes, keyHash32, partitionOf } from './hash.js';
export { type PreferenceList, preferenceList, preferenceListForKey } from './preference-list.js';
export { createRing, type Member, memberById, ownerCounts, partitionsOf, type Ring } from './ring.js';
export { ringFromView, ringToView } from './ring-view.js';
