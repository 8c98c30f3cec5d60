import { describe, expect, it } from 'vitest';
import { STORAGE_BUSY_GROUP, STORAGE_COMMIT_WINDOW_MS } from '../../src/common/limits.js';
import { fnv64Hex } from '../../src/sim/fnv64.js';
import { SeededRandom } from '../../src/sim/random.js';
import { Scheduler } from '../../src/sim/scheduler.js';
import { SimNetwork } from '../../src/sim/sim-network.js';
import { SimProcess } from '../../src/sim/sim-process.js';
import { MemoryDisk, MemoryStorage } from '../../src/sim/storage-memory.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('SeededRandom', () => {
  it('repeats a seed, and forks independently of draws on the parent or sibling streams', () => {
    const draws = (r: SeededRandom) => Array.from({ length: 8 }, () => r.nextUint32());
    expect(draws(new SeededRandom(1))).toEqual(draws(new SeededRandom(1)));
    expect(draws(new SeededRandom(1))).not.toEqual(draws(new SeededRandom(2)));

    const quiet = new SeededRandom(9);
    const busy = new SeededRandom(9);
    draws(busy);
    draws(busy.fork('other'));
    expect(draws(busy.fork('net'))).toEqual(draws(quiet.fork('net')));
    expect(draws(quiet.fork('a'))).not.toEqual(draws(quiet.fork('b')));
  });

  it('draws within range: next in [0, 1), int inclusive, hex of the requested length', () => {
    const r = new SeededRandom('range');
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      seen.add(r.int(3, 6));
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
    expect(r.hex(5)).toMatch(/^[0-9a-f]{10}$/);
  });

  it('hashes with FNV-1a 64, equal to a BigInt reference over the same bytes', () => {
    const reference = (s: string) => {
      let h = 0xcbf29ce484222325n;
      const mix = (b: number) => {
        h = ((h ^ BigInt(b)) * 0x100000001b3n) & 0xffffffffffffffffn;
      };
      for (let i = 0; i < s.length; i++) {
        mix(s.charCodeAt(i) & 0xff);
        mix(s.charCodeAt(i) >>> 8);
      }
      mix(0xff);
      return h.toString(16).padStart(16, '0');
    };
    for (const s of ['', 'a', 'net n1->n2#1 replicaPut #7', '\u{1F600}ünï']) expect(fnv64Hex(s)).toBe(reference(s));
  });
});

describe('Scheduler', () => {
  it('runs events by time, then in scheduling order; cancelled events never run', async () => {
    const s = new Scheduler();
    const order: string[] = [];
    s.at(5, () => order.push('t5a'));
    s.at(1, () => order.push('t1'));
    s.at(5, () => order.push('t5b'));
    const cancel = s.after(3, () => order.push('cancelled'));
    cancel();
    const result = await s.run();
    expect(order).toEqual(['t1', 't5a', 't5b']);
    expect(result.reason).toBe('idle');
    expect(s.now()).toBe(5);
  });

  it('lets every promise continuation of an event run before the next event', async () => {
    const s = new Scheduler();
    const order: string[] = [];
    s.at(1, () => {
      void (async () => {
        for (let i = 0; i < 50; i++) await Promise.resolve();
        order.push('chain done');
        s.after(0, () => order.push('scheduled by chain'));
      })();
    });
    s.at(1, () => order.push('second event'));
    await s.run();
    expect(order).toEqual(['chain done', 'second event', 'scheduled by chain']);
  });

  it('stops at until, advancing the clock to it, and at maxEvents', async () => {
    const s = new Scheduler();
    let ran = 0;
    for (let t = 1; t <= 10; t++) s.at(t, () => ran++);
    expect((await s.run({ until: 4 })).reason).toBe('until');
    expect(ran).toBe(4);
    expect(s.now()).toBe(4);
    expect((await s.run({ maxEvents: 2 })).reason).toBe('maxEvents');
    expect(ran).toBe(6);
  });
});

