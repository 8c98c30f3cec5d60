import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CliError, UsageError } from '../../src/cli/cli-error.js';
import { describeAdd } from '../../src/cli/command-dev.js';
import {
  addDevNode,
  type DevAddClient,
  type DevAddDeps,
  nextDevNode,
  waitingDevNode,
  waitUntilAnswering,
} from '../../src/cli/dev-add.js';
import { cmdlineMatches, nodeArgs, notServing } from '../../src/cli/dev-cluster.js';
import { checkReuse, devSpecFromFlags } from '../../src/cli/dev-start.js';
import {
  createDevState,
  DEV_NODES_MAX,
  DEV_STATE_FILE,
  findDevNode,
  readDevState,
  requireDevState,
  withPid,
  writeDevState,
} from '../../src/cli/dev-state.js';
import type { ChangePlanResult, ClusterStatus, MemberStatus } from '../../src/client/types.js';
import { FailedPreconditionError, UnavailableError } from '../../src/common/errors.js';
import { createRing, type Ring } from '../../src/ring/ring.js';

const spec = { dir: '/tmp/x', nodes: 3, q: 64, n: 3, basePort: 7100, secret: 'S' };
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('dev state', () => {
  it('creates nodes n1..nK on consecutive ports with their own data and log', () => {
    const state = createDevState(spec);
    expect(state.nodes).toEqual([
      { id: 'n1', address: '127.0.0.1:7101', dataDir: '/tmp/x/n1/data', logFile: '/tmp/x/n1/node.log', pid: null },
      { id: 'n2', address: '127.0.0.1:7102', dataDir: '/tmp/x/n2/data', logFile: '/tmp/x/n2/node.log', pid: null },
      { id: 'n3', address: '127.0.0.1:7103', dataDir: '/tmp/x/n3/data', logFile: '/tmp/x/n3/node.log', pid: null },
    ]);
    expect(state).toMatchObject({ cluster: 'ringkv-dev', secret: 'S', q: 64, n: 3 });
  });

  it('round-trips through the state file and rejects a broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ringkv-cli-test-'));
    dirs.push(dir);
    expect(readDevState(dir)).toBeUndefined();
    const state = withPid(createDevState({ ...spec, dir }), 'n2', 1234);
    writeDevState(dir, state);
    expect(readDevState(dir)).toEqual(state);
    writeFileSync(join(dir, DEV_STATE_FILE), JSON.stringify({ ...state, q: 'many' }));
    expect(() => readDevState(dir)).toThrow(/field q/);
    writeFileSync(join(dir, DEV_STATE_FILE), '{');
    expect(() => readDevState(dir)).toThrow(CliError);
  });

  it('names the valid ids when a node does not exist', () => {
    const state = createDevState(spec);
    expect(findDevNode(state, 'n2').address).toBe('127.0.0.1:7102');
    expect(() => findDevNode(state, 'n9')).toThrow(UsageError);
    expect(() => findDevNode(state, 'n9')).toThrow('no node "n9" in this dev cluster; valid ids: n1, n2, n3');
  });

  it('validates the shape of a new cluster', () => {
    expect(devSpecFromFlags({}, '/d', 's')).toEqual({ dir: '/d', nodes: 5, q: 256, n: 3, basePort: 7100, secret: 's' });
    expect(devSpecFromFlags({ nodes: '1' }, '/d', 's').n).toBe(1);
    expect(() => devSpecFromFlags({ nodes: '2', replicas: '3' }, '/d', 's')).toThrow(/--replicas 3 needs at least 3/);
    expect(() => devSpecFromFlags({ nodes: '8', partitions: '4' }, '/d', 's')).toThrow(/--partitions 4 is fewer/);
    expect(() => devSpecFromFlags({ nodes: '0' }, '/d', 's')).toThrow(/--nodes/);
  });

  it('refuses shape flags that disagree with an existing cluster', () => {
    const state = createDevState(spec);
    expect(() => checkReuse(state, { nodes: '3', partitions: '64', basePort: '7100' }, '/tmp/x')).not.toThrow();
    expect(() => checkReuse(state, { nodes: '5' }, '/tmp/x')).toThrow(/--nodes 5 cannot change it/);
    expect(() => checkReuse(state, { basePort: '7300' }, '/tmp/x')).toThrow(/--base-port 7300/);
  });
});

