#!/usr/bin/env node
// The floor under a quorum put on this machine: what the message pattern of one costs in Node.js
// when little else is done, measured the way `ringkv bench` measures ringkv. Each option adds one
// of ringkv's costs, so the rungs between them show what each costs in place.
//
// Five node processes and one load generator, as in a ringkv dev cluster. Each put goes from the
// load generator to a coordinator, which sends it to the two next nodes and answers once one of
// them acknowledged (W = 2 with its own copy); the other acknowledgement still arrives and is
// handled. Six messages per put, the same as ringkv's, over plain TCP between every pair of
// processes, with everything queued in one event-loop turn written as one frame. There is no
// anti-entropy, receipt bookkeeping, failure handling or validation at any rung.
// - `--store level` (default) writes each copy to LevelDB (classic-level), group-committed and
//   fsynced before the acknowledgement with ringkv's commit rule (a synced group starts at least
//   8 ms after the previous one while groups hold 4 writes or more); `--store none` keeps nothing.
// - `--codec binary` (default) is a minimal hand-written frame; `--codec proto` carries ringkv's
//   own messages (a client put with context and options, its reply with a context and a receipt,
//   a replica put, its acknowledgement) through ringkv's protobuf stream codecs.
// - `--logic ringkv` (with `--codec proto`) adds ringkv's versioning with its own modules: the
//   coordinator checks the client's context and signs the new one (HMAC-SHA256), and makes the
//   new DVV set from its copy; each replica merges the version it is sent.
//
// It prints puts/s, latency and the CPU of the five node processes per put (utime + stime from
// /proc, as `ringkv bench` reads them), and the load generator's.
// Usage: npm run build && node scripts/bench-floor.mjs [--store level|none] [--codec binary|proto]
//          [--logic none|ringkv] [--concurrency 64] [--records 10000] [--value-size 100]
//          [--duration 15] [--warmup 10] [--base-port 27700]
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { sampleProcess } from '../dist/cli/bench/proc-stats.js';
import { STORAGE_BATCH_MAX } from '../dist/common/limits.js';
import { commitDelayMs } from '../dist/node/storage-group.js';

const flag = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i === -1 ? fallback : process.argv[i + 1];
};

const NODES = 5;
const CLIENT = 255;

// A message: u8 kind, u32 id, u8 origin (a node's index, or CLIENT), u16 key length, the key,
// u32 value length, the value. A frame: u32 length of the messages that follow.
const PUT = 1;
const PUT_ACK = 2;
const COPY = 3;
const COPY_ACK = 4;
const HEADER = 12;
const EMPTY = Buffer.alloc(0);

/** The messages of one frame in the floor's own binary form. */
const binary = {
  encode(out) {
    let bytes = 0;
    for (const m of out) bytes += HEADER + m.key.length + m.value.length;
    const frame = Buffer.allocUnsafe(4 + bytes);
    frame.writeUInt32BE(bytes, 0);
    let at = 4;
    for (const m of out) {
      frame[at] = m.kind;
      frame.writeUInt32BE(m.id, at + 1);
      frame[at + 5] = m.origin;
      frame.writeUInt16BE(m.key.length, at + 6);
      at += 8 + m.key.copy(frame, at + 8);
      frame.writeUInt32BE(m.value.length, at);
      at += 4 + m.value.copy(frame, at + 4);
    }
    return frame;
  },
  decode(payload, each) {
    let at = 0;
    while (at < payload.length) {
      const keyLength = payload.readUInt16BE(at + 6);
      const valueLength = payload.readUInt32BE(at + 8 + keyLength);
      const key = payload.subarray(at + 8, at + 8 + keyLength);
      const value = payload.subarray(at + HEADER + keyLength, at + HEADER + keyLength + valueLength);
      each(payload[at], payload.readUInt32BE(at + 1), payload[at + 5], key, value);
      at += HEADER + keyLength + valueLength;
    }
  },
};

// `--codec proto`: ringkv's own messages and codecs (src/proto/stream-codec.ts), as ringkv's streams
// carry them: a client put with a context and options, its reply with a context and a receipt
// naming three replicas, a replica put and a replica's acknowledgement.
const CONTEXT = 'AQEHbjE6YWJjZGVmAbX1c2VjcmV0LW1hYy0x';
const OPTIONS = { consistency: 'quorum', r: 0, w: 0, timeoutMs: 0, strict: false };
const RECEIPT = {
  coordinator: 'n1',
  replies: ['n1', 'n2', 'n3'].map((nodeId) => ({ nodeId, role: 'primary', forNode: '', ok: true, error: '' })),
  readRepair: false,
  required: 2,
  n: 3,
};

function framed(codec, message) {
  const frame = codec.serializeFramed(message);
  frame.writeUInt32BE(frame.length - 4, 0);
  return frame;
}

