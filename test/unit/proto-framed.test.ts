/**
 * Framed streams (src/proto/framed.ts): frame splitting, the announcement in gRPC metadata, the
 * handshake and its refusals, limits, half-close, and the upgrade's retry rule; each stream test
 * runs over TCP and over the abstract Unix socket a node also listens on.
 */
import * as net from 'node:net';
import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FramedClientStream, FramedUpgrade } from '../../src/client/framed-client.js';
import { FramedServer, type FramedServerCall } from '../../src/node/io/framed-server.js';
import {
  announceFramed,
  FRAMED_FRAME_BYTES_MAX,
  FRAMED_HANDSHAKE_MS,
  FRAMED_LOCAL_METADATA_KEY,
  FRAMED_METADATA_KEY,
  FRAMED_WRITE_BUFFER_BYTES_MAX,
  type FramedEndpoint,
  FramedKind,
  FrameReader,
  framedEndpointFrom,
  framedLocalName,
  framedMetadataValue,
  hostOf,
  isLoopbackHost,
} from '../../src/proto/framed.js';
import type { StreamCodec } from '../../src/proto/stream-codec.js';

/** Messages are strings; the codec is UTF-8. */
const text: StreamCodec<string, string> = {
  serialize: (m) => Buffer.from(m, 'utf8'),
  deserialize: (b) => Buffer.from(b).toString('utf8'),
};

function frame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const head = Buffer.alloc(4);
  head.writeUInt32BE(body.length, 0);
  return Buffer.concat([head, body]);
}

const TOKEN = Buffer.alloc(16, 7);

/** How the stream tests reach a listener: its TCP port, or its abstract Unix socket. */
type Via = 'tcp' | 'unix';
let via: Via = 'tcp';
let names = 0;

/** A fresh abstract socket name per listener. */
function localName(): string {
  const random = Buffer.alloc(16);
  random.writeUInt32BE(process.pid, 0);
  random.writeUInt32BE(++names, 4);
  return framedLocalName(random);
}

/** A plain socket to where `via` says the listener of `endpoint` is. */
function rawConnect(endpoint: FramedEndpoint): net.Socket {
  return via === 'unix'
    ? net.connect({ path: `\0${endpoint.local}` })
    : net.connect({ host: '127.0.0.1', port: endpoint.port });
}