describe('dev processes', () => {
  const state = createDevState(spec);
  const n2 = findDevNode(state, 'n2');

  it('passes every node the same seeds and cluster shape, and no secret in argv', () => {
    const args = nodeArgs(state, n2, '/repo/bin/ringkv.js');
    expect(args.slice(0, 2)).toEqual(['/repo/bin/ringkv.js', 'node']);
    expect(args.join(' ')).toContain(
      '--id n2 --listen 127.0.0.1:7102 --data /tmp/x/n2/data --seeds 127.0.0.1:7101,127.0.0.1:7102,127.0.0.1:7103',
    );
    expect(args.join(' ')).toContain('--cluster ringkv-dev --partitions 64 --replicas 3');
    expect(args).not.toContain('S');
  });

  it('recognises its own node in /proc cmdline, not another one', () => {
    const own = ['/usr/bin/node', ...nodeArgs(state, n2, '/repo/bin/ringkv.js')].join('\0');
    expect(cmdlineMatches(own, n2)).toBe(true);
    expect(cmdlineMatches(own, findDevNode(state, 'n1'))).toBe(false);
    expect(cmdlineMatches('/usr/bin/vim\0--id\0n2\0--data\0/tmp/x/n2/data', n2)).toBe(false);
    expect(cmdlineMatches('', n2)).toBe(false);
  });

  it('says why nodes are not serving', () => {
    const member = (id: string, extra: Partial<MemberStatus>): MemberStatus => ({
      id,
      address: '',
      reachable: true,
      actor: '',
      state: 'serving',
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
      ringEpoch: 1,
      ...extra,
    });
    const status: ClusterStatus = {
      cluster: 'c',
      epoch: 1,
      q: 8,
      n: 3,
      members: [
        member('n1', {}),
        member('n2', { state: 'forming' }),
        member('n3', { reachable: false, error: 'down' }),
      ],
      nextOwners: null,
      departed: [],
    };
    expect(notServing(status, ['n1'])).toEqual([]);
    expect(notServing(status, ['n1', 'n2', 'n3', 'n4'])).toEqual([
      'n2 (forming)',
      'n3 (unreachable: down)',
      'n4 (not in the ring yet)',
    ]);
    // A node that left is not waited for.
    expect(notServing({ ...status, departed: ['n4'] }, ['n1', 'n4'])).toEqual([]);
  });
});

