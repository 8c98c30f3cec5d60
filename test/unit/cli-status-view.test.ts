import { describe, expect, it } from 'vitest';
import { formatUptime } from '../../src/cli/output.js';
import { formatStatusLine, renderStatus, statusHeader } from '../../src/cli/status-view.js';
import type { ClusterStatus, MemberStatus, TransferStatus } from '../../src/client/types.js';

function member(id: string, overrides: Partial<MemberStatus> = {}): MemberStatus {
  return {
    id,
    address: `127.0.0.1:710${id.slice(1)}`,
    reachable: true,
    actor: `${id}.abc`,
    state: 'serving',
    partitionsOwned: 52,
    keys: 1200,
    uptimeS: 3725,
    pid: 42,
    rssMb: 81.25,
    framedStreams: 0,
    requests: 99,
    requestErrors: 3,
    syncMode: 'batch',
    peers: [],
    hints: [],
    handoffRate: 0,
    handoffsTotal: 0,
    readRepairs: 0,
    hintsDropped: 0,
    partitionsReplicated: 154,
    partitionsInSync: 150,
    lastExchangeAgeS: 2,
    keysRepaired: 17,
    tombstonesPending: 3,
    transfers: [],
    partitionsReleasing: 0,
    ringEpoch: 7,
    ...overrides,
  };
}

const ANSI_ESCAPE = '\u001b[';

const status: ClusterStatus = {
  cluster: 'ringkv-dev',
  epoch: 7,
  q: 256,
  n: 3,
  members: [
    member('n1', {
      framedStreams: 6,
      hints: [{ nodeId: 'n3', count: 420, bytes: 61_000 }],
      handoffRate: 0,
      peers: [{ nodeId: 'n3', state: 'down', lastSeenAgoMs: 9000, phi: 12.5 }],
    }),
    member('n2', { state: 'forming', hints: [{ nodeId: 'n3', count: 80, bytes: 9000 }], handoffRate: 35 }),
    member('n3', { reachable: false, state: 'unreachable', error: 'connect ECONNREFUSED' }),
  ],
  nextOwners: null,
  departed: [],
};

describe('status view', () => {
  it('formats uptimes', () => {
    expect(formatUptime(0)).toBe('0s');
    expect(formatUptime(59)).toBe('59s');
    expect(formatUptime(65)).toBe('1m05s');
    expect(formatUptime(3725)).toBe('1h02m');
    expect(formatUptime(90_000)).toBe('1d01h');
  });

  it('has a header with cluster, epoch, N, Q and nodes up', () => {
    expect(statusHeader(status)).toBe('cluster ringkv-dev  epoch 7  N=3  Q=256  nodes up 2/3 (1 serving)');
  });

  it('renders one row per member with real figures only, DOWN for unreachable ones', () => {
    const text = renderStatus(status, { color: false });
    expect(text).not.toContain(ANSI_ESCAPE);
    const lines = text.split('\n');
    expect(lines[0]).toBe(statusHeader(status));
    for (const column of [
      'node',
      'address',
      'state',
      'partitions',
      'keys',
      'requests/errors',
      'framed',
      'rss MB',
      'uptime',
    ]) {
      expect(lines[2]).toContain(column);
    }
    const row = (id: string) => lines.find((line) => line.startsWith(`│ ${id} `)) ?? '';
    expect(row('n1')).toMatch(/serving.*52.*1200.*n3:420.*n3 down.*99\/3 *│ *6 *│ *81\.3.*1h02m/);
    expect(row('n2')).toMatch(/\/3 *│ *0 *│ *81\.3/);
    expect(row('n2')).toMatch(/forming.*n3:80.*35\/s/);
    expect(row('n1')).toMatch(/150\/154 \(2s ago\) *│ *17 *│ *3 /);
    expect(row('n3')).toMatch(/DOWN( *│ *-)+/);
    expect(text).toContain('pending hints by target: n3 500');
    expect(text).toContain('n3: connect ECONNREFUSED');
    expect(text).not.toMatch(/transfer/i);
  });

  it('colors states only when asked', () => {
    expect(renderStatus(status, { color: true })).toContain(ANSI_ESCAPE);
  });

  it('summarises on one line', () => {
    expect(formatStatusLine(status)).toBe(
      `${statusHeader(status)} | n1 serving p=52 keys=1200 hints=n3:420 | n2 forming p=52 keys=1200 hints=n3:80 handoff=35/s | n3 DOWN | pending hints: n3=500`,
    );
  });
});