/** Listens with a plain server where `via` says; resolves with an endpoint for it. */
async function listenPlain(server: net.Server): Promise<FramedEndpoint> {
  if (via === 'unix') {
    const name = localName();
    await new Promise<void>((r) => server.listen({ path: `\0${name}` }, () => r()));
    return { port: 1, token: TOKEN, local: name };
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { port: (server.address() as net.AddressInfo).port, token: TOKEN };
}

interface Served {
  server: FramedServer;
  endpoint: FramedEndpoint;
  calls: FramedServerCall<never>[];
  received: string[];
}

const servers: FramedServer[] = [];
const clients: FramedClientStream<string, string>[] = [];

afterEach(() => {
  for (const c of clients.splice(0)) c.cancel();
  for (const s of servers.splice(0)) {
    s.stopAccepting();
    s.destroyAll();
  }
});

/** A framed server whose peer and kv handlers answer "echo:<message>", and end when the client ends. */
async function serve(): Promise<Served> {
  const calls: FramedServerCall<never>[] = [];
  const received: string[] = [];
  const handler = (call: FramedServerCall<never>) => {
    calls.push(call);
    const c = call as unknown as FramedServerCall<string>;
    c.sendMetadata();
    c.on('data', (m: string) => {
      received.push(m);
      c.write(`echo:${m}`);
    });
    c.on('end', () => c.end());
  };
  const server = new FramedServer(TOKEN, { peer: text as never, kv: text as never }, { peer: handler, kv: handler });
  servers.push(server);
  const endpoint = await server.listen('127.0.0.1', 0, localName());
  return { server, endpoint, calls, received };
}

function connect(endpoint: FramedEndpoint, kind: FramedKind = FramedKind.kv): FramedClientStream<string, string> {
  const c = new FramedClientStream<string, string>('127.0.0.1', endpoint, kind, text, via === 'unix');
  clients.push(c);
  return c;
}

function statusOf(c: FramedClientStream<string, string>): Promise<grpc.StatusObject> {
  return new Promise((resolve) => c.once('status', resolve));
}

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function nextData(c: FramedClientStream<string, string>): Promise<string> {
  return new Promise((resolve) => c.once('data', resolve));
}

describe('FrameReader', () => {
  it('on a Unix socket, reads the end marker as a clean half-close and refuses anything after it', () => {
    const marker = Buffer.from([0xff, 0xff, 0xff, 0xfe]);
    const reader = new FrameReader(1024, true);
    const first = reader.push(Buffer.concat([frame('a'), frame('b'), marker]));
    expect(first.frames.map((f) => f.toString())).toEqual(['a', 'b']);
    expect(first.error).toBeNull();
    expect(reader.endMarked).toBe(true);
    expect(reader.push(frame('c')).error).toBe('data after the end marker');
    const trailing = new FrameReader(1024, true);
    expect(trailing.push(Buffer.concat([marker, frame('d')])).error).toBe('data after the end marker');
    // On TCP the same four bytes are only a frame over the limit.
    const tcp = new FrameReader(1024);
    expect(tcp.push(marker).error).toMatch(/exceeds the limit/);
    expect(tcp.endMarked).toBe(false);
  });

  it('reassembles frames split at every byte and several frames in one chunk', () => {
    const reader = new FrameReader(1024);
    const bytes = Buffer.concat([frame('hello'), frame(''), frame('world!')]);
    const out: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const { frames, error } = reader.push(bytes.subarray(i, i + 1));
      expect(error).toBeNull();
      for (const f of frames) out.push(f.toString('utf8'));
    }
    expect(out).toEqual(['hello', '', 'world!']);
    const again = reader.push(Buffer.concat([frame('a'), frame('bc'), frame('d').subarray(0, 3)]));
    expect(again.frames.map((f) => f.toString())).toEqual(['a', 'bc']);
    expect(reader.push(frame('d').subarray(3)).frames.map((f) => f.toString())).toEqual(['d']);
  });

  it('refuses a frame announcing more than the limit, naming both sizes', () => {
    const reader = new FrameReader(10);
    const head = Buffer.alloc(4);
    head.writeUInt32BE(11, 0);
    const { frames, error } = reader.push(Buffer.concat([frame('ok'), head]));
    expect(frames.map((f) => f.toString())).toEqual(['ok']);
    expect(error).toBe('frame of 11 bytes exceeds the limit of 10');
  });
});

