/** Where a client command finds the cluster: --seeds, then RINGKV_SEEDS, then the dev state, then a default. */
import { parseAddressList } from './parse-flags.js';

/** The seed used when nothing else names one: the first node of a default dev cluster. */
export const SEEDS_DEFAULT: readonly string[] = ['127.0.0.1:7101'];
/** Environment variable holding comma-separated seeds. */
export const SEEDS_ENV = 'RINGKV_SEEDS';

export type SeedSource = 'flag' | 'env' | 'dev' | 'default';

/** Every place seeds may come from; undefined means "not given". */
export interface SeedSources {
  readonly flag: string | undefined;
  readonly env: string | undefined;
  /** Node addresses of the dev cluster state, when a state file exists. */
  readonly devAddresses: readonly string[] | undefined;
}

export interface ResolvedSeeds {
  readonly seeds: readonly string[];
  readonly source: SeedSource;
}

/** Picks the first source given, validating it; throws UsageError naming the flag or variable. */
export function resolveSeeds(sources: SeedSources): ResolvedSeeds {
  if (sources.flag !== undefined) {
    return { seeds: parseAddressList('--seeds', sources.flag), source: 'flag' };
  }
  if (sources.env !== undefined && sources.env.trim() !== '') {
    return { seeds: parseAddressList(SEEDS_ENV, sources.env), source: 'env' };
  }
  if (sources.devAddresses !== undefined && sources.devAddresses.length > 0) {
    return { seeds: [...sources.devAddresses], source: 'dev' };
  }
  return { seeds: SEEDS_DEFAULT, source: 'default' };
}
