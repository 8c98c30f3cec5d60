import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RingView__Output } from '../../src/gen/ringkv/v1/RingView.js';
import { claimJoin, claimLeave, movedPartitions } from '../../src/ring/claim.js';
import {
  type ChangePlan,
  completeChange,
  incomingReplicas,
  type MembershipChange,
  nextRing,
  planChange,
  refusal,
  stageChange,
} from '../../src/ring/plan.js';
import { preferenceList } from '../../src/ring/preference-list.js';
import { createRing, type Member, ownerCounts, type Ring } from '../../src/ring/ring.js';
import { ringFromView, ringToView } from '../../src/ring/ring-view.js';

const QS = [16, 64, 256] as const;
const N = 3;

function member(i: number): Member {
  return { id: `n${i}`, address: `127.0.0.1:${7100 + i}` };
}

function ringOf(size: number, q: number): Ring {
  return createRing({ cluster: 'c', q, n: N, members: Array.from({ length: size }, (_, i) => member(i + 1)) });
}

function join(m: Member): MembershipChange {
  return { kind: 'join', member: m };
}

function leave(id: string): MembershipChange {
  return { kind: 'leave', id };
}

// The replica sets that change, computed from preference lists of the two rings, not from the plan.
function expectedReplicaMoves(before: Ring, after: Ring) {
  const moves: { partition: number; gains: string[]; losses: string[] }[] = [];
  for (let p = 0; p < before.q; p++) {
    const was = preferenceList(before, p).primaries;
    const will = preferenceList(after, p).primaries;
    if (was.join() === will.join()) continue;
    moves.push({
      partition: p,
      gains: will.filter((id) => !was.includes(id)),
      losses: was.filter((id) => !will.includes(id)),
    });
  }
  return moves;
}

// Every property a plan and the rings it leads to must have; `ring` is any settled ring.
function checkPlan(ring: Ring, change: MembershipChange): { plan: ChangePlan; staged: Ring; done: Ring } {
  expect(refusal(ring, change)).toBeNull();
  const plan = planChange(ring, change);
  const joinerId = change.kind === 'join' ? change.member.id : undefined;
  const expectedNext =
    change.kind === 'join' ? claimJoin(ring.owners, change.member.id) : claimLeave(ring.owners, change.id);
  expect(plan.epoch).toBe(ring.epoch);
  expect(plan.nextOwners).toEqual(expectedNext);
  expect(plan.ownerMoves).toEqual(movedPartitions(ring.owners, plan.nextOwners));
  for (const move of plan.ownerMoves) {
    if (change.kind === 'join') expect(move.to).toBe(joinerId);
    else expect(move.from).toBe(change.id);
  }

  const staged = stageChange(ring, plan);
  expect(staged.epoch).toBe(ring.epoch + 1);
  expect(staged.owners).toEqual(ring.owners);
  expect(staged.next).toEqual(plan.nextOwners);
  expect(staged.departed).toEqual(ring.departed);
  const stagedIds = staged.members.map((m) => m.id);
  if (change.kind === 'join') {
    expect(staged.members).toContainEqual(change.member);
    expect(stagedIds).toEqual([...ring.members.map((m) => m.id), change.member.id].sort());
  } else {
    expect(staged.members).toEqual(ring.members);
  }

  const done = completeChange(staged);
  expect(done.epoch).toBe(ring.epoch + 2);
  expect(done.owners).toEqual(plan.nextOwners);
  expect(done.next).toBeUndefined();
  if (change.kind === 'leave') {
    expect(done.members.map((m) => m.id)).not.toContain(change.id);
    expect(done.members).toHaveLength(ring.members.length - 1);
    expect(done.departed).toContain(change.id);
  } else {
    expect(done.members).toEqual(staged.members);
    expect(done.departed).toEqual(ring.departed);
  }

  expect(plan.replicaMoves).toEqual(expectedReplicaMoves(ring, done));
  for (let p = 0; p < ring.q; p++) {
    const move = plan.replicaMoves.find((m) => m.partition === p);
    expect(incomingReplicas(staged, p)).toEqual(move?.gains ?? []);
  }

  const after = ownerCounts(done);
  const before = ownerCounts(ring);
  const ids = [...new Set([...before.keys(), ...after.keys(), ...(joinerId === undefined ? [] : [joinerId])])].sort();
  expect(plan.balance).toEqual(ids.map((id) => ({ id, before: before.get(id) ?? 0, after: after.get(id) ?? 0 })));
  const ideal = ring.q / done.members.length;
  for (const row of plan.balance) {
    if (change.kind === 'leave' && row.id === change.id) expect(row.after).toBe(0);
    else expect(Math.abs(row.after - ideal), `${row.id} owns ${row.after} of ${ring.q}`).toBeLessThan(1);
  }
  return { plan, staged, done };
}

