import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LevelStorage } from '../../src/node/io/storage-level.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ringkv-storage-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const bytes = (s: string) => new TextEncoder().encode(s);

describe('LevelStorage', () => {
  it('stores data and metadata, and keeps them across a reopen', async () => {
    const dir = tempDir();
    const a = await LevelStorage.open(dir, 'batch');
    await a.writeData([{ key: bytes('k1'), value: bytes('v1'), created: true }]);
    await a.putMeta('incarnation', bytes('abcd'));
    await a.close();
    const b = await LevelStorage.open(dir, 'batch');
    expect(new TextDecoder().decode(await b.getData(bytes('k1')))).toBe('v1');
    expect(new TextDecoder().decode(await b.getMeta('incarnation'))).toBe('abcd');
    expect(await b.getData(bytes('missing'))).toBeUndefined();
    expect(b.countData()).toBe(1);
    await b.close();
  });

  it('keeps data and metadata in separate keyspaces', async () => {
    const s = await LevelStorage.open(tempDir(), 'none');
    await s.putMeta('x', bytes('meta'));
    expect(await s.getData(bytes('x'))).toBeUndefined();
    await s.close();
  });

  it('group-commits concurrent writes and counts keys exactly', async () => {
    const s = await LevelStorage.open(tempDir(), 'batch');
    const writes = Array.from({ length: 500 }, (_, i) =>
      s.writeData([{ key: bytes(`k${i}`), value: bytes(`v${i}`), created: true }]),
    );
    await Promise.all(writes);
    expect(s.countData()).toBe(500);
    // Overwrites do not change the count; deletes lower it.
    await s.writeData([{ key: bytes('k1'), value: bytes('again'), created: false }]);
    await s.writeData([{ key: bytes('k2'), value: null, created: false }]);
    expect(s.countData()).toBe(499);
    expect(await s.getData(bytes('k2'))).toBeUndefined();
    await s.close();
  });

  it('in always mode, still completes every write', async () => {
    const s = await LevelStorage.open(tempDir(), 'always');
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => s.writeData([{ key: bytes(`a${i}`), value: bytes('v'), created: true }])),
    );
    expect(s.countData()).toBe(20);
    await s.close();
  });

  it('scans data by range, in key order', async () => {
    const s = await LevelStorage.open(tempDir(), 'none');
    await s.writeData(['b1', 'a2', 'b3', 'c1', 'b2'].map((k) => ({ key: bytes(k), value: bytes(k), created: true })));
    const page = await s.scanData(bytes('b'), bytes('c'), 10);
    expect(page.map((e) => new TextDecoder().decode(e.key))).toEqual(['b1', 'b2', 'b3']);
    expect((await s.scanData(bytes('b'), bytes('c'), 2)).length).toBe(2);
    await s.close();
  });

  it('keeps hints per target, durable, scannable in pages', async () => {
    const dir = tempDir();
    const s = await LevelStorage.open(dir, 'none');
    await s.writeHint('n3', bytes('k1'), bytes('h1'));
    await s.writeHint('n3', bytes('k2'), bytes('h2'));
    await s.writeHint('n30', bytes('k1'), bytes('other'));
    await s.writeHint('n4', bytes('k9'), bytes('h9'));
    const n3 = await s.scanHints('n3', null, 10);
    expect(n3.map((h) => [h.target, new TextDecoder().decode(h.key)])).toEqual([
      ['n3', 'k1'],
      ['n3', 'k2'],
    ]);
    const first = await s.scanHints(null, null, 2);
    const rest = await s.scanHints(null, first[1]!, 10);
    expect([...first, ...rest]).toHaveLength(4);
    await s.writeHint('n3', bytes('k1'), null);
    await s.close();
    const again = await LevelStorage.open(dir, 'none');
    expect(await again.getHint('n3', bytes('k1'))).toBeUndefined();
    expect(new TextDecoder().decode(await again.getHint('n3', bytes('k2')))).toBe('h2');
    expect(await again.getData(bytes('k2'))).toBeUndefined();
    await again.close();
  });

  it('reads its own writes and deletes through the value cache, and from disk after a reopen', async () => {
    const dir = tempDir();
    const s = await LevelStorage.open(dir, 'batch');
    await s.writeData([{ key: bytes('k'), value: bytes('v1'), created: true }]);
    expect(new TextDecoder().decode(await s.getData(bytes('k')))).toBe('v1');
    await s.writeData([{ key: bytes('k'), value: bytes('v2'), created: false }]);
    expect(new TextDecoder().decode(await s.getData(bytes('k')))).toBe('v2');
    await s.writeData([{ key: bytes('k'), value: null, created: false }]);
    expect(await s.getData(bytes('k'))).toBeUndefined();
    await s.writeData([{ key: bytes('j'), value: bytes('kept'), created: true }]);
    await s.close();
    const again = await LevelStorage.open(dir, 'batch');
    expect(again.cachedBytes()).toBe(0);
    expect(await again.getData(bytes('k'))).toBeUndefined();
    expect(new TextDecoder().decode(await again.getData(bytes('j')))).toBe('kept');
    expect(again.cachedBytes()).toBeGreaterThan(0);
    await again.close();
  });

  it('serves reads and writes given the key string as it serves those without one', async () => {
    const s = await LevelStorage.open(tempDir(), 'batch');
    const key = Uint8Array.of(0, 7, 0xe9, 0xff, 0x6b); // bytes over 0x7f too: latin1, not UTF-8
    const keyString = String.fromCharCode(...key);
    await s.writeData([{ key, value: bytes('v1'), created: true, keyString }]);
    expect(new TextDecoder().decode(s.getDataNow(key))).toBe('v1');
    await s.writeData([{ key, value: bytes('v2'), created: false }]);
    expect(new TextDecoder().decode(s.getDataNow(key, keyString))).toBe('v2');
    await s.writeData([{ key, value: null, created: false, keyString }]);
    expect(s.getDataNow(key)).toBeUndefined();
    expect(s.getDataNow(key, keyString)).toBeUndefined();
    expect(s.countData()).toBe(0);
    await s.close();
  });

  it('keeps the value cache within its byte budget and still reads every key', async () => {
    const budget = 4096;
    const s = await LevelStorage.open(tempDir(), 'none', budget);
    const value = new Uint8Array(200).fill(7);
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => s.writeData([{ key: bytes(`key${i}`), value, created: true }])),
    );
    expect(s.cachedBytes()).toBeLessThanOrEqual(budget);
    expect(s.cachedBytes()).toBeGreaterThan(0);
    for (let i = 0; i < 100; i++) expect((await s.getData(bytes(`key${i}`)))?.length).toBe(200);
    expect(s.cachedBytes()).toBeLessThanOrEqual(budget);
    await s.close();
  });

  it('caches a copy of a value that is a view into a larger buffer', async () => {
    const s = await LevelStorage.open(tempDir(), 'none');
    for (const frame of [new Uint8Array(1 << 16).fill(1), Buffer.alloc(1 << 16, 1)]) {
      await s.writeData([{ key: bytes('v'), value: frame.subarray(10, 20), created: true }]);
      frame.fill(9); // whoever owned the frame reuses it
      const read = await s.getData(bytes('v'));
      expect(read?.length).toBe(10);
      expect(read?.buffer.byteLength).toBe(10);
      expect([...read!]).toEqual(new Array(10).fill(1));
    }
    await s.close();
  });
});
