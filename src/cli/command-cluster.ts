/** `ringkv status | ring | where`: what the cluster looks like and where a key lives. */
import type { Command } from 'commander';
import type { RingClient } from '../client/index.js';
import { keyBytes, partitionOf } from '../ring/index.js';
import { addClientOptions, type ClientFlags, connectFromFlags, timeoutFromFlags, withClient } from './connect.js';
import { toJson } from './output.js';
import { renderRing, renderWhere, ringJson } from './ring-view.js';
import { formatStatusLine, renderStatus } from './status-view.js';
import { type Frame, stopSignal, watch, watchMode } from './watch.js';

interface StatusFlags extends ClientFlags {
  readonly watch?: boolean;
}

/**
 * A frame source that keeps one client open across refreshes and reconnects after failures,
 * so that a watch survives nodes going down and coming back. `close` releases the client.
 */
export function statusFrames(
  connect: () => Promise<RingClient>,
  decorate: (frame: Frame) => Frame = (frame) => frame,
): { next: () => Promise<Frame>; close: () => void } {
  let client: RingClient | undefined;
  const next = async (): Promise<Frame> => {
    try {
      client ??= await connect();
      const status = await client.status();
      const owners = client.ring().owners;
      return decorate({ view: renderStatus(status, { owners }), line: formatStatusLine(status, owners), json: status });
    } catch (err) {
      const message = `cannot get the cluster status: ${(err as Error).message}`;
      client?.close();
      client = undefined;
      return decorate({ view: message, line: message, json: { error: message } });
    }
  };
  const close = (): void => {
    client?.close();
    client = undefined;
  };
  return { next, close };
}

async function runStatus(flags: StatusFlags): Promise<void> {
  if (flags.watch === true) {
    const frames = statusFrames(() => connectFromFlags(flags));
    const stop = stopSignal();
    try {
      await watch(frames.next, watchMode(flags.json === true, process.stdout.isTTY === true), stop.signal);
    } finally {
      stop.dispose();
      frames.close();
    }
    return;
  }
  const timeoutMs = timeoutFromFlags(flags);
  const { status, owners } = await withClient(flags, async (client) => ({
    status: await client.status(timeoutMs === undefined ? {} : { timeoutMs }),
    owners: client.ring().owners,
  }));
  process.stdout.write(flags.json === true ? toJson(status) : `${renderStatus(status, { owners })}\n`);
}

async function runRing(flags: ClientFlags): Promise<void> {
  const ring = await withClient(flags, async (client) => client.ring());
  process.stdout.write(flags.json === true ? toJson(ringJson(ring)) : `${renderRing(ring)}\n`);
}

async function runWhere(key: string, flags: ClientFlags): Promise<void> {
  const { ring, replicas } = await withClient(flags, async (client) => ({
    ring: client.ring(),
    replicas: client.replicasFor(key),
  }));
  const partition = partitionOf(keyBytes(key), ring.q);
  if (flags.json === true) {
    process.stdout.write(toJson({ key, partition, epoch: ring.epoch, replicas }));
    return;
  }
  process.stdout.write(`${renderWhere(key, partition, replicas)}\n`);
}

/** Registers status, ring and where on `program`. */
export function registerClusterCommands(program: Command): void {
  addClientOptions(
    program
      .command('status')
      .description('every node: state, partitions, keys, requests, memory, uptime')
      .option('--watch', 'refresh until Ctrl-C'),
  ).action(runStatus);
  addClientOptions(program.command('ring').description('ring members, partitions per node and balance')).action(
    runRing,
  );
  addClientOptions(
    program.command('where').description("a key's partition and preference list").argument('<key>'),
  ).action(runWhere);
}
