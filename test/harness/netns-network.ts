/**
 * A private test network: one Linux network namespace per node, each with a veth pair plugged
 * into a bridge on a /24 subnet made for this run, and links cut with iptables inside the
 * namespaces. Every name carries the owning process id and a letter per network the process made
 * (`rkvt-<pid>a-n1`, bridge `rkb<pid>a`, veths `rkv<pid>ah<i>`), so leftovers of a crashed run are
 * found, and only those whose owner is dead are removed. The letter keeps a network from meeting
 * the names of the one before it: a deleted namespace, and its veth with it, lingers until the last
 * process in it has exited. Traffic only ever goes to addresses of namespaces made here.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Name prefix of every namespace the harness makes. */
export const NETNS_PREFIX = 'rkvt-';
/** The iptables chain inside each namespace that holds its cuts. */
const CUT_CHAIN = 'RKV_CUT';
/** How long a verification connect may take before the link counts as cut. */
const CONNECT_PROBE_S = 1;
/** First host byte given to a node; the bridge is .1. */
const NODE_HOST_BASE = 10;

/** Runs a command, throwing its stderr on failure. */
export async function sh(command: string, args: readonly string[], timeoutMs = 20_000): Promise<string> {
  try {
    const { stdout } = await exec(command, args, { timeout: timeoutMs });
    return stdout;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`${command} ${args.join(' ')}: ${(e.stderr ?? '').trim() || e.message}`);
  }
}