function protoCodecs(codecs) {
  const kv = {
    encode: (out) =>
      framed(codecs.kv, {
        messages: out.map((m) =>
          m.kind === PUT
            ? { id: m.id, put: { key: m.key, value: m.value, context: m.context, options: OPTIONS } }
            : { id: m.id, putReply: { context: m.context, receipt: RECEIPT } },
        ),
      }),
    decode(payload, each) {
      for (const m of codecs.kv.deserialize(payload).messages) {
        if (m.body === 'put') each(PUT, m.id, CLIENT, m.put.key, m.put.value, m.put.context);
        else each(PUT_ACK, m.id, 0, EMPTY, EMPTY, m.putReply.context);
      }
    },
  };
  const peer = {
    encode: (out) =>
      framed(codecs.peer, {
        from: `n${out[0].origin + 1}`,
        messages: out.map((m) =>
          m.kind === COPY
            ? { id: m.id, budgetMs: 5000, replicaPut: { key: m.key, state: m.value, forNode: '' } }
            : { id: m.id, replicaReply: { found: true, state: EMPTY } },
        ),
      }),
    decode(payload, each) {
      const batch = codecs.peer.deserialize(payload);
      const origin = Number(batch.from.slice(1)) - 1;
      for (const m of batch.messages) {
        if (m.body === 'replicaPut') each(COPY, m.id, origin, m.replicaPut.key, m.replicaPut.state);
        else each(COPY_ACK, m.id, origin, EMPTY, EMPTY);
      }
    },
  };
  return { kv, peer };
}

/** Which codec a connection uses: the connecting side's first byte says 'k' (client) or 'p' (peer). */
async function codecsFor(name) {
  if (name === 'binary') return { kv: binary, peer: binary };
  const { kvFrameCodec, peerBatchCodec } = await import('../dist/proto/stream-codec.js');
  return protoCodecs({ kv: kvFrameCodec(), peer: peerBatchCodec() });
}

/** One TCP connection: messages queued in a turn go out as one frame; frames in are split and parsed. */
class Link {
  constructor(socket, codec, onMessage) {
    this.socket = socket;
    this.codec = codec;
    this.out = [];
    this.scheduled = false;
    this.pending = Buffer.alloc(0);
    this.onMessage = onMessage;
    socket.setNoDelay(true);
    socket.on('error', () => {});
  }

  /** A connection this process opened: says which kind it is, then reads. */
  static connect(port, tag, codec, onMessage) {
    const socket = net.connect(port, '127.0.0.1');
    socket.write(tag);
    const link = new Link(socket, codec, onMessage);
    socket.on('data', (chunk) => link.receive(chunk));
    return link;
  }

  /** A connection this process accepted: its first byte picks the codec. */
  static accept(socket, codecs, onMessage) {
    socket.once('data', (first) => {
      const link = new Link(socket, first[0] === 0x6b ? codecs.kv : codecs.peer, onMessage);
      socket.on('data', (chunk) => link.receive(chunk));
      if (first.length > 1) link.receive(first.subarray(1));
    });
  }

  send(kind, id, origin, key, value, context = CONTEXT) {
    this.out.push({ kind, id, origin, key, value, context });
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  flush() {
    this.scheduled = false;
    const out = this.out;
    this.out = [];
    this.socket.write(this.codec.encode(out));
  }

  receive(chunk) {
    let buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    while (buf.length >= 4 && buf.length >= 4 + buf.readUInt32BE(0)) {
      const end = 4 + buf.readUInt32BE(0);
      this.codec.decode(buf.subarray(4, end), (kind, id, origin, key, value, context) =>
        this.onMessage(this, kind, id, origin, key, value, context),
      );
      buf = buf.subarray(end);
    }
    this.pending = buf;
  }
}

/** Group commit with ringkv's rule (src/node/storage-group.ts); `write` resolves once the copy is durable. */
class Store {
  constructor(dir) {
    this.db = dir === null ? null : new ClassicLevel(dir, { keyEncoding: 'view', valueEncoding: 'view' });
    this.queue = [];
    this.flushing = false;
    this.lastGroup = 0;
    this.lastStart = 0;
  }

  async open() {
    await this.db?.open();
  }

  write(key, value, done) {
    if (this.db === null) {
      done();
      return;
    }
    // The value is a view into a network frame: keep a copy, as ringkv does.
    this.queue.push({ key: new Uint8Array(key), value: new Uint8Array(value), done });
    if (!this.flushing) void this.flush();
  }

