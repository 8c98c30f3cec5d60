import { describe, expect, it } from 'vitest';
import type { Storage, StorageWrite } from '../../src/node/env.js';
import { Replica, storageKey } from '../../src/node/replica.js';
import { decodeDvvSet, encodeDvvSet } from '../../src/versioning/dvv-codec.js';
import { EMPTY_DVV_SET, liveValues, sync, update } from '../../src/versioning/dvv-set.js';

/** The two data calls a Replica makes, over a Map; writes are durable at once. */
function mapStorage(): { storage: Storage; data: Map<string, Uint8Array> } {
  const data = new Map<string, Uint8Array>();
  const id = (k: Uint8Array) => Buffer.from(k).toString('hex');
  const storage = {
    getData: async (key: Uint8Array) => data.get(id(key)),
    writeData: async (writes: readonly StorageWrite[]) => {
      for (const w of writes) {
        if (w.value === null) data.delete(id(w.key));
        else data.set(id(w.key), w.value);
      }
    },
  } as unknown as Storage;
  return { storage, data };
}

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array) => new TextDecoder().decode(b);
const equalBytes = (a: Uint8Array | undefined, b: Uint8Array) => a !== undefined && Buffer.from(a).equals(b);

// Three versions of one key: a first write, one that supersedes it, and one concurrent with that.
const first = update(EMPTY_DVV_SET, new Map(), bytes('v1'), 'n1.a');
const second = update(first, first.vv, bytes('v2'), 'n2.b');
const concurrent = update(first, first.vv, bytes('v3'), 'n3.c');

describe('Replica.merge', () => {
  const skey = storageKey(7, bytes('k'));

  it('stores a superseding version exactly as it came, and the same bytes the codec would make', async () => {
    const { storage, data } = mapStorage();
    const replica = new Replica(storage);
    const incoming = encodeDvvSet(first);
    const merged = await replica.merge(skey, incoming);
    expect(liveValues(merged).map(text)).toEqual(['v1']);
    expect(equalBytes([...data.values()][0], incoming)).toBe(true);

    const newer = encodeDvvSet(second);
    await replica.merge(skey, newer);
    expect(equalBytes([...data.values()][0], newer)).toBe(true);
  });

  it('stores the encoding of the merge when the incoming version is concurrent with the local one', async () => {
    const { storage, data } = mapStorage();
    const replica = new Replica(storage);
    await replica.merge(skey, encodeDvvSet(second));
    const merged = await replica.merge(skey, encodeDvvSet(concurrent));
    expect(liveValues(merged).map(text).sort()).toEqual(['v2', 'v3']);
    const stored = [...data.values()][0]!;
    expect(Buffer.from(stored).equals(Buffer.from(encodeDvvSet(sync(second, concurrent))))).toBe(true);
    expect(liveValues(decodeDvvSet(stored)).map(text).sort()).toEqual(['v2', 'v3']);
  });

  it('writes nothing for a version it already has, and rejects malformed bytes without touching the key', async () => {
    const { storage, data } = mapStorage();
    const replica = new Replica(storage);
    await replica.merge(skey, encodeDvvSet(second));
    const before = [...data.values()][0];
    await replica.merge(skey, encodeDvvSet(first));
    expect([...data.values()][0]).toBe(before);
    await expect(replica.merge(skey, Uint8Array.of(9, 9, 9))).rejects.toThrow(/malformed DVV set/);
    expect([...data.values()][0]).toBe(before);
    expect(liveValues(await replica.read(skey)).map(text)).toEqual(['v2']);
  });
});

/**
 * A storage that answers reads at once (getDataNow, as both of ringkv's do) and makes each write
 * durable only when the test says so; it records the order writes reached it.
 */
