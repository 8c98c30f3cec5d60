import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { encodeDvvSet, supersedesEncoded } from '../../src/versioning/dvv-codec.js';
import type { Actor, Dot, DvvSet, VersionVector } from '../../src/versioning/dvv-set.js';
import {
  descends,
  EMPTY_DVV_SET,
  equalDvv,
  isDeleted,
  joinVV,
  liveValues,
  siblingCount,
  sync,
  update,
} from '../../src/versioning/dvv-set.js';

// ---------------------------------------------------------------------------------------------
// Realistic histories: three replicas of one key, clients reading merged states and writing back
// with those contexts (or blind) through any replica, anti-entropy syncs between replicas, and
// restarts on empty data that take a new incarnation. Every state reached goes into a pool, so
// properties compare states that could really meet.

const NODES = ['n1', 'n2', 'n3'] as const;
const EMPTY_VV: VersionVector = new Map();

type Op =
  | { kind: 'write'; replica: number; read: number; blind: boolean; tombstone: boolean }
  | { kind: 'read'; mask: number }
  | { kind: 'sync'; from: number; to: number }
  | { kind: 'restart'; replica: number };

interface World {
  replicas: DvvSet[];
  actors: Actor[];
  reads: DvvSet[];
  pool: DvvSet[];
  writes: number;
  restarts: number;
}

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('write' as const),
      replica: fc.nat(2),
      read: fc.nat(),
      blind: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
      tombstone: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('read' as const), mask: fc.integer({ min: 1, max: 7 }) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: fc.nat(2), to: fc.nat(2) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const), replica: fc.nat(2) }) },
);

function bytesOf(n: number): Uint8Array {
  return new TextEncoder().encode(`v${n}`);
}

function readMerged(replicas: readonly DvvSet[], mask: number): DvvSet {
  let merged = EMPTY_DVV_SET;
  replicas.forEach((state, i) => {
    if ((mask >> i) & 1) merged = sync(merged, state);
  });
  return merged;
}

function apply(world: World, op: Op): void {
  if (op.kind === 'write') {
    const context = op.blind || world.reads.length === 0 ? EMPTY_VV : world.reads[op.read % world.reads.length]!.vv;
    const value = op.tombstone ? null : bytesOf(world.writes++);
    const next = update(world.replicas[op.replica]!, context, value, world.actors[op.replica]!);
    world.replicas[op.replica] = next;
    world.pool.push(next);
  } else if (op.kind === 'read') {
    const merged = readMerged(world.replicas, op.mask);
    world.reads.push(merged);
    world.pool.push(merged);
  } else if (op.kind === 'sync') {
    const next = sync(world.replicas[op.to]!, world.replicas[op.from]!);
    world.replicas[op.to] = next;
    world.pool.push(next);
  } else {
    // Lost data means a new incarnation, so the node never reissues a dot it issued before.
    world.replicas[op.replica] = EMPTY_DVV_SET;
    world.actors[op.replica] = `${NODES[op.replica]}.${++world.restarts}`;
  }
}

function runHistory(ops: readonly Op[]): World {
  const world: World = {
    replicas: NODES.map(() => EMPTY_DVV_SET),
    actors: NODES.map((node) => `${node}.0`),
    reads: [],
    pool: [EMPTY_DVV_SET],
    writes: 0,
    restarts: 0,
  };
  for (const op of ops) apply(world, op);
  return world;
}

const historyArb = fc.array(opArb, { minLength: 1, maxLength: 40 }).map(runHistory);

function pick<T>(items: readonly T[], n: number): T {
  return items[n % items.length]!;
}

function dotKey(dot: Dot): string {
  return `${dot.actor}:${dot.counter}`;
}

function dotKeys(s: DvvSet): string[] {
  return s.siblings.map((sibling) => dotKey(sibling.dot));
}

function coveredBy(vv: VersionVector, dot: Dot): boolean {
  return (vv.get(dot.actor) ?? 0) >= dot.counter;
}

function mergeAll(states: readonly DvvSet[]): DvvSet {
  return states.reduce(sync, EMPTY_DVV_SET);
}

function expectInvariants(s: DvvSet): void {
  for (const counter of s.vv.values()) expect(Number.isSafeInteger(counter) && counter > 0).toBe(true);
  s.siblings.forEach((sibling, i) => {
    expect(coveredBy(s.vv, sibling.dot)).toBe(true);
    const previous = s.siblings[i - 1];
    if (previous !== undefined) {
      const ordered =
        previous.dot.actor < sibling.dot.actor ||
        (previous.dot.actor === sibling.dot.actor && previous.dot.counter < sibling.dot.counter);
      expect(ordered).toBe(true);
    }
  });
}

