import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/cli-error.js';
import { derivedSecret, nodeOptionsFromFlags } from '../../src/cli/node-flags.js';
import { DEFAULT_LIMITS } from '../../src/common/limits.js';

const base = { id: 'n1', listen: '127.0.0.1:7101', data: './data/n1', seeds: '127.0.0.1:7101,127.0.0.1:7102' };

describe('nodeOptionsFromFlags', () => {
  it('fills defaults', () => {
    const { options, secretSource } = nodeOptionsFromFlags(base, undefined);
    expect(options).toEqual({
      id: 'n1',
      address: '127.0.0.1:7101',
      dataDir: './data/n1',
      seeds: ['127.0.0.1:7101', '127.0.0.1:7102'],
      cluster: 'ringkv-dev',
      secret: derivedSecret('ringkv-dev'),
      q: 256,
      n: 3,
      syncMode: 'batch',
      logLevel: 'info',
      limits: DEFAULT_LIMITS,
    });
    expect(secretSource).toBe('derived');
  });

  it('takes the secret from the flag, else the environment, else the cluster name', () => {
    expect(nodeOptionsFromFlags({ ...base, secret: 's1' }, 'env').options.secret).toBe('s1');
    expect(nodeOptionsFromFlags(base, 'env').options.secret).toBe('env');
    expect(nodeOptionsFromFlags(base, '').secretSource).toBe('derived');
    expect(derivedSecret('a')).not.toBe(derivedSecret('b'));
    expect(nodeOptionsFromFlags({ ...base, cluster: 'prod' }, undefined).options.secret).toBe(derivedSecret('prod'));
  });

  it('parses every optional flag', () => {
    const { options } = nodeOptionsFromFlags(
      {
        ...base,
        partitions: '64',
        replicas: '5',
        sync: 'always',
        logLevel: 'warn',
        keyBytesMax: '100',
        valueBytesMax: '2000',
        siblingsMax: '7',
      },
      undefined,
    );
    expect(options).toMatchObject({ q: 64, n: 5, syncMode: 'always', logLevel: 'warn' });
    expect(options.limits).toEqual({ keyBytesMax: 100, valueBytesMax: 2000, siblingsMax: 7 });
  });

  it('takes the framed listener port, or turns framing off', () => {
    expect(nodeOptionsFromFlags({ ...base, framedPort: '7201' }, undefined).options.framedPort).toBe(7201);
    expect(nodeOptionsFromFlags({ ...base, framedPort: '0' }, undefined).options.framedPort).toBe(0);
    expect(nodeOptionsFromFlags({ ...base, framed: false }, undefined).options.framedStreams).toBe(false);
    expect(nodeOptionsFromFlags(base, undefined).options.framedStreams).toBeUndefined();
    expect(() => nodeOptionsFromFlags({ ...base, framedPort: '65536' }, undefined)).toThrow(/--framed-port/);
    expect(() => nodeOptionsFromFlags({ ...base, framedPort: 'x' }, undefined)).toThrow(/--framed-port/);
  });

  it('names the missing or bad flag', () => {
    for (const missing of ['id', 'listen', 'data', 'seeds'] as const) {
      const flags = { ...base, [missing]: undefined };
      expect(() => nodeOptionsFromFlags(flags, undefined)).toThrow(new RegExp(`--${missing} is required`));
    }
    expect(() => nodeOptionsFromFlags({ ...base, partitions: '3' }, undefined)).toThrow(/--partitions/);
    expect(() => nodeOptionsFromFlags({ ...base, siblingsMax: '0' }, undefined)).toThrow(/--siblings-max/);
    expect(() => nodeOptionsFromFlags({ ...base, cluster: '' }, undefined)).toThrow(UsageError);
    expect(() => nodeOptionsFromFlags({ ...base, secret: ' ' }, undefined)).toThrow(/--secret/);
  });
});