describe('the announcement', () => {
  it('round-trips through gRPC metadata and rejects malformed values', () => {
    const md = new grpc.Metadata();
    md.set(FRAMED_METADATA_KEY, framedMetadataValue({ port: 4242, token: TOKEN }));
    const endpoint = framedEndpointFrom(md);
    expect(endpoint?.port).toBe(4242);
    expect(endpoint?.token.equals(TOKEN)).toBe(true);
    for (const bad of [
      '4242',
      `0.${'07'.repeat(16)}`,
      `70000.${'07'.repeat(16)}`,
      '4242.abc',
      `4242.${'07'.repeat(15)}`,
    ]) {
      const m = new grpc.Metadata();
      m.set(FRAMED_METADATA_KEY, bad);
      expect(framedEndpointFrom(m), bad).toBeNull();
    }
    expect(framedEndpointFrom(new grpc.Metadata())).toBeNull();
    expect(framedEndpointFrom(undefined)).toBeNull();
  });

  it('carries the local socket name under its own key, and ignores a malformed one', () => {
    const md = new grpc.Metadata();
    md.set(FRAMED_METADATA_KEY, framedMetadataValue({ port: 4242, token: TOKEN }));
    expect(framedEndpointFrom(md)?.local).toBeUndefined();
    const name = framedLocalName(Buffer.alloc(16, 0xab));
    expect(name).toBe(`ringkv-framed-${'ab'.repeat(16)}`);
    md.set(FRAMED_LOCAL_METADATA_KEY, name);
    expect(framedEndpointFrom(md)?.local).toBe(name);
    for (const bad of ['ringkv-framed-xyz', `/tmp/${name}`, `${name}0`, '']) {
      md.set(FRAMED_LOCAL_METADATA_KEY, bad);
      expect(framedEndpointFrom(md)?.local).toBeUndefined();
      expect(framedEndpointFrom(md)?.port).toBe(4242);
    }
  });

  it('counts only loopback hosts as this machine', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', 'localhost', '::1']) expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['10.0.0.1', '0.0.0.0', '::', 'example.com', '127.0.0.1.example.com', '']) {
      expect(isLoopbackHost(host)).toBe(false);
    }
  });

  it('takes the host of host:port addresses, IPv6 included', () => {
    expect(hostOf('127.0.0.1:7101')).toBe('127.0.0.1');
    expect(hostOf('[::1]:7101')).toBe('::1');
    expect(hostOf('node-3.example:7101')).toBe('node-3.example');
  });
});