const RUNS = { numRuns: 200 };

// ---------------------------------------------------------------------------------------------

describe('DVV set laws over generated histories', () => {
  test('every state a history reaches keeps the DVV invariants', () => {
    fc.assert(
      fc.property(historyArb, (world) => {
        for (const state of world.pool) expectInvariants(state);
      }),
      RUNS,
    );
  });

  test('sync is commutative', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.nat(), (world, i, j) => {
        const a = pick(world.pool, i);
        const b = pick(world.pool, j);
        expect(sync(a, b)).toEqual(sync(b, a));
        expect(equalDvv(sync(a, b), sync(b, a))).toBe(true);
      }),
      RUNS,
    );
  });

  test('sync is associative', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.nat(), fc.nat(), (world, i, j, k) => {
        const [a, b, c] = [pick(world.pool, i), pick(world.pool, j), pick(world.pool, k)];
        expect(sync(sync(a, b), c)).toEqual(sync(a, sync(b, c)));
      }),
      RUNS,
    );
  });

  test('sync is idempotent', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.nat(), (world, i, j) => {
        const a = pick(world.pool, i);
        const b = pick(world.pool, j);
        expect(sync(a, a)).toEqual(a);
        expect(sync({ vv: a.vv, siblings: [...a.siblings] }, a)).toEqual(a);
        const ab = sync(a, b);
        expect(sync(ab, b)).toEqual(ab);
        expect(sync(a, ab)).toEqual(ab);
      }),
      RUNS,
    );
  });

  test('sync result descends both inputs and keeps only siblings one side holds', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.nat(), (world, i, j) => {
        const a = pick(world.pool, i);
        const b = pick(world.pool, j);
        const merged = sync(a, b);
        expect(descends(merged.vv, a.vv)).toBe(true);
        expect(descends(merged.vv, b.vv)).toBe(true);
        expect(merged.vv).toEqual(joinVV(a.vv, b.vv));
        const held = new Set([...dotKeys(a), ...dotKeys(b)]);
        for (const key of dotKeys(merged)) expect(held.has(key)).toBe(true);
        expectInvariants(merged);
      }),
      RUNS,
    );
  });

  test('descends is a partial order on the version vectors of reachable states', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.nat(), fc.nat(), (world, i, j, k) => {
        const [a, b, c] = [pick(world.pool, i).vv, pick(world.pool, j).vv, pick(world.pool, k).vv];
        expect(descends(a, a)).toBe(true);
        if (descends(a, b) && descends(b, a)) expect(a).toEqual(b);
        if (descends(a, b) && descends(b, c)) expect(descends(a, c)).toBe(true);
      }),
      RUNS,
    );
  });
});

describe('telling from the stored bytes that a version supersedes them', () => {
  test('when it says so, the merge is exactly the incoming version and differs from the stored one', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), fc.nat(), (world, i, j) => {
        const local = pick(world.pool, i);
        const incoming = pick(world.pool, j);
        if (!supersedesEncoded(incoming, encodeDvvSet(local))) return;
        const merged = sync(local, incoming);
        expect(merged).toEqual(incoming);
        expect(equalDvv(merged, local)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });

  test('says so for a replica write: a replica receiving the version its coordinator just made', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(2), fc.nat(2), fc.nat(), (world, coordinator, replica, i) => {
        // The replica's copy has been synced from the coordinator's before the write, as when both
        // took the previous writes; the client's context is any state the history reached.
        const local = sync(world.replicas[replica]!, world.replicas[coordinator]!);
        const base = sync(world.replicas[coordinator]!, local);
        const written = update(base, pick(world.pool, i).vv, bytesOf(-1), world.actors[coordinator]!);
        expect(supersedesEncoded(written, encodeDvvSet(local))).toBe(true);
        expect(sync(local, written)).toEqual(written);
      }),
      RUNS,
    );
  });

  test('says no for an equal, an older or a concurrent version', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(), (world, i) => {
        const state = pick(world.pool, i);
        expect(supersedesEncoded(state, encodeDvvSet(state))).toBe(false);
        const newer = update(state, state.vv, bytesOf(-2), 'z.writer');
        expect(supersedesEncoded(state, encodeDvvSet(newer))).toBe(false);
        const concurrent = update(state, EMPTY_VV, bytesOf(-3), 'y.writer');
        expect(supersedesEncoded(newer, encodeDvvSet(concurrent))).toBe(false);
      }),
      RUNS,
    );
  });

  test('rejects stored bytes that are not a DVV set', () => {
    const incoming = update(EMPTY_DVV_SET, EMPTY_VV, bytesOf(1), 'n1.0');
    expect(() => supersedesEncoded(incoming, Uint8Array.of(9, 0, 0))).toThrow(/malformed DVV set/);
    expect(() => supersedesEncoded(incoming, Uint8Array.of(1, 1, 5))).toThrow(/malformed DVV set/);
  });
});

