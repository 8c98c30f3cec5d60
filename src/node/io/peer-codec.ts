/** Maps the node's peer messages to and from their protobuf form (ringkv.v1.PeerMessage). */
import type { ErrorDetails } from '../../common/errors.js';
import type { PeerMessage, PeerMessage__Output } from '../../gen/ringkv/v1/PeerMessage.js';
import type { PeerReply, PeerRequest } from '../env.js';

const EMPTY = new Uint8Array(0);

/** A request as a wire message. */
export function requestToWire(id: number, budgetMs: number, r: PeerRequest): PeerMessage {
  switch (r.type) {
    case 'replicaGet':
      return { id, budgetMs, replicaGet: { key: r.key, forNode: r.forNode } };
    case 'replicaPut':
      return { id, budgetMs, replicaPut: { key: r.key, state: r.state, forNode: r.forNode } };
    case 'gossip':
      return { id, budgetMs, gossip: { epoch: r.epoch, heartbeats: [...r.heartbeats] } };
    case 'treeRequest':
      return { id, budgetMs, treeRequest: { partition: r.partition, root: r.root } };
    case 'segmentRequest':
      return { id, budgetMs, segmentRequest: { partition: r.partition, segments: [...r.segments] } };
    case 'purge':
      return { id, budgetMs, purge: { key: r.key, state: r.state } };
    case 'transferPull':
      return { id, budgetMs, transferPull: { partition: r.partition, after: r.after, limit: r.limit } };
    case 'partitionStats':
      return { id, budgetMs, partitionStats: { partitions: [...r.partitions] } };
    case 'coordinatePut':
      return {
        id,
        budgetMs,
        coordinatePut: {
          key: r.key,
          value: r.value,
          context: r.context,
          delete: r.delete,
          options: r.options,
          hops: r.hops,
        },
      };
  }
}

/** A wire message as a request, or null if it is not one. */
export function requestFromWire(m: PeerMessage__Output): PeerRequest | null {
  switch (m.body) {
    case 'replicaGet':
      return m.replicaGet ? { type: 'replicaGet', key: m.replicaGet.key, forNode: m.replicaGet.forNode } : null;
    case 'replicaPut': {
      const p = m.replicaPut;
      return p ? { type: 'replicaPut', key: p.key, state: p.state, forNode: p.forNode } : null;
    }
    case 'gossip':
      return m.gossip ? { type: 'gossip', epoch: m.gossip.epoch, heartbeats: m.gossip.heartbeats } : null;
    case 'treeRequest':
      return m.treeRequest
        ? { type: 'treeRequest', partition: m.treeRequest.partition, root: m.treeRequest.root }
        : null;
    case 'segmentRequest': {
      const q = m.segmentRequest;
      return q ? { type: 'segmentRequest', partition: q.partition, segments: q.segments } : null;
    }
    case 'purge':
      return m.purge ? { type: 'purge', key: m.purge.key, state: m.purge.state } : null;
    case 'transferPull': {
      const t = m.transferPull;
      return t ? { type: 'transferPull', partition: t.partition, after: t.after, limit: t.limit } : null;
    }
    case 'partitionStats':
      return m.partitionStats ? { type: 'partitionStats', partitions: m.partitionStats.partitions } : null;
    case 'coordinatePut': {
      const c = m.coordinatePut;
      if (!c) return null;
      const options = c.options ?? { consistency: '', r: 0, w: 0, timeoutMs: 0, strict: false };
      return {
        type: 'coordinatePut',
        key: c.key,
        value: c.value,
        context: c.context,
        delete: c.delete,
        options,
        hops: Math.max(1, c.hops),
      };
    }
    default:
      return null;
  }
}

/** A reply as a wire message. */
export function replyToWire(id: number, r: PeerReply): PeerMessage {
  switch (r.type) {
    case 'replicaReply':
      return { id, replicaReply: { found: r.found, state: r.state } };
    case 'coordinateReply':
      return { id, coordinateReply: { response: r.response } };
    case 'gossipReply':
      return { id, gossipReply: { epoch: r.epoch, heartbeats: [...r.heartbeats] } };
    case 'treeReply':
      return { id, treeReply: { equal: r.equal, leaves: r.leaves } };
    case 'segmentReply':
      return { id, segmentReply: { entries: [...r.entries], truncated: r.truncated } };
    case 'transferChunk':
      return { id, transferChunk: { entries: [...r.entries], done: r.done } };
    case 'partitionStatsReply':
      return { id, partitionStatsReply: { stats: [...r.stats] } };
    case 'error': {
      const d = r.details ?? {};
      return {
        id,
        error: {
          code: r.code,
          message: r.message,
          field: d.field ?? '',
          limit: d.limit ?? 0,
          missing: [...(d.missing ?? [])],
        },
      };
    }
  }
}

/** A wire message as a reply, or null if it is not one. */
export function replyFromWire(m: PeerMessage__Output): PeerReply | null {
  switch (m.body) {
    case 'replicaReply':
      return { type: 'replicaReply', found: m.replicaReply?.found ?? false, state: m.replicaReply?.state ?? EMPTY };
    case 'coordinateReply':
      return m.coordinateReply?.response ? { type: 'coordinateReply', response: m.coordinateReply.response } : null;
    case 'gossipReply':
      return m.gossipReply
        ? { type: 'gossipReply', epoch: m.gossipReply.epoch, heartbeats: m.gossipReply.heartbeats }
        : null;
    case 'treeReply':
      return m.treeReply ? { type: 'treeReply', equal: m.treeReply.equal, leaves: m.treeReply.leaves } : null;
    case 'segmentReply':
      return m.segmentReply
        ? { type: 'segmentReply', entries: m.segmentReply.entries, truncated: m.segmentReply.truncated }
        : null;
    case 'transferChunk':
      return m.transferChunk
        ? { type: 'transferChunk', entries: m.transferChunk.entries, done: m.transferChunk.done }
        : null;
    case 'partitionStatsReply':
      return m.partitionStatsReply ? { type: 'partitionStatsReply', stats: m.partitionStatsReply.stats } : null;
    case 'error': {
      const e = m.error;
      if (!e) return { type: 'error', code: 'INTERNAL', message: 'empty error reply' };
      const details: ErrorDetails = {
        ...(e.field === '' ? {} : { field: e.field }),
        ...(e.limit === 0 ? {} : { limit: e.limit }),
        ...(e.missing.length === 0 ? {} : { missing: e.missing }),
      };
      return {
        type: 'error',
        code: e.code,
        message: e.message,
        ...(Object.keys(details).length === 0 ? {} : { details }),
      };
    }
    default:
      return null;
  }
}
