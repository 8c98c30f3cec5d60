/** Conversions between the SDK's public types and their wire form. */
import type { ChangePlan__Output } from '../gen/ringkv/v1/ChangePlan.js';
import type { NodeStatus__Output } from '../gen/ringkv/v1/NodeStatus.js';
import type { Receipt__Output } from '../gen/ringkv/v1/Receipt.js';
import type { ChangePlanResult, MemberStatus, Receipt, TransferStatus } from './types.js';

/** A wire receipt as the public Receipt (empty strings become absent fields). */
export function receiptFromWire(r: Receipt__Output | null): Receipt {
  if (r === null) return { coordinator: '', replies: [], readRepair: false, required: 0, n: 0 };
  return {
    coordinator: r.coordinator,
    replies: r.replies.map((x) => ({
      nodeId: x.nodeId,
      role: x.role === 'fallback' ? 'fallback' : 'primary',
      ok: x.ok,
      ...(x.forNode === '' ? {} : { forNode: x.forNode }),
      ...(x.error === '' ? {} : { error: x.error }),
    })),
    readRepair: r.readRepair,
    required: r.required,
    n: r.n,
  };
}

/** A node's status answer as a MemberStatus. */
export function memberStatusFromWire(s: NodeStatus__Output): MemberStatus {
  return {
    id: s.id,
    address: s.address,
    reachable: true,
    actor: s.actor,
    state: s.state,
    partitionsOwned: s.partitionsOwned,
    keys: s.keys,
    uptimeS: s.uptimeS,
    pid: s.pid,
    rssMb: s.rssMb,
    framedStreams: s.framedStreams,
    requests: s.requests,
    requestErrors: s.requestErrors,
    syncMode: s.syncMode,
    peers: s.peers.map((p) => ({
      nodeId: p.nodeId,
      state: p.state,
      lastSeenAgoMs: p.lastSeenAgoMs,
      phi: p.phiX100 / 100,
    })),
    hints: s.hints.map((h) => ({ nodeId: h.nodeId, count: h.count, bytes: h.bytes })),
    handoffRate: s.handoffRate,
    handoffsTotal: s.handoffsTotal,
    readRepairs: s.readRepairs,
    hintsDropped: s.hintsDropped,
    partitionsReplicated: s.partitionsReplicated,
    partitionsInSync: s.partitionsInSync,
    lastExchangeAgeS: s.lastExchangeAgeS,
    keysRepaired: s.keysRepaired,
    tombstonesPending: s.tombstonesPending,
    transfers: s.transfers.map((t) => ({
      partition: t.partition,
      source: t.source,
      state: transferState(t.state),
      keysDone: t.keysDone,
      bytesDone: t.bytesDone,
      keysTotal: t.keysTotal,
      bytesTotal: t.bytesTotal,
      rateKeysPerS: t.rateKeysPerS,
      etaS: t.etaS,
      resumedAtKeys: t.resumedAtKeys,
    })),
    partitionsReleasing: s.partitionsReleasing,
    ringEpoch: s.ringEpoch,
  };
}

function transferState(s: string): TransferStatus['state'] {
  return s === 'copying' || s === 'syncing' || s === 'done' ? s : 'waiting';
}

/** A change plan from its wire form. */
export function changePlanFromWire(p: ChangePlan__Output): ChangePlanResult {
  return {
    kind: p.kind === 'leave' ? 'leave' : 'join',
    nodeId: p.nodeId,
    address: p.address,
    epoch: p.epoch,
    committed: p.committed,
    stagedEpoch: p.stagedEpoch,
    ownerMoves: p.ownerMoves.map((m) => ({ partition: m.partition, from: m.from, to: m.to })),
    replicaMoves: p.replicaMoves.map((m) => ({
      partition: m.partition,
      gains: m.gains,
      losses: m.losses,
      known: m.known,
      keys: m.keys,
      bytes: m.bytes,
    })),
    balance: p.balance.map((b) => ({ nodeId: b.nodeId, before: b.before, after: b.after })),
    copies: p.copies,
    keys: p.keys,
    bytes: p.bytes,
    unknownPartitions: p.unknownPartitions,
  };
}

/** A member that did not answer its status call. */
export function unreachableMember(id: string, address: string, error: string): MemberStatus {
  return {
    id,
    address,
    reachable: false,
    error,
    actor: '',
    state: 'unreachable',
    partitionsOwned: 0,
    keys: 0,
    uptimeS: 0,
    pid: 0,
    rssMb: 0,
    framedStreams: 0,
    requests: 0,
    requestErrors: 0,
    syncMode: '',
    peers: [],
    hints: [],
    handoffRate: 0,
    handoffsTotal: 0,
    readRepairs: 0,
    hintsDropped: 0,
    partitionsReplicated: 0,
    partitionsInSync: 0,
    lastExchangeAgeS: 0,
    keysRepaired: 0,
    tombstonesPending: 0,
    transfers: [],
    partitionsReleasing: 0,
    ringEpoch: 0,
  };
}

/** A key or value given as a string or bytes, as bytes. */
export function toBytes(v: string | Uint8Array): Buffer {
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}