describe('client writes', () => {
  // Coordinators are the current replicas with their current incarnation: for their own actor
  // their vv entry is the highest issued, as design.md §3 requires.
  const writeArb = fc.tuple(historyArb, fc.nat(2), fc.nat(), fc.boolean());

  test('update result descends local.vv and the context and issues a fresh dot', () => {
    fc.assert(
      fc.property(writeArb, ([world, r, i, tombstone]) => {
        const local = world.replicas[r]!;
        const actor = world.actors[r]!;
        const context = pick(world.pool, i).vv;
        const written = update(local, context, tombstone ? null : bytesOf(-1), actor);
        expect(descends(written.vv, local.vv)).toBe(true);
        expect(descends(written.vv, context)).toBe(true);
        expect(written.vv.get(actor)).toBe((local.vv.get(actor) ?? 0) + 1);
        // Fresh: no state anywhere has seen the new dot.
        const dot = { actor, counter: written.vv.get(actor)! };
        for (const state of world.pool) expect(coveredBy(state.vv, dot)).toBe(false);
        expectInvariants(written);
      }),
      RUNS,
    );
  });

  test('a write with the context of a read supersedes exactly what that read saw', () => {
    fc.assert(
      fc.property(writeArb, ([world, r, i]) => {
        const local = world.replicas[r]!;
        const read = pick(world.pool, i);
        const value = bytesOf(-1);
        const written = update(local, read.vv, value, world.actors[r]!);

        const newDot = { actor: world.actors[r]!, counter: written.vv.get(world.actors[r]!)! };
        const newSibling = written.siblings.find((s) => dotKey(s.dot) === dotKey(newDot));
        expect(newSibling?.value).toEqual(value);
        // On the coordinator: what the read saw is gone, what it did not see is kept.
        const unseenLocal = local.siblings.filter((s) => !coveredBy(read.vv, s.dot)).map((s) => dotKey(s.dot));
        expect(new Set(dotKeys(written))).toEqual(new Set([...unseenLocal, dotKey(newDot)]));
        // Everywhere, once merged: the same holds against every version in the history.
        const everything = mergeAll(world.pool);
        const unseen = everything.siblings.filter((s) => !coveredBy(read.vv, s.dot)).map((s) => dotKey(s.dot));
        expect(new Set(dotKeys(sync(written, everything)))).toEqual(new Set([...unseen, dotKey(newDot)]));
        expect(dotKeys(sync(written, read))).toEqual(dotKeys(written));
      }),
      RUNS,
    );
  });

  test('concurrent blind writes through different coordinators become siblings and survive sync', () => {
    fc.assert(
      fc.property(historyArb, fc.nat(2), fc.integer({ min: 1, max: 2 }), (world, r, shift) => {
        const s = (r + shift) % 3;
        const first = update(world.replicas[r]!, EMPTY_VV, bytesOf(-1), world.actors[r]!);
        const second = update(world.replicas[s]!, EMPTY_VV, bytesOf(-2), world.actors[s]!);
        const replicas = world.replicas.map((state, i) => (i === r ? first : i === s ? second : state));
        for (const merged of [sync(first, second), mergeAll(replicas), mergeAll([...world.pool, ...replicas])]) {
          const values = liveValues(merged).map((v) => new TextDecoder().decode(v));
          expect(values).toContain('v-1');
          expect(values).toContain('v-2');
        }
      }),
      RUNS,
    );
  });

  test('two blind writes by one client, then a read-write with the merged context leaves one value', () => {
    const first = update(EMPTY_DVV_SET, EMPTY_VV, bytesOf(1), 'n1.0');
    const second = update(EMPTY_DVV_SET, EMPTY_VV, bytesOf(2), 'n2.0');
    const merged = sync(first, second);
    expect(siblingCount(merged)).toBe(2);
    expect(liveValues(merged)).toEqual([bytesOf(1), bytesOf(2)]);
    // A blind write to the same coordinator is concurrent with what it already holds.
    expect(siblingCount(update(first, EMPTY_VV, bytesOf(3), 'n1.0'))).toBe(2);

    const resolved = update(second, merged.vv, bytesOf(3), 'n2.0');
    expect(liveValues(resolved)).toEqual([bytesOf(3)]);
    expect(liveValues(sync(first, resolved))).toEqual([bytesOf(3)]);
    expect(resolved.vv).toEqual(
      new Map([
        ['n1.0', 1],
        ['n2.0', 2],
      ]),
    );
  });

  test('a delete with the read context leaves one tombstone; a concurrent write keeps the key live', () => {
    const written = update(EMPTY_DVV_SET, EMPTY_VV, bytesOf(1), 'n1.0');
    const deleted = update(written, written.vv, null, 'n1.0');
    expect(isDeleted(deleted)).toBe(true);
    expect(siblingCount(deleted)).toBe(1);
    expect(liveValues(deleted)).toEqual([]);

    const concurrent = update(written, EMPTY_VV, bytesOf(2), 'n1.0');
    const merged = sync(deleted, update(EMPTY_DVV_SET, EMPTY_VV, bytesOf(3), 'n2.0'));
    expect(isDeleted(merged)).toBe(false);
    expect(liveValues(merged)).toEqual([bytesOf(3)]);
    expect(siblingCount(merged)).toBe(2);
    expect(isDeleted(concurrent)).toBe(false);
  });

  test('the empty set is deleted, has no siblings and an empty vv', () => {
    expect(isDeleted(EMPTY_DVV_SET)).toBe(true);
    expect(siblingCount(EMPTY_DVV_SET)).toBe(0);
    expect(EMPTY_DVV_SET.vv.size).toBe(0);
    expect(equalDvv(EMPTY_DVV_SET, { vv: new Map(), siblings: [] })).toBe(true);
    expect(equalDvv(EMPTY_DVV_SET, update(EMPTY_DVV_SET, EMPTY_VV, null, 'n1.0'))).toBe(false);
  });

  test('update rejects an empty actor as a programmer error', () => {
    expect(() => update(EMPTY_DVV_SET, EMPTY_VV, null, '')).toThrow(Error);
  });
});