describe('dev add', () => {
  const five = { ...spec, nodes: 5 };
  const ringOf = (ids: readonly string[], extra: Partial<Ring> = {}): Ring => ({
    ...createRing({
      cluster: 'ringkv-dev',
      q: 64,
      n: 3,
      members: ids.map((id) => ({ id, address: `127.0.0.1:${7100 + Number(id.slice(1))}` })),
    }),
    ...extra,
  });
  const plan = (address: string, dryRun: boolean): ChangePlanResult => ({
    kind: 'join',
    nodeId: 'n6',
    address,
    epoch: 1,
    committed: !dryRun,
    stagedEpoch: dryRun ? 0 : 2,
    ownerMoves: [],
    replicaMoves: [],
    balance: [],
    copies: 0,
    keys: 0,
    bytes: 0,
    unknownPartitions: 0,
  });

  // A dev folder with n1..n5 "running", and fakes for the cluster and the processes.
  function world(options: { ring?: Ring; join?: (address: string) => Promise<ChangePlanResult> } = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'ringkv-dev-add-'));
    dirs.push(dir);
    let state = createDevState({ ...five, dir });
    for (const node of state.nodes) state = withPid(state, node.id, 1000 + Number(node.id.slice(1)));
    writeDevState(dir, state);
    const running = new Set(state.nodes.map((node) => node.id));
    const calls = {
      spawned: [] as { id: string; seeds: readonly string[] }[],
      joins: [] as { address: string; dryRun: boolean }[],
      stopped: [] as string[],
      closed: 0,
      connected: [] as (readonly string[])[],
    };
    const client: DevAddClient = {
      ring: () => options.ring ?? ringOf(['n1', 'n2', 'n3', 'n4', 'n5']),
      join: (address, { dryRun }) => {
        calls.joins.push({ address, dryRun });
        return options.join?.(address) ?? Promise.resolve(plan(address, dryRun));
      },
      close: () => void calls.closed++,
    };
    const deps: DevAddDeps = {
      connect: async (seeds) => {
        calls.connected.push(seeds);
        return client;
      },
      isRunning: (node) => running.has(node.id),
      spawn: (_state, node, seeds) => {
        calls.spawned.push({ id: node.id, seeds });
        mkdirSync(node.dataDir, { recursive: true });
        running.add(node.id);
        return 4242;
      },
      ask: async (address) => ({ id: `n${Number(address.split(':')[1]) - 7100}`, state: 'joining' }),
      stop: async (node) => {
        calls.stopped.push(node.id);
        running.delete(node.id);
      },
      timeoutMs: 1000,
    };
    const notes: string[] = [];
    return { dir, state, running, calls, deps, notes, note: (line: string) => void notes.push(line) };
  }

  it('numbers the new node after the highest nK, on the port dev start would give it', () => {
    const state = createDevState(five);
    expect(nextDevNode(state, '/tmp/x', ringOf(['n1', 'n2', 'n3', 'n4', 'n5']))).toEqual({
      id: 'n6',
      address: '127.0.0.1:7106',
      dataDir: '/tmp/x/n6/data',
      logFile: '/tmp/x/n6/node.log',
      pid: null,
    });
    const shifted = createDevState({ ...five, basePort: 7300 });
    expect(nextDevNode(shifted, '/tmp/x', ringOf(['n1'])).address).toBe('127.0.0.1:7306');
    // A departed id never comes back, even one the dev state no longer lists.
    const departed = ringOf(['n1', 'n2', 'n3', 'n4'], { departed: ['n6'] });
    expect(nextDevNode(state, '/tmp/x', departed).id).toBe('n7');
    const full = createDevState({ ...five, nodes: DEV_NODES_MAX });
    expect(() => nextDevNode(full, '/tmp/x', ringOf(['n1']))).toThrow(/already has 32 nodes/);
  });

  it('finds a dev node left waiting to join, but not a member or a departed one', () => {
    const state = createDevState({ ...five, nodes: 6 });
    expect(waitingDevNode(state, ringOf(['n1', 'n2', 'n3', 'n4', 'n5']))?.id).toBe('n6');
    expect(waitingDevNode(state, ringOf(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']))).toBeUndefined();
    expect(waitingDevNode(state, ringOf(['n1', 'n2', 'n3', 'n4', 'n5'], { departed: ['n6'] }))).toBeUndefined();
  });

  it('starts n6 with the members as seeds, records it, and joins it', async () => {
    const w = world();
    const result = await addDevNode(w.dir, w.state, { dryRun: false }, w.deps, w.note);
    const addresses = w.state.nodes.map((node) => node.address);
    expect(w.calls.connected).toEqual([addresses]);
    expect(w.calls.spawned).toEqual([{ id: 'n6', seeds: addresses }]);
    expect(w.calls.joins).toEqual([{ address: '127.0.0.1:7106', dryRun: false }]);
    expect(w.calls.closed).toBe(1);
    expect(result).toMatchObject({ created: true, node: { id: 'n6', pid: 4242 }, answered: { state: 'joining' } });
    expect(result.plan.committed).toBe(true);
    expect(readDevState(w.dir)?.nodes.at(-1)).toEqual({
      ...findDevNode(createDevState({ ...five, nodes: 6, dir: w.dir }), 'n6'),
      pid: 4242,
    });
    expect(w.notes.join('\n')).toContain('started n6 (pid 4242) on 127.0.0.1:7106');
    expect(describeAdd(result)).toMatch(/^n6 \(pid 4242\) joins at 127\.0\.0\.1:7106: .*"ringkv dev status --watch"/);
  });

  it('with --dry-run, leaves n6 running and recorded, and a later add joins that same node', async () => {
    const w = world();
    const dry = await addDevNode(w.dir, w.state, { dryRun: true }, w.deps, w.note);
    expect(w.calls.joins).toEqual([{ address: '127.0.0.1:7106', dryRun: true }]);
    expect(w.running.has('n6')).toBe(true);
    expect(w.calls.stopped).toEqual([]);
    expect(describeAdd(dry)).toBe(
      'n6 (pid 4242) keeps running at 127.0.0.1:7106 in state "joining", not a member; ' +
        '"ringkv dev add" joins it, "ringkv dev stop n6" stops it',
    );
    const again = await addDevNode(w.dir, requireDevState(w.dir), { dryRun: false }, w.deps, w.note);
    expect(again).toMatchObject({ created: false, node: { id: 'n6' } });
    expect(w.calls.spawned).toHaveLength(1);
    expect(w.calls.joins.at(-1)).toEqual({ address: '127.0.0.1:7106', dryRun: false });
    expect(readDevState(w.dir)?.nodes.map((node) => node.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
  });

  it('stops and forgets the new node when the cluster refuses it, and reports the reason', async () => {
    const refusal = new FailedPreconditionError(
      'address',
      'another membership change is in progress (staged at epoch 4)',
    );
    const w = world({ join: () => Promise.reject(refusal) });
    await expect(addDevNode(w.dir, w.state, { dryRun: false }, w.deps, w.note)).rejects.toBe(refusal);
    expect(w.calls.stopped).toEqual(['n6']);
    expect(readDevState(w.dir)?.nodes.map((node) => node.id)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5']);
    expect(existsSync(join(w.dir, 'n6'))).toBe(false);
    expect(w.calls.closed).toBe(1);
  });

  it('keeps the node when the outcome of the join is unknown', async () => {
    const w = world({ join: () => Promise.reject(new UnavailableError('node n1 unreachable', ['n1'])) });
    await expect(addDevNode(w.dir, w.state, { dryRun: false }, w.deps, w.note)).rejects.toThrow(/unreachable/);
    expect(w.calls.stopped).toEqual([]);
    expect(readDevState(w.dir)?.nodes.at(-1)?.id).toBe('n6');
  });

  it('starts nothing when no node of the cluster runs', async () => {
    const w = world();
    w.running.clear();
    await expect(addDevNode(w.dir, w.state, { dryRun: false }, w.deps, w.note)).rejects.toThrow(
      /no node of the dev cluster .* is running; start it with "ringkv dev start" first/,
    );
    expect(w.calls.connected).toEqual([]);
    expect(w.calls.spawned).toEqual([]);
  });

  it('refuses before starting anything when Q leaves no partition for another node', async () => {
    const members = Array.from({ length: 16 }, (_, i) => ({ id: `n${i + 1}`, address: `127.0.0.1:${7101 + i}` }));
    const small = createRing({ cluster: 'ringkv-dev', q: 16, n: 3, members });
    const w = world({ ring: small });
    await expect(addDevNode(w.dir, w.state, { dryRun: true }, w.deps, w.note)).rejects.toThrow(
      'Q=16 partitions leave none for a node beyond the 16 members',
    );
    expect(w.calls.spawned).toEqual([]);
  });

  it('fails with the log when the new node exits, or when its port answers as another node', async () => {
    const exits = world();
    exits.deps = { ...exits.deps, isRunning: (node) => node.id !== 'n6' && exits.running.has(node.id) };
    mkdirSync(join(exits.dir, 'n6'), { recursive: true });
    writeFileSync(join(exits.dir, 'n6', 'node.log'), 'line 1\nEADDRINUSE 127.0.0.1:7106\n');
    await expect(addDevNode(exits.dir, exits.state, { dryRun: false }, exits.deps, exits.note)).rejects.toThrow(
      /node n6 exited while starting; last lines of .*node\.log:\nline 1\nEADDRINUSE/,
    );
    expect(exits.calls.joins).toEqual([]);

    const impostor = world();
    impostor.deps = { ...impostor.deps, ask: async () => ({ id: 'x9', state: 'serving' }) };
    await expect(
      addDevNode(impostor.dir, impostor.state, { dryRun: false }, impostor.deps, impostor.note),
    ).rejects.toThrow('127.0.0.1:7106 answers as node x9, not n6; is another cluster using it?');
  });

  it('waits for the node to answer, and gives up after the timeout', async () => {
    let asked = 0;
    const node = findDevNode(createDevState({ ...five, nodes: 6 }), 'n6');
    const late = await waitUntilAnswering(
      node,
      {
        isRunning: () => true,
        ask: async () => {
          asked++;
          if (asked < 3) throw new Error('connect ECONNREFUSED');
          return { id: 'n6', state: 'joining' };
        },
      },
      undefined,
    );
    expect(late).toEqual({ id: 'n6', state: 'joining' });
    expect(asked).toBe(3);
    const never = waitUntilAnswering(
      node,
      { isRunning: () => true, ask: () => Promise.reject(new Error('connect ECONNREFUSED')), timeoutMs: 100 },
      undefined,
    );
    await expect(never).rejects.toThrow(/n6 did not answer within 0.1 s \(connect ECONNREFUSED\)/);
  });

  it('gives a dev-added node the seeds it is asked for', () => {
    const state = createDevState({ ...five, nodes: 6 });
    const args = nodeArgs(state, findDevNode(state, 'n6'), '/repo/bin/ringkv.js', ['127.0.0.1:7101', '127.0.0.1:7102']);
    expect(args.join(' ')).toContain(
      '--id n6 --listen 127.0.0.1:7106 --data /tmp/x/n6/data --seeds 127.0.0.1:7101,127.0.0.1:7102 ',
    );
  });
});