describe.each(['tcp', 'unix'] as const)('FramedServer and FramedClientStream over %s', (transport) => {
  beforeEach(() => {
    via = transport;
  });

  it('accepts a stream with the right token, carries messages both ways, and closes cleanly', async () => {
    const s = await serve();
    const c = connect(s.endpoint);
    const got: string[] = [];
    const both = new Promise<void>((resolve) =>
      c.on('data', (m: string) => {
        got.push(m);
        if (got.length === 2) resolve();
      }),
    );
    c.write('one');
    c.write('x'.repeat(100_000));
    await both;
    expect(got[0]).toBe('echo:one');
    expect(got[1]!.length).toBe(100_005);
    expect(got[1] === `echo:${'x'.repeat(100_000)}`).toBe(true);
    expect(c.established).toBe(true);
    expect(s.server.unixConnections).toBe(transport === 'unix' ? 1 : 0);
    const status = statusOf(c);
    c.end();
    expect((await status).code).toBe(grpc.status.OK);
    await s.server.idle();
    expect(s.server.connections).toBe(0);
  });

  it('refuses a wrong token and a bad hello, and keeps serving others', async () => {
    const s = await serve();
    const wrong = connect({ ...s.endpoint, token: Buffer.alloc(16, 8) });
    let accepted = false;
    wrong.on('metadata', () => {
      accepted = true;
    });
    const status = await statusOf(wrong);
    expect(accepted).toBe(false);
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
    expect(status.details).toContain('refused');

    const raw = rawConnect(s.endpoint);
    const answer = await new Promise<Buffer>((resolve) => {
      const parts: Buffer[] = [];
      raw.on('data', (d: Buffer) => parts.push(d));
      raw.on('close', () => resolve(Buffer.concat(parts)));
      raw.write(Buffer.alloc(21, 0x41)); // not the magic
    });
    expect([...answer]).toEqual([1]);
    expect(s.calls).toHaveLength(0);

    const good = connect(s.endpoint);
    good.write('still here');
    expect(await nextData(good)).toBe('echo:still here');
  });

  it('drops a connection that sends a frame over the limit, without delivering it', async () => {
    const s = await serve();
    const raw = rawConnect(s.endpoint);
    const closed = new Promise<void>((resolve) => raw.on('close', () => resolve()));
    raw.on('error', () => {}); // the node may reset the connection
    raw.resume(); // read the ack and the end, or 'close' never comes
    const head = Buffer.alloc(4);
    head.writeUInt32BE(FRAMED_FRAME_BYTES_MAX + 1, 0);
    raw.write(Buffer.concat([Buffer.from('RKF1'), Buffer.from([FramedKind.peer]), TOKEN, frame('ok'), head]));
    await closed;
    expect(s.received).toEqual(['ok']);
    const good = connect(s.endpoint, FramedKind.peer);
    good.write('after');
    expect(await nextData(good)).toBe('echo:after');
  });

  it('reports a stream the node dropped as broken, not as a clean end', async () => {
    const s = await serve();
    const c = connect(s.endpoint);
    c.write('hi');
    expect(await nextData(c)).toBe('echo:hi');
    const status = statusOf(c);
    s.server.destroyAll();
    const st = await status;
    expect(st.code).toBe(grpc.status.UNAVAILABLE);
    expect(c.established).toBe(true);
    expect(st.details).not.toMatch(/^No connection established/);
  });

  it('drops a stream whose node stops reading once 64 MiB wait unsent', async () => {
    // A listener that accepts the hello and then never reads again.
    const held: net.Socket[] = [];
    const stuck = net.createServer((socket) => {
      held.push(socket);
      socket.on('error', () => {});
      socket.once('data', () => {
        socket.write(Buffer.from([0]));
        socket.pause();
      });
    });
    const endpoint = await listenPlain(stuck);
    try {
      const c = connect(endpoint);
      await new Promise<void>((r) => c.once('metadata', () => r()));
      const status = statusOf(c);
      // 20 frames of 4 MiB: past 64 MiB the stream is dropped rather than buffering on.
      const big = 'x'.repeat(4 * 1024 * 1024);
      for (let i = 0; i < 20; i++) c.write(big);
      const st = await status;
      expect(st.code).toBe(grpc.status.UNAVAILABLE);
      expect(st.details).toContain(`more than ${FRAMED_WRITE_BUFFER_BYTES_MAX} bytes unsent`);
    } finally {
      for (const h of held) h.destroy();
      stuck.close();
    }
  });

  it('gives up on a listener that never answers the hello, and a node drops a silent client', async () => {
    const silent = net.createServer((socket) => socket.on('error', () => {})); // the client resets it
    const endpoint = await listenPlain(silent);
    try {
      const c = connect(endpoint);
      const st = await statusOf(c);
      expect(st.code).toBe(grpc.status.UNAVAILABLE);
      expect(st.details).toBe('No connection established. Last error: no framed handshake answer');
    } finally {
      silent.close();
    }
    const s = await serve();
    const raw = rawConnect(s.endpoint);
    raw.on('error', () => {});
    raw.resume();
    const started = Date.now();
    await new Promise<void>((resolve) => raw.on('close', () => resolve()));
    expect(Date.now() - started).toBeGreaterThanOrEqual(FRAMED_HANDSHAKE_MS - 100);
    expect(s.calls).toHaveLength(0);
  });

  it('reports a refused connection as never established', async () => {
    const s = await serve();
    s.server.stopAccepting();
    await new Promise((r) => setTimeout(r, 50));
    const c = connect(s.endpoint);
    const status = await statusOf(c);
    expect(status.code).toBe(grpc.status.UNAVAILABLE);
    expect(status.details).toMatch(/^No connection established/);
    expect(c.established).toBe(false);
  });

  it('tells the handler when the client goes away without ending', async () => {
    const s = await serve();
    const c = connect(s.endpoint);
    c.write('hi');
    await nextData(c);
    const cancelled = new Promise<void>((resolve) => s.calls[0]!.once('cancelled', () => resolve()));
    c.cancel();
    await cancelled;
    // The node's side of the connection is closed too, not left half-open.
    await s.server.idle();
    expect(s.server.connections).toBe(0);
  });
});