describe('planChange, stageChange and completeChange on fresh rings', () => {
  it('join: S = 1..12 nodes, q in {16, 64, 256}', () => {
    for (const q of QS) {
      for (let size = 1; size <= 12; size++) {
        const ring = ringOf(size, q);
        const { plan } = checkPlan(ring, join(member(size + 1)));
        // Only the joiner gains partitions, and it gets its share.
        expect(plan.ownerMoves.length).toBe(Math.floor(q / (size + 1)));
      }
    }
  });

  it('leave of each member: S = 4..12 nodes (n = 3 must remain), q in {16, 64, 256}', () => {
    for (const q of QS) {
      for (let size = N + 1; size <= 12; size++) {
        const ring = ringOf(size, q);
        for (const leaver of ring.members) {
          const { plan } = checkPlan(ring, leave(leaver.id));
          expect(plan.ownerMoves.length).toBe(ownerCounts(ring).get(leaver.id));
        }
      }
    }
  });

  it('is a pure function of the ring and the change', () => {
    const ring = ringOf(5, 64);
    expect(planChange(ring, join(member(6)))).toEqual(planChange(ringOf(5, 64), join(member(6))));
    const plan = planChange(ring, leave('n2'));
    expect(stageChange(ring, plan)).toEqual(stageChange(ring, plan));
    expect(ring.next).toBeUndefined();
    expect(ring.epoch).toBe(1);
  });

  it('lists the joiner in the balance with 0 partitions before', () => {
    const plan = planChange(ringOf(5, 256), join(member(6)));
    expect(plan.balance.find((row) => row.id === 'n6')).toEqual({ id: 'n6', before: 0, after: 42 });
    expect(plan.balance.reduce((sum, row) => sum + row.before, 0)).toBe(256);
    expect(plan.balance.reduce((sum, row) => sum + row.after, 0)).toBe(256);
  });

  it('stages a ring whose `next` ring still lists the leaver, and completes without it', () => {
    const ring = ringOf(5, 64);
    const staged = stageChange(ring, planChange(ring, leave('n3')));
    expect(nextRing(staged)?.members.map((m) => m.id)).toContain('n3');
    expect(nextRing(staged)?.owners).not.toContain('n3');
    expect(completeChange(staged).departed).toEqual(['n3']);
    expect(nextRing(ring)).toBeUndefined();
  });

  it('refuses to stage a plan made for another epoch, or to complete when nothing is staged', () => {
    const ring = ringOf(5, 64);
    const plan = planChange(ring, join(member(6)));
    expect(() => stageChange({ ...ring, epoch: 2 }, plan)).toThrow(/the plan is for epoch 1, the ring is at 2/);
    expect(() => completeChange(ring)).toThrow(/no change is in progress/);
  });
});

// A ring after a random history of completed joins and leaves, and a change to try on it.
const histories = fc
  .record({
    q: fc.constantFrom(...QS),
    size: fc.integer({ min: 1, max: 12 }),
    ops: fc.array(fc.record({ join: fc.boolean(), pick: fc.nat() }), { maxLength: 6 }),
    last: fc.record({ join: fc.boolean(), pick: fc.nat() }),
  })
  .map(({ q, size, ops, last }) => {
    let ring = ringOf(size, q);
    let nextIndex = size + 1;
    const changeFor = (op: { join: boolean; pick: number }): MembershipChange | null => {
      if (op.join && ring.members.length < q) return join(member(nextIndex++));
      if (!op.join && ring.members.length > N) return leave(ring.members[op.pick % ring.members.length]!.id);
      return null;
    };
    for (const op of ops) {
      const change = changeFor(op);
      if (change !== null) ring = completeChange(stageChange(ring, planChange(ring, change)));
    }
    return { ring, change: changeFor(last) };
  });