describe('status view while the ring changes', () => {
  const transfer = (partition: number, source: string, extra: Partial<TransferStatus> = {}): TransferStatus => ({
    partition,
    source,
    state: 'waiting',
    keysDone: 0,
    bytesDone: 0,
    keysTotal: 0,
    bytesTotal: 0,
    rateKeysPerS: 0,
    etaS: 0,
    resumedAtKeys: 0,
    ...extra,
  });
  const owners = ['n1', 'n2', 'n3', 'n1', 'n2', 'n3', 'n1', 'n2'];
  const joining: ClusterStatus = {
    cluster: 'ringkv-dev',
    epoch: 8,
    q: 8,
    n: 3,
    members: [
      member('n1', { partitionsOwned: 3, ringEpoch: 8 }),
      member('n2', { partitionsOwned: 3, ringEpoch: 8 }),
      member('n3', { partitionsOwned: 2, ringEpoch: 7 }),
      member('n4', {
        state: 'joining',
        partitionsOwned: 0,
        ringEpoch: 0,
        transfers: [
          transfer(5, ''),
          transfer(1, 'n1', {
            state: 'copying',
            keysDone: 1200,
            bytesDone: 1.5 * 2 ** 20,
            keysTotal: 5000,
            bytesTotal: 6 * 2 ** 20,
            rateKeysPerS: 800,
            etaS: 5,
            resumedAtKeys: 400,
          }),
          transfer(6, 'n3', { state: 'done', keysDone: 10, keysTotal: 10 }),
        ],
      }),
    ],
    nextOwners: ['n1', 'n4', 'n3', 'n1', 'n4', 'n3', 'n1', 'n2'],
    departed: ['n9'],
  };
  // Rows of the transfer table, which follows the "transfers:" line.
  const rowsOf = (text: string) => {
    const lines = text.split('\n');
    return lines.slice(lines.findIndex((line) => line.startsWith('transfers:'))).filter((l) => l.startsWith('│ n4 '));
  };

  it('counts the partitions changing owner and shows how each node’s share changes', () => {
    const text = renderStatus(joining, { color: false, owners });
    expect(text).toContain('rebalancing (epoch 8): 2 of 8 partitions change owner; partitions n2 3->1, n4 0->2');
    const withoutOwners = renderStatus(joining, { color: false });
    expect(withoutOwners).toContain('rebalancing (epoch 8): a membership change is in progress; partitions n2 3->1');
  });

  it('lists the transfers not done, active first, with progress, rate, ETA and resumption', () => {
    const text = renderStatus(joining, { color: false, owners });
    expect(text).toContain('transfers: n4 1/3 copies done (1 copying, 0 syncing, 1 waiting)');
    const rows = rowsOf(text);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatch(
      /n4 +│ +1 │ n1 +│ copying │ +1200\/5000 │ +1\.5 MiB\/6\.0 MiB │ +800 keys\/s │ +5s │ resumed at 400 keys/,
    );
    expect(rows[1]).toMatch(/n4 +│ +5 │ - +│ waiting │ +0\/\? │ +0 B\/\? │ +- │ +- │ +│$/);
    expect(rows[1]).not.toContain('resumed');
    expect(text).not.toMatch(/│ done /);
    expect(text).toContain('departed (may not rejoin under the same id): n9');
    expect(text).toContain('ring epoch not yet 8 on: n3 7, n4 none yet');
  });

  it('counts transfers beyond the rows it shows', () => {
    const many = Array.from({ length: 20 }, (_, p) => transfer(p, 'n1'));
    const text = renderStatus(
      { ...joining, members: [member('n4', { state: 'joining', transfers: many })] },
      { color: false, owners },
    );
    expect(rowsOf(text)).toHaveLength(16);
    expect(rowsOf(text)[0]).toMatch(/│ +- │$/);
    expect(text).not.toContain('note');
    expect(text).toContain('… and 4 more transfers not done');
  });

  it('shows partitions being released after the flip, and nothing about a change once none is left', () => {
    const after: ClusterStatus = {
      ...joining,
      epoch: 9,
      members: [member('n1', { partitionsReleasing: 2, ringEpoch: 9 }), member('n2', { ringEpoch: 9 })],
      nextOwners: null,
    };
    const text = renderStatus(after, { color: false, owners });
    expect(text).toContain(
      'partitions releasing (no longer replicated, dropped once every member has the new ring): n1 2',
    );
    expect(text).not.toContain('rebalancing');
    expect(text).not.toMatch(/transfers|ring epoch not yet/);
  });

  it('summarises the change on the one-line form', () => {
    expect(formatStatusLine(joining, owners)).toMatch(
      / \| pending hints: none \| rebalancing: 2 partitions change owner \| transfers 1\/3 done \| departed: n9$/,
    );
    expect(formatStatusLine(status)).not.toMatch(/rebalancing|transfers|departed/);
  });
});