describe('sibling growth', () => {
  interface Writer {
    readonly name: string;
    // Where its last write went: a client reads its own writes by including that replica.
    lastCoordinator: number;
    context: VersionVector | null;
    lastValue: string;
  }

  // Choices come from fast-check so a failure shrinks and replays; each is consumed in turn.
  function runTwoWriters(choices: readonly number[], rounds: number): void {
    let next = 0;
    const choose = (n: number): number => pick(choices, next++) % n;
    let replicas: DvvSet[] = NODES.map(() => EMPTY_DVV_SET);
    const actors = NODES.map((node) => `${node}.0`);
    const writers: Writer[] = ['a', 'b'].map((name) => ({ name, lastCoordinator: -1, context: null, lastValue: '' }));
    const checkBound = (): void => {
      for (const state of [...replicas, mergeAll(replicas)]) expect(siblingCount(state)).toBeLessThanOrEqual(2);
    };
    const maybeSync = (): void => {
      for (let k = choose(3); k > 0; k--) {
        const [from, to] = [choose(3), choose(3)];
        replicas[to] = sync(replicas[to]!, replicas[from]!);
      }
      checkBound();
    };
    const read = (w: Writer): void => {
      const mask = choose(8) | (w.lastCoordinator >= 0 ? 1 << w.lastCoordinator : 1 << choose(3));
      w.context = readMerged(replicas, mask).vv;
      maybeSync();
    };
    const write = (w: Writer, round: number): void => {
      const coordinator = choose(3);
      w.lastValue = `${w.name}${round}`;
      replicas[coordinator] = update(
        replicas[coordinator]!,
        w.context!,
        new TextEncoder().encode(w.lastValue),
        actors[coordinator]!,
      );
      w.lastCoordinator = coordinator;
      maybeSync();
    };

    for (let round = 0; round < rounds; round++) {
      const [first, second] = choose(2) === 0 ? [writers[0]!, writers[1]!] : [writers[1]!, writers[0]!];
      read(first);
      // Half the time the other writer reads before the first one writes: a true conflict.
      const overlap = choose(2) === 0;
      if (overlap) read(second);
      write(first, round);
      if (!overlap) read(second);
      write(second, round);
    }
    replicas = replicas.map(() => mergeAll(replicas));
    const values = liveValues(replicas[0]!).map((v) => new TextDecoder().decode(v));
    expect(values.length).toBeGreaterThanOrEqual(1);
    for (const value of values) expect(writers.map((w) => w.lastValue)).toContain(value);
  }

  test('two writers alternating read-modify-writes 100 times never hold more than 2 siblings', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 256 }), (choices) => runTwoWriters(choices, 100)),
      { numRuns: 60 },
    );
  });
});