async function quiet(command: string, args: readonly string[]): Promise<void> {
  await sh(command, args).catch(() => undefined);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How a TCP connect from one namespace to an address ended: connected, refused (path works), or timed out (cut). */
export type LinkProbe = 'open' | 'refused' | 'timeout';

/** Removes namespaces, bridges and FORWARD rules left by harness runs whose process is gone. */
export async function cleanupLeftovers(): Promise<string[]> {
  const removed: string[] = [];
  const dead = (pid: string): boolean => pid !== String(process.pid) && !alive(Number(pid));
  for (const line of (await sh('ip', ['netns', 'list'])).split('\n')) {
    const name = line.split(' ')[0] ?? '';
    const m = new RegExp(`^${NETNS_PREFIX}(\\d+)[a-z]*-`).exec(name);
    if (m !== null && dead(m[1]!)) {
      // Nodes of a crashed run outlive it and keep the namespace alive: end them first.
      const pids = await sh('ip', ['netns', 'pids', name]).catch(() => '');
      for (const pid of pids.split('\n').filter((p) => /^\d+$/.test(p))) process.kill(Number(pid), 'SIGKILL');
      await quiet('ip', ['netns', 'del', name]);
      removed.push(name);
    }
  }
  for (const line of (await sh('ip', ['-o', 'link', 'show', 'type', 'bridge'])).split('\n')) {
    const m = /^\d+: (rkb(\d+)[a-z]*):/.exec(line);
    if (m !== null && dead(m[2]!)) {
      await quiet('ip', ['link', 'del', m[1]!]);
      removed.push(m[1]!);
    }
  }
  const rules = await sh('iptables', ['-w', '-S', 'FORWARD']).catch(() => '');
  for (const rule of rules.split('\n')) {
    const m = /--comment "?rkvt-(\d+)[a-z]*"?/.exec(rule);
    if (m !== null && dead(m[1]!)) {
      await quiet('iptables', ['-w', ...rule.replace(/^-A /, '-D ').replaceAll('"', '').split(' ')]);
      removed.push(`FORWARD rule ${rule}`);
    }
  }
  return removed;
}

/** A bridge plus one namespace per node. */
/** Networks this process has made: each takes the next letter. */
let networksMade = 0;

/** The letters of the n-th network of this process: a..z, then aa, ab, ... */
function networkLetters(n: number): string {
  return n < 26 ? String.fromCharCode(97 + n) : networkLetters(Math.floor(n / 26) - 1) + networkLetters(n % 26);
}

export class NetnsNetwork {
  private readonly tag = `${process.pid}${networkLetters(networksMade++)}`;
  readonly bridge = `rkb${this.tag}`;
  /** Addresses of the nodes' namespaces, by node id. */
  readonly ips = new Map<string, string>();
  private built = false;

  private constructor(
    readonly ids: readonly string[],
    private readonly subnet: string,
  ) {
    ids.forEach((id, i) => {
      this.ips.set(id, `${subnet}.${NODE_HOST_BASE + i}`);
    });
  }

  /** Builds the network for `ids` on a 10.77.x.0/24 subnet no interface of this machine uses yet. */
  static async create(ids: readonly string[]): Promise<NetnsNetwork> {
    await cleanupLeftovers();
    const used = await sh('ip', ['-4', '-o', 'addr', 'show']);
    const start = process.pid % 200;
    let subnet: string | undefined;
    for (let k = 0; k < 200 && subnet === undefined; k++) {
      const candidate = `10.77.${((start + k) % 200) + 20}`;
      if (!used.includes(` ${candidate}.`)) subnet = candidate;
    }
    if (subnet === undefined) throw new Error('no free 10.77.x.0/24 subnet for the test network');
    const net = new NetnsNetwork(ids, subnet);
    try {
      await net.build();
    } catch (err) {
      await net.destroy();
      throw err;
    }
    return net;
  }

  /** The namespace node `id` runs in. */
  namespace(id: string): string {
    return `${NETNS_PREFIX}${this.tag}-${id}`;
  }

  ip(id: string): string {
    const ip = this.ips.get(id);
    if (ip === undefined) throw new Error(`no node ${id} in the test network`);
    return ip;
  }

  private async build(): Promise<void> {
    this.built = true;
    await sh('ip', ['link', 'add', this.bridge, 'type', 'bridge']);
    await sh('ip', ['addr', 'add', `${this.subnet}.1/24`, 'dev', this.bridge]);
    await sh('ip', ['link', 'set', this.bridge, 'up']);
    // With dockerd running, bridged frames traverse FORWARD, whose policy is DROP.
    await sh('iptables', ['-w', '-I', 'FORWARD', ...this.forwardRule()]);
    for (const [i, id] of this.ids.entries()) await this.addNamespace(id, i);
  }

  private forwardRule(): string[] {
    return ['-i', this.bridge, '-o', this.bridge, '-m', 'comment', '--comment', `rkvt-${this.tag}`, '-j', 'ACCEPT'];
  }

  private async addNamespace(id: string, i: number): Promise<void> {
    const ns = this.namespace(id);
    const veth = `rkv${this.tag}h${i}`;
    await sh('ip', ['netns', 'add', ns]);
    await sh('ip', ['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
    await sh('ip', ['link', 'set', veth, 'master', this.bridge]);
    await sh('ip', ['link', 'set', veth, 'up']);
    await sh('ip', ['-n', ns, 'addr', 'add', `${this.ip(id)}/24`, 'dev', 'eth0']);
    await sh('ip', ['-n', ns, 'link', 'set', 'eth0', 'up']);
    await sh('ip', ['-n', ns, 'link', 'set', 'lo', 'up']);
    await this.inNs(
      id,
      `iptables -w -N ${CUT_CHAIN} && iptables -w -A INPUT -j ${CUT_CHAIN} && iptables -w -A OUTPUT -j ${CUT_CHAIN}`,
    );
  }

  private inNs(id: string, script: string): Promise<string> {
    return sh('ip', ['netns', 'exec', this.namespace(id), 'bash', '-c', script]);
  }

  /** Replaces every cut with drops between each pair of `pairs`, in both directions. */
  async cut(pairs: readonly (readonly [string, string])[]): Promise<void> {
    const drops = new Map<string, string[]>(this.ids.map((id) => [id, []]));
    for (const [a, b] of pairs) {
      drops.get(a)?.push(this.ip(b));
      drops.get(b)?.push(this.ip(a));
    }
    await Promise.all(
      this.ids.map((id) => {
        const rules = (drops.get(id) ?? []).flatMap((peer) => [
          `iptables -w -A ${CUT_CHAIN} -s ${peer} -j DROP`,
          `iptables -w -A ${CUT_CHAIN} -d ${peer} -j DROP`,
        ]);
        return this.inNs(id, [`iptables -w -F ${CUT_CHAIN}`, ...rules].join(' && '));
      }),
    );
  }

  /**
   * Tries a TCP connect from every namespace to every other node's `port`; returns, per ordered
   * pair "a>b", how it ended.
   */
  async probe(port: number): Promise<Map<string, LinkProbe>> {
    const results = new Map<string, LinkProbe>();
    await Promise.all(
      this.ids.map(async (from) => {
        const targets = this.ids.filter((to) => to !== from);
        const script = targets
          .map(
            (to) =>
              `(timeout ${CONNECT_PROBE_S} bash -c 'exec 3<>/dev/tcp/${this.ip(to)}/${port}' 2>/dev/null; echo "${to} $?") &`,
          )
          .join('\n');
        const out = await this.inNs(from, `${script}\nwait`);
        for (const line of out.trim().split('\n')) {
          const [to, code] = line.split(' ');
          results.set(`${from}>${to}`, code === '0' ? 'open' : code === '124' ? 'timeout' : 'refused');
        }
      }),
    );
    return results;
  }

  /** Deletes the namespaces (and with them the veth pairs), the bridge and the FORWARD rule. */
  async destroy(): Promise<void> {
    if (!this.built) return;
    this.built = false;
    for (const id of this.ids) await quiet('ip', ['netns', 'del', this.namespace(id)]);
    await quiet('ip', ['link', 'del', this.bridge]);
    await quiet('iptables', ['-w', '-D', 'FORWARD', ...this.forwardRule()]);
  }
}