describe('FramedUpgrade', () => {
  it('hands over the accepted stream, and after a failure or a break retries the latest offer once the delay is over', async () => {
    const s = await serve();
    const md = (endpoint: FramedEndpoint) => {
      const m = new grpc.Metadata();
      m.set(FRAMED_METADATA_KEY, framedMetadataValue(endpoint));
      return m;
    };
    const good = new FramedUpgrade('127.0.0.1', FramedKind.kv, text, true);
    const stream = await new Promise<FramedClientStream<string, string>>((resolve) =>
      good.offer(md(s.endpoint), (st) => {
        resolve(st);
        return true;
      }),
    );
    clients.push(stream);
    stream.write('via upgrade');
    expect(await nextData(stream)).toBe('echo:via upgrade');

    // A wrong token: the attempt fails, an offer right after does not connect at once, and the
    // latest offer is tried when the retry delay is over.
    const failures: string[] = [];
    const bad = new FramedUpgrade('127.0.0.1', FramedKind.kv, text, true, {
      retryMs: 400,
      reupgradeMs: 400,
      onFailed: (reason) => failures.push(reason),
    });
    const handed: FramedClientStream<string, string>[] = [];
    const take = (st: FramedClientStream<string, string>) => {
      handed.push(st);
      clients.push(st);
      return true;
    };
    bad.offer(md({ port: s.endpoint.port, token: Buffer.alloc(16, 9) }), take);
    await new Promise((r) => setTimeout(r, 100));
    const before = s.server.connections;
    bad.offer(md(s.endpoint), take);
    await new Promise((r) => setTimeout(r, 100));
    expect(handed).toHaveLength(0);
    expect(s.server.connections).toBe(before);
    expect(failures).toEqual(['No connection established. Last error: the node refused the framed stream']);
    await waitUntil(() => handed.length === 1, 2000);
    handed[0]!.write('retried');
    expect(await nextData(handed[0]!)).toBe('echo:retried');

    // The framed stream broke: the next offer waits out the re-upgrade delay, then connects.
    handed[0]!.cancel();
    bad.broke();
    bad.offer(md(s.endpoint), take);
    await new Promise((r) => setTimeout(r, 100));
    expect(handed).toHaveLength(1);
    await waitUntil(() => handed.length === 2, 2000);
    expect(handed[1]!.established).toBe(true);

    // Disabled: never connects.
    const off = new FramedUpgrade('127.0.0.1', FramedKind.kv, text, false);
    let offHanded = 0;
    const connectionsBefore = s.server.connections;
    off.offer(md(s.endpoint), () => {
      offHanded++;
      return true;
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(offHanded).toBe(0);
    expect(s.server.connections).toBe(connectionsBefore);
    good.close();
    bad.close();
  });

  it('connects a loopback node over its Unix socket, and over its port when that socket is not reachable', async () => {
    via = 'unix';
    const s = await serve();
    const md = (endpoint: FramedEndpoint) => {
      const m = new grpc.Metadata();
      announceFramed(m, endpoint);
      return m;
    };
    const failures: string[] = [];
    const handed: FramedClientStream<string, string>[] = [];
    const take = (st: FramedClientStream<string, string>) => {
      handed.push(st);
      clients.push(st);
      return true;
    };
    const local = new FramedUpgrade('127.0.0.1', FramedKind.kv, text, true, { onFailed: (r) => failures.push(r) });
    local.offer(md(s.endpoint), take);
    await waitUntil(() => handed.length === 1, 2000);
    handed[0]!.write('local');
    expect(await nextData(handed[0]!)).toBe('echo:local');
    expect(s.server.unixConnections).toBe(1);

    // A socket name nobody listens on (a node in another network namespace): straight to the port,
    // well before the 30 s retry delay, and not reported as a failed upgrade.
    const elsewhere = new FramedUpgrade('127.0.0.1', FramedKind.kv, text, true, { onFailed: (r) => failures.push(r) });
    elsewhere.offer(md({ ...s.endpoint, local: localName() }), take);
    await waitUntil(() => handed.length === 2, 2000);
    handed[1]!.write('tcp');
    expect(await nextData(handed[1]!)).toBe('echo:tcp');
    expect(s.server.connections).toBe(2);
    expect(s.server.unixConnections).toBe(1);
    expect(failures).toEqual([]);
    local.close();
    elsewhere.close();
  });
});