describe('plans after a history of changes (property)', () => {
  it('keep every invariant of a plan', () => {
    fc.assert(
      fc.property(histories, ({ ring, change }) => {
        if (change !== null) checkPlan(ring, change);
      }),
      { numRuns: 150 },
    );
  });

  it('never let a departed id back in', () => {
    fc.assert(
      fc.property(histories, ({ ring }) => {
        for (const id of ring.departed ?? []) {
          const why = refusal(ring, join({ id, address: '10.9.9.9:1' }));
          expect(why?.field).toBe('node_id');
          expect(why?.message).toContain(`${id} left this cluster and cannot rejoin under the same id`);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('refusal', () => {
  const ring = ringOf(5, 64);

  it('accepts a new node and the leave of a member', () => {
    expect(refusal(ring, join(member(6)))).toBeNull();
    expect(refusal(ring, leave('n5'))).toBeNull();
  });

  it('refuses any change while one is staged', () => {
    const staged = stageChange(ring, planChange(ring, join(member(6))));
    const again = refusal(staged, join(member(7)));
    expect(again?.field).toBe('address');
    expect(again?.message).toMatch(/another membership change is in progress \(staged at epoch 2\)/);
    expect(refusal(staged, leave('n1'))?.field).toBe('node_id');
    expect(refusal(staged, leave('n1'))?.message).toMatch(/in progress/);
    expect(() => planChange(staged, join(member(7)))).toThrow(/in progress/);
  });

  it('refuses a departed id, even at a new address', () => {
    const after = completeChange(stageChange(ring, planChange(ring, leave('n2'))));
    const why = refusal(after, join({ id: 'n2', address: '127.0.0.1:7999' }));
    expect(why?.field).toBe('node_id');
    expect(why?.message).toBe(
      'n2 left this cluster and cannot rejoin under the same id; start the node with a new --id and empty data',
    );
    expect(refusal(after, leave('n2'))?.message).toBe('n2 already left the cluster');
  });

  it("refuses a live member's id or address", () => {
    const sameId = refusal(ring, join({ id: 'n3', address: '127.0.0.1:7999' }));
    expect(sameId?.field).toBe('node_id');
    expect(sameId?.message).toBe('n3 is already a member of the cluster');
    const sameAddress = refusal(ring, join({ id: 'n9', address: '127.0.0.1:7104' }));
    expect(sameAddress?.field).toBe('address');
    expect(sameAddress?.message).toBe('127.0.0.1:7104 is the address of member n4');
  });

  it('refuses a join when every partition already has its own node', () => {
    const full = ringOf(16, 16);
    expect(refusal(full, join(member(17)))?.message).toMatch(/q = 16 partitions leave none for a node beyond 16/);
  });

  it('refuses leaving a non-member, or leaving fewer than n nodes', () => {
    expect(refusal(ring, leave('n9'))?.message).toBe('n9 is not a member of the cluster');
    const small = ringOf(N, 64);
    const why = refusal(small, leave('n1'));
    expect(why?.field).toBe('node_id');
    expect(why?.message).toBe('2 nodes would remain for n = 3 replicas; add a node first');
    expect(refusal(ringOf(N + 1, 64), leave('n1'))).toBeNull();
  });
});

describe('incomingReplicas', () => {
  it('is empty when no change is in progress', () => {
    const ring = ringOf(5, 16);
    for (let p = 0; p < ring.q; p++) expect(incomingReplicas(ring, p)).toEqual([]);
  });

  it("names the plan's gains, and includes the joiner for every partition it will own", () => {
    const ring = ringOf(5, 64);
    const plan = planChange(ring, join(member(6)));
    const staged = stageChange(ring, plan);
    for (const move of plan.ownerMoves) expect(incomingReplicas(staged, move.partition)).toContain('n6');
  });
});

describe('ring view of a ring with a change in progress', () => {
  it('round-trips next owners and departed ids', () => {
    const ring = ringOf(5, 64);
    const left = completeChange(stageChange(ring, planChange(ring, leave('n2'))));
    const staged = stageChange(left, planChange(left, join(member(6))));
    expect(staged.departed).toEqual(['n2']);
    expect(ringFromView(ringToView(staged) as RingView__Output)).toEqual(staged);
    const stagedLeave = stageChange(left, planChange(left, leave('n4')));
    expect(ringFromView(ringToView(stagedLeave) as RingView__Output)).toEqual(stagedLeave);
    expect(ringFromView(ringToView(left) as RingView__Output)).toEqual(left);
  });

  it('round-trips staged rings of any history (property)', () => {
    fc.assert(
      fc.property(histories, ({ ring, change }) => {
        const target = change === null ? ring : stageChange(ring, planChange(ring, change));
        expect(ringFromView(ringToView(target) as RingView__Output)).toEqual(target);
      }),
      { numRuns: 100 },
    );
  });

  it('rejects next owners of the wrong length or pointing past the members', () => {
    const ring = ringOf(5, 16);
    const view = ringToView(stageChange(ring, planChange(ring, join(member(6))))) as RingView__Output;
    expect(() => ringFromView({ ...view, nextOwners: view.nextOwners.slice(1) })).toThrow(
      'invalid RingView.nextOwners: must be empty or have q = 16 entries, got 15',
    );
    expect(() => ringFromView({ ...view, nextOwners: [...view.nextOwners, 0] })).toThrow(/nextOwners.*got 17/);
    const bad = [...view.nextOwners];
    bad[3] = 6;
    expect(() => ringFromView({ ...view, nextOwners: bad })).toThrow(/RingView\.nextOwners\[3\]: must index members/);
  });

  it('rejects a departed id that is still a member', () => {
    const view = ringToView(ringOf(5, 16)) as RingView__Output;
    expect(() => ringFromView({ ...view, departed: ['n3'] })).toThrow(/n3 is listed as departed/);
  });
});