describe('MemoryStorage', () => {
  function open(disk: MemoryDisk, s: Scheduler, generation = 1) {
    const process = new SimProcess('n1', generation);
    return new MemoryStorage(disk, s, new SeededRandom(generation), process, 'batch');
  }

  it('applies a batch atomically after its latency and keeps the key count from created flags', async () => {
    const s = new Scheduler();
    const storage = open(new MemoryDisk(), s);
    const written = storage.writeData([
      { key: bytes('a'), value: bytes('1'), created: true },
      { key: bytes('b'), value: bytes('2'), created: true },
    ]);
    expect(await storage.getData(bytes('a'))).toBeUndefined();
    await s.run();
    await written;
    expect(await storage.getData(bytes('b'))).toEqual(bytes('2'));
    expect(storage.countData()).toBe(2);
    const removed = storage.writeData([{ key: bytes('a'), value: null, created: false }]);
    await s.run();
    await removed;
    expect(storage.countData()).toBe(1);
    expect(storage.actualDataKeys()).toBe(1);
  });

  it("starts a busy store's next group a commit window after the last one, an idle store's at once", async () => {
    const timing = { batchMs: [1, 1], metaMs: [1, 1], scanMs: [0, 0] } as const;
    const finishTimes = async (size: number) => {
      const s = new Scheduler();
      const storage = new MemoryStorage(
        new MemoryDisk(),
        s,
        new SeededRandom(1),
        new SimProcess('n1', 1),
        'batch',
        timing,
      );
      const write = (k: string) => storage.writeData([{ key: bytes(k), value: bytes('v'), created: true }]);
      // A lone write commits from 0 to 1; the `size` queued behind it commit as one group from 1;
      // one more write, queued once that group has started, commits after it.
      const lone = write('lone');
      const group = Promise.all(Array.from({ length: size }, (_, i) => write(`g${i}`))).then(() => s.now());
      const next = lone.then(() => write('next')).then(() => s.now());
      await s.run();
      return [await group, await next];
    };
    // Busy: the second group waits until the window since the first start has passed.
    expect(await finishTimes(STORAGE_BUSY_GROUP)).toEqual([2, 1 + STORAGE_COMMIT_WINDOW_MS + 1]);
    // Idle (a small group): it starts as soon as the first one is written.
    expect(await finishTimes(STORAGE_BUSY_GROUP - 1)).toEqual([2, 3]);
  });

  it('keeps completed writes and loses pending ones on a crash', async () => {
    const s = new Scheduler();
    const disk = new MemoryDisk();
    const first = open(disk, s);
    const meta = first.putMeta('incarnation', bytes('abc'));
    await s.run();
    await meta;
    const done = first.writeData([{ key: bytes('kept'), value: bytes('1'), created: true }]);
    await s.run();
    await done;
    let settled = false;
    void first.writeData([{ key: bytes('lost'), value: bytes('2'), created: true }]).finally(() => {
      settled = true;
    });
    first.crash();
    await s.run();
    expect(settled).toBe(false);
    const second = open(disk, s, 2);
    expect(await second.getData(bytes('kept'))).toEqual(bytes('1'));
    expect(await second.getData(bytes('lost'))).toBeUndefined();
    expect(await second.getMeta('incarnation')).toEqual(bytes('abc'));
    expect(second.countData()).toBe(1);
  });
});

describe('SimNetwork', () => {
  function endpoint(id: string, replies: string[]) {
    return {
      id,
      address: `sim://${id}`,
      process: new SimProcess(id, 1),
      handlePeer: async (from: string, request: { type: string }) => {
        replies.push(`${from}:${request.type}`);
        return { type: 'replicaReply' as const, found: true, state: bytes('state') };
      },
      hello: () => ({ cluster: 'c', me: { id, address: `sim://${id}` } }),
    };
  }

  it('carries requests and replies through protobuf, and times out across a partition', async () => {
    const s = new Scheduler();
    const net = new SimNetwork(s, new SeededRandom(1), { delayMs: [2, 2] });
    const seen: string[] = [];
    const a = net.attach(endpoint('a', seen));
    net.attach(endpoint('b', seen));
    const reply = a.request({ id: 'b', address: 'sim://b' }, { type: 'replicaGet', key: bytes('k'), forNode: '' }, 100);
    await s.run();
    const r = await reply;
    expect(r.type === 'replicaReply' && Buffer.isBuffer(r.state) && r.state.toString()).toBe('state');
    expect(seen).toEqual(['a:replicaGet']);
    expect(s.now()).toBe(4);

    net.partition([['a'], ['b']]);
    const cut = a.request({ id: 'b', address: 'sim://b' }, { type: 'replicaGet', key: bytes('k'), forNode: '' }, 100);
    await s.run();
    expect(await cut).toMatchObject({ type: 'error', code: 'TIMEOUT' });
    expect(s.now()).toBe(104);
  });

  it('refuses requests and hellos to a down node fast, with undelivered set', async () => {
    const s = new Scheduler();
    const net = new SimNetwork(s, new SeededRandom(1), { delayMs: [1, 1] });
    const a = net.attach(endpoint('a', []));
    const b = endpoint('b', []);
    net.attach(b);
    b.process.kill();
    const reply = a.request(
      { id: 'b', address: 'sim://b' },
      { type: 'replicaGet', key: bytes('k'), forNode: '' },
      1000,
    );
    const hello = a.hello('sim://b', { cluster: 'c' }, 1000).then(
      () => 'ok',
      (e: { code?: string }) => e.code,
    );
    await s.run();
    expect(await reply).toMatchObject({ type: 'error', code: 'UNAVAILABLE', undelivered: true });
    expect(await hello).toBe('UNAVAILABLE');
    expect(s.now()).toBe(2);
  });
});
