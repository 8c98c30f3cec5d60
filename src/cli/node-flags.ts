/** Validation of `ringkv node` flags into the node's options (pure, so it is tested without a node). */
import { createHash } from 'node:crypto';
import { DEFAULT_LIMITS, PARTITIONS_DEFAULT, REPLICAS_DEFAULT } from '../common/limits.js';
import { SyncMode } from '../node/config.js';
import type { RunNodeOptions } from '../node/io/run-node.js';
import { UsageError } from './cli-error.js';
import { DEV_CLUSTER_NAME } from './dev-state.js';
import {
  parseAddress,
  parseAddressList,
  parseIntInRange,
  parseLogLevel,
  parseNodeId,
  parseNonEmpty,
  parsePartitions,
  parseReplicas,
  parseSyncMode,
} from './parse-flags.js';

/** Environment variable holding the cluster secret. */
export const SECRET_ENV = 'RINGKV_SECRET';
/** Largest values a node's configurable limits may take. */
export const KEY_BYTES_LIMIT_MAX = 64 * 1024;
export const VALUE_BYTES_LIMIT_MAX = 64 * 1024 * 1024;
export const SIBLINGS_LIMIT_MAX = 10_000;

/** Raw values of `ringkv node` flags, as commander hands them over. */
export interface NodeFlags {
  readonly id?: string;
  readonly listen?: string;
  readonly data?: string;
  readonly seeds?: string;
  readonly cluster?: string;
  readonly secret?: string;
  readonly partitions?: string;
  readonly replicas?: string;
  readonly sync?: string;
  readonly logLevel?: string;
  readonly keyBytesMax?: string;
  readonly valueBytesMax?: string;
  readonly siblingsMax?: string;
  readonly tombstoneGraceMs?: string;
  readonly transferKeysPerS?: string;
  /** commander's value for --no-hinted-handoff (false when given). */
  readonly hintedHandoff?: boolean;
  /** commander's value for --no-anti-entropy (false when given). */
  readonly antiEntropy?: boolean;
  readonly framedPort?: string;
  /** commander's value for --no-framed (false when given). */
  readonly framed?: boolean;
}

/** A secret derived from the cluster name: stable across nodes, but known to anyone who knows the name. */
export function derivedSecret(cluster: string): string {
  return createHash('sha256').update(`ringkv-cluster-secret:${cluster}`).digest('hex');
}

function required(flag: string, value: string | undefined): string {
  if (value === undefined) throw new UsageError(`${flag} is required (see "ringkv node --help")`);
  return value;
}

/**
 * Validates `ringkv node` flags into runNode's options; `envSecret` is $RINGKV_SECRET.
 * `secretSource` tells whether the secret came from the flag, the environment or the cluster name.
 */
export function nodeOptionsFromFlags(
  flags: NodeFlags,
  envSecret: string | undefined,
): { options: RunNodeOptions; secretSource: 'flag' | 'env' | 'derived' } {
  const cluster = parseNonEmpty('--cluster', flags.cluster ?? DEV_CLUSTER_NAME);
  const secretSource =
    flags.secret !== undefined ? 'flag' : envSecret !== undefined && envSecret !== '' ? 'env' : 'derived';
  const secret =
    secretSource === 'flag'
      ? parseNonEmpty('--secret', flags.secret ?? '')
      : secretSource === 'env'
        ? (envSecret ?? '')
        : derivedSecret(cluster);
  const options: RunNodeOptions = {
    id: parseNodeId('--id', required('--id', flags.id)),
    address: parseAddress('--listen', required('--listen', flags.listen)),
    dataDir: parseNonEmpty('--data', required('--data', flags.data)),
    seeds: parseAddressList('--seeds', required('--seeds', flags.seeds)),
    cluster,
    secret,
    q: flags.partitions === undefined ? PARTITIONS_DEFAULT : parsePartitions('--partitions', flags.partitions),
    n: flags.replicas === undefined ? REPLICAS_DEFAULT : parseReplicas('--replicas', flags.replicas),
    syncMode: flags.sync === undefined ? SyncMode.batch : parseSyncMode('--sync', flags.sync),
    logLevel: flags.logLevel === undefined ? 'info' : parseLogLevel('--log-level', flags.logLevel),
    limits: {
      keyBytesMax: optionalInt('--key-bytes-max', flags.keyBytesMax, DEFAULT_LIMITS.keyBytesMax, KEY_BYTES_LIMIT_MAX),
      valueBytesMax: optionalInt(
        '--value-bytes-max',
        flags.valueBytesMax,
        DEFAULT_LIMITS.valueBytesMax,
        VALUE_BYTES_LIMIT_MAX,
      ),
      siblingsMax: optionalInt('--siblings-max', flags.siblingsMax, DEFAULT_LIMITS.siblingsMax, SIBLINGS_LIMIT_MAX),
    },
    ...(flags.transferKeysPerS === undefined
      ? {}
      : { transferKeysPerS: parseIntInRange('--transfer-keys-per-s', flags.transferKeysPerS, 1, 1_000_000) }),
    ...(flags.tombstoneGraceMs === undefined
      ? {}
      : { tombstoneGraceMs: parseIntInRange('--tombstone-grace-ms', flags.tombstoneGraceMs, 0, 365 * 86_400_000) }),
    ...(flags.hintedHandoff === false ? { hintedHandoff: false } : {}),
    ...(flags.antiEntropy === false ? { antiEntropy: false } : {}),
    ...(flags.framed === false ? { framedStreams: false } : {}),
    ...(flags.framedPort === undefined
      ? {}
      : { framedPort: parseIntInRange('--framed-port', flags.framedPort, 0, 65_535) }),
  };
  return { options, secretSource };
}

function optionalInt(flag: string, raw: string | undefined, fallback: number, max: number): number {
  return raw === undefined ? fallback : parseIntInRange(flag, raw, 1, max);
}