  async flush() {
    this.flushing = true;
    while (this.queue.length > 0) {
      const wait = commitDelayMs('batch', this.lastGroup, performance.now() - this.lastStart);
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      this.lastStart = performance.now();
      const group = this.queue.splice(0, STORAGE_BATCH_MAX);
      this.lastGroup = group.length;
      const batch = this.db.batch();
      for (const w of group) batch.put(w.key, w.value);
      await batch.write({ sync: true });
      for (const w of group) w.done();
    }
    this.flushing = false;
  }
}

/**
 * `--logic ringkv` (with `--codec proto`): each put also does what ringkv's versioning does, with
 * its modules: the coordinator checks the client's context (HMAC-SHA256), makes the new version
 * from its copy (a dotted version vector set, decoded and encoded) and signs the new context; a
 * replica merges the version it is sent into its copy. Copies are held in a Map.
 */
async function versioning(index) {
  const { decodeDvvSet, encodeDvvSet } = await import('../dist/versioning/dvv-codec.js');
  const { EMPTY_DVV_SET, equalDvv, sync, update } = await import('../dist/versioning/dvv-set.js');
  const { decodeContext, encodeContext } = await import('../dist/versioning/context.js');
  const states = new Map();
  const actor = `n${index + 1}.floor`;
  const local = (k) => {
    const bytes = states.get(k);
    return bytes === undefined ? EMPTY_DVV_SET : decodeDvvSet(bytes);
  };
  return {
    /** The coordinator's new version: its encoding and the context to hand back. */
    update(key, value, context) {
      const k = key.toString('latin1');
      const next = update(local(k), decodeContext(context, SECRET, 16 * 1024, key), new Uint8Array(value), actor);
      const encoded = encodeDvvSet(next);
      states.set(k, encoded);
      return { encoded, context: encodeContext(next.vv, SECRET, key) };
    },
    /** A replica's copy after merging `encoded`, or null when it was already there. */
    merge(key, encoded) {
      const k = key.toString('latin1');
      const mine = local(k);
      const incoming = decodeDvvSet(encoded);
      const merged = sync(mine, incoming);
      if (equalDvv(merged, mine)) return null;
      const bytes = equalDvv(merged, incoming) ? new Uint8Array(encoded) : encodeDvvSet(merged);
      states.set(k, bytes);
      return bytes;
    },
  };
}

const SECRET = 'floor-secret';

async function runNode(index, ports, dataDir, codecName, logic) {
  const codecs = await codecsFor(codecName);
  const versions = logic ? await versioning(index) : null;
  const store = new Store(dataDir);
  await store.open();
  const peers = new Map(); // index -> Link for sending copies
  const coordinating = new Map(); // copy id -> { link, id, needed }
  let nextCopyId = 1;
  const acked = (c) => {
    c.needed--;
    if (c.needed === 0) c.link.send(PUT_ACK, c.id, index, EMPTY, EMPTY, c.context);
  };
  const onMessage = (link, kind, id, _origin, key, value, context) => {
    if (kind === PUT) {
      const copyId = nextCopyId++;
      const version = versions === null ? { encoded: value, context } : versions.update(key, value, context);
      // Own durable copy plus one other: W = 2 of N = 3.
      const c = { link, id, needed: 2, acks: 0, context: version.context };
      coordinating.set(copyId, c);
      for (const step of [1, 2]) peers.get((index + step) % NODES).send(COPY, copyId, index, key, version.encoded);
      store.write(key, version.encoded, () => acked(c));
    } else if (kind === COPY) {
      const merged = versions === null ? value : versions.merge(key, value);
      const ack = () => link.send(COPY_ACK, id, index, EMPTY, EMPTY);
      if (merged === null) ack();
      else store.write(key, merged, ack);
    } else if (kind === COPY_ACK) {
      const c = coordinating.get(id);
      if (c === undefined) return;
      c.acks++;
      if (c.needed > 0) acked(c);
      // The second acknowledgement ends the copy's bookkeeping, as ringkv's does.
      if (c.acks === 2) coordinating.delete(id);
    }
  };
  const server = net.createServer((socket) => Link.accept(socket, codecs, onMessage));
  await new Promise((resolve) => server.listen(ports[index], '127.0.0.1', resolve));
  process.on('message', async (m) => {
    if (m !== 'connect') return;
    for (let j = 0; j < NODES; j++) {
      if (j === index) continue;
      const link = Link.connect(ports[j], 'p', codecs.peer, onMessage);
      await new Promise((resolve) => link.socket.once('connect', resolve));
      peers.set(j, link);
    }
    process.send('connected');
  });
  process.send('listening');
}

function keyOf(i) {
  return Buffer.from(`user${String(i).padStart(10, '0')}`);
}

/** FNV-1a, so that each key has one coordinator. */
function coordinatorOf(key) {
  let h = 0x811c9dc5;
  for (const b of key) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h % NODES;
}

function percentile(sorted, p) {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function drive() {
  const store = flag('store', 'level');
  const concurrency = Number(flag('concurrency', '64'));
  const records = Number(flag('records', '10000'));
  const valueSize = Number(flag('value-size', '100'));
  const duration = Number(flag('duration', '15'));
  const warmup = Number(flag('warmup', '10'));
  const basePort = Number(flag('base-port', '27700'));
  const codec = flag('codec', 'binary');
  const logic = flag('logic', 'none');
  if (logic !== 'none' && (logic !== 'ringkv' || codec !== 'proto'))
    throw new Error('--logic ringkv needs --codec proto');
  if (store !== 'none' && store !== 'level') throw new Error('--store is none or level');
  if (codec !== 'binary' && codec !== 'proto') throw new Error('--codec is binary or proto');
  const ports = Array.from({ length: NODES }, (_, i) => basePort + i);
  const work = mkdtempSync(join(tmpdir(), 'ringkv-floor-'));
  const children = ports.map((_, i) =>
    fork(
      import.meta.filename,
      [
        '--role',
        'node',
        '--index',
        String(i),
        '--ports',
        ports.join(','),
        '--data',
        store === 'level' ? join(work, `n${i}`) : '',
        '--codec',
        codec,
        '--logic',
        logic,
      ],
      { stdio: 'inherit' },
    ),
  );
  const all = (message) =>
    Promise.all(children.map((c) => new Promise((resolve) => c.once('message', (m) => m === message && resolve()))));
  try {
    await all('listening');
    const connected = all('connected');
    for (const c of children) c.send('connect');
    await connected;
    const value = Buffer.alloc(valueSize, 0x61);
    const waiting = new Map();
    let nextId = 1;
    const codecs = await codecsFor(codec);
    const links = ports.map((port) =>
      Link.connect(port, 'k', codecs.kv, (_link, kind, id, _origin, _key, _value, context) => {
        if (kind !== PUT_ACK) return;
        const w = waiting.get(id);
        waiting.delete(id);
        w?.(context);
      }),
    );
    await Promise.all(links.map((l) => new Promise((resolve) => l.socket.once('connect', resolve))));
    let measuring = false;
    let stop = false;
    let ops = 0;
    const latencies = [];
    const contexts = new Map();
    const put = () =>
      new Promise((resolve) => {
        const record = Math.floor(Math.random() * records);
        const key = keyOf(record);
        const id = nextId++;
        const started = performance.now();
        waiting.set(id, (context) => {
          if (measuring) {
            ops++;
            latencies.push(performance.now() - started);
          }
          if (logic === 'ringkv') contexts.set(record, context);
          resolve();
        });
        // Each write carries the context its key's last write returned, as `ringkv bench` does.
        const context = logic === 'ringkv' ? (contexts.get(record) ?? '') : CONTEXT;
        links[coordinatorOf(key)].send(PUT, id, CLIENT, key, value, context);
      });
    const loops = Array.from({ length: concurrency }, async () => {
      while (!stop) await put();
    });
    await new Promise((resolve) => setTimeout(resolve, warmup * 1000));
    const cpu = () => children.reduce((s, c) => s + (sampleProcess(c.pid).cpuS ?? Number.NaN), 0);
    const before = cpu();
    const clientBefore = process.cpuUsage();
    const t0 = performance.now();
    measuring = true;
    await new Promise((resolve) => setTimeout(resolve, duration * 1000));
    measuring = false;
    const seconds = (performance.now() - t0) / 1000;
    const nodeCpu = cpu() - before;
    const client = process.cpuUsage(clientBefore);
    stop = true;
    await Promise.all(loops);
    latencies.sort((a, b) => a - b);
    const rss = children.map((c) => sampleProcess(c.pid).rssMb ?? 0);
    console.log(
      `floor (${store === 'level' ? 'LevelDB, group-committed and fsynced' : 'no storage'}; ${codec} messages` +
        `${logic === 'ringkv' ? "; ringkv's versions and contexts" : ''}): ` +
        `${Math.round(ops / seconds).toLocaleString('en-US')} puts/s, ${concurrency} in flight, ${valueSize}-byte values`,
    );
    console.log(
      `  latency ms: p50 ${percentile(latencies, 50).toFixed(2)}  p99 ${percentile(latencies, 99).toFixed(2)}`,
    );
    console.log(
      `  node CPU: ${((nodeCpu * 1e6) / ops).toFixed(1)} µs/put (5 processes together); ` +
        `load generator ${((client.user + client.system) / ops).toFixed(1)} µs/put; RSS ${rss.map((r) => Math.round(r)).join(', ')} MB`,
    );
    for (const l of links) l.socket.destroy();
  } finally {
    for (const c of children) c.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  }
}

if (flag('role', 'driver') === 'node') {
  const data = flag('data', '');
  const ports = flag('ports').split(',').map(Number);
  await runNode(
    Number(flag('index')),
    ports,
    data === '' ? null : data,
    flag('codec', 'binary'),
    flag('logic', 'none') === 'ringkv',
  );
} else {
  await drive();
}
