import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/cli-error.js';
import { resolveSeeds, SEEDS_DEFAULT } from '../../src/cli/seeds.js';

describe('resolveSeeds', () => {
  const dev = ['127.0.0.1:7201', '127.0.0.1:7202'];

  it('prefers --seeds, then the environment, then the dev cluster, then the default', () => {
    expect(resolveSeeds({ flag: 'a:1,b:2', env: 'c:3', devAddresses: dev })).toEqual({
      seeds: ['a:1', 'b:2'],
      source: 'flag',
    });
    expect(resolveSeeds({ flag: undefined, env: 'c:3', devAddresses: dev })).toEqual({ seeds: ['c:3'], source: 'env' });
    expect(resolveSeeds({ flag: undefined, env: undefined, devAddresses: dev })).toEqual({ seeds: dev, source: 'dev' });
    expect(resolveSeeds({ flag: undefined, env: undefined, devAddresses: undefined })).toEqual({
      seeds: SEEDS_DEFAULT,
      source: 'default',
    });
  });

  it('treats an empty environment variable as unset', () => {
    expect(resolveSeeds({ flag: undefined, env: '  ', devAddresses: undefined }).source).toBe('default');
  });

  it('names the source of a bad value', () => {
    expect(() => resolveSeeds({ flag: 'nope', env: undefined, devAddresses: undefined })).toThrow(/--seeds/);
    expect(() => resolveSeeds({ flag: undefined, env: 'nope', devAddresses: undefined })).toThrow(UsageError);
    expect(() => resolveSeeds({ flag: undefined, env: 'nope', devAddresses: undefined })).toThrow(/RINGKV_SEEDS/);
  });
});