function heldStorage() {
  const data = new Map<string, Uint8Array>();
  const log: string[] = [];
  const held: (() => void)[] = [];
  const id = (k: Uint8Array) => Buffer.from(k).toString('hex');
  const storage = {
    getData: async (key: Uint8Array) => data.get(id(key)),
    getDataNow: (key: Uint8Array) => data.get(id(key)),
    writeData: (writes: readonly StorageWrite[]) =>
      new Promise<void>((resolve) => {
        for (const w of writes) {
          log.push(w.value === null ? 'delete' : liveValues(decodeDvvSet(w.value)).map(text).sort().join('+'));
          if (w.value === null) data.delete(id(w.key));
          else data.set(id(w.key), w.value);
        }
        held.push(resolve);
      }),
  } as unknown as Storage;
  const releaseAll = () => {
    for (const release of held.splice(0)) release();
  };
  return { storage, data, log, releaseAll };
}

describe('Replica writes on a storage that reads at once', () => {
  const skey = storageKey(3, bytes('k'));

  it('writes an uncontended merge in the same turn, and resolves only once it is durable', async () => {
    const { storage, log, releaseAll } = heldStorage();
    const replica = new Replica(storage);
    let done = false;
    const merging = replica.merge(skey, encodeDvvSet(first)).then(() => {
      done = true;
    });
    expect(log).toEqual(['v1']); // no await between the call and the write
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    releaseAll();
    await merging;
    expect(done).toBe(true);
  });

  it('queues behind a section that is waiting on storage, and sees what it wrote', async () => {
    const { storage, data, log, releaseAll } = heldStorage();
    const replica = new Replica(storage);
    const v1 = encodeDvvSet(first);
    const m1 = replica.merge(skey, v1);
    releaseAll();
    await m1;
    // remove holds the key's lock until its delete is durable; a merge arriving meanwhile waits.
    const removing = replica.remove(skey, v1);
    await new Promise((r) => setImmediate(r));
    const merging = replica.merge(skey, encodeDvvSet(concurrent));
    const updating = replica.update(skey, first.vv, bytes('v4'), 'n1.a', 10);
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['v1', 'delete']);
    releaseAll();
    expect(await removing).toBe(true);
    for (let i = 0; i < 5; i++) {
      await new Promise((r) => setImmediate(r));
      releaseAll();
    }
    await merging;
    await updating;
    // The merge ran after the delete (so it stored v3 alone), and the update after the merge.
    expect(log).toEqual(['v1', 'delete', 'v3', 'v3+v4']);
    expect(
      liveValues(decodeDvvSet([...data.values()][0]!))
        .map(text)
        .sort(),
    ).toEqual(['v3', 'v4']);
  });

  it('runs a merge and an update of one key in the same turn in arrival order, losing neither', async () => {
    const { storage, data, log, releaseAll } = heldStorage();
    const replica = new Replica(storage);
    const a = replica.merge(skey, encodeDvvSet(second));
    const b = replica.merge(skey, encodeDvvSet(concurrent));
    const c = replica.update(skey, first.vv, bytes('v5'), 'n4.d', 10);
    releaseAll();
    await Promise.all([a, b]);
    releaseAll();
    await c;
    expect(log.slice(0, 2)).toEqual(['v2', 'v2+v3']);
    expect(
      liveValues(decodeDvvSet([...data.values()][0]!))
        .map(text)
        .sort(),
    ).toEqual(['v2', 'v3', 'v5']);
  });

  it('turns a sibling overflow and malformed bytes into rejections, writing nothing', async () => {
    const { storage, log, releaseAll } = heldStorage();
    const replica = new Replica(storage);
    const m = replica.merge(skey, encodeDvvSet(sync(second, concurrent)));
    releaseAll();
    await m;
    await expect(replica.update(skey, new Map(), bytes('v6'), 'n5.e', 2)).rejects.toThrow(/siblings/);
    await expect(replica.merge(skey, Uint8Array.of(1, 200))).rejects.toThrow(/malformed DVV set/);
    expect(log).toEqual(['v2+v3']);
  });
});
