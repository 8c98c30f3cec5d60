import { describe, expect, it } from 'vitest';
import { RingError } from '../../src/common/errors.js';
import { DEFAULT_LIMITS } from '../../src/common/limits.js';
import { checkContext, checkKey, checkValue, requestBudgetMs, requiredReplies } from '../../src/node/validate.js';

const opts = (o: Partial<{ consistency: string; r: number; w: number; timeoutMs: number }>) => ({
  consistency: '',
  r: 0,
  w: 0,
  timeoutMs: 0,
  strict: false,
  ...o,
});

function thrown(fn: () => unknown): RingError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(RingError);
    return err as RingError;
  }
  throw new Error('expected a RingError');
}

describe('API-edge validation', () => {
  it('rejects an empty or missing key', () => {
    expect(thrown(() => checkKey(new Uint8Array(0), DEFAULT_LIMITS)).details.field).toBe('key');
    expect(thrown(() => checkKey(undefined, DEFAULT_LIMITS)).code).toBe('INVALID_ARGUMENT');
  });

  it('accepts a key at the limit and names the limit when over it', () => {
    expect(checkKey(new Uint8Array(1024), DEFAULT_LIMITS)).toHaveLength(1024);
    const err = thrown(() => checkKey(new Uint8Array(1025), DEFAULT_LIMITS));
    expect(err.code).toBe('TOO_LARGE');
    expect(err.details).toEqual({ field: 'key', limit: 1024 });
  });

  it('applies configured limits, not only the defaults', () => {
    const limits = { ...DEFAULT_LIMITS, valueBytesMax: 10 };
    expect(checkValue(new Uint8Array(10), limits)).toHaveLength(10);
    expect(thrown(() => checkValue(new Uint8Array(11), limits)).details).toEqual({ field: 'value', limit: 10 });
  });

  it('derives R and W from the consistency level', () => {
    expect(requiredReplies(opts({ consistency: 'one' }), 'r', 3)).toBe(1);
    expect(requiredReplies(opts({ consistency: 'quorum' }), 'w', 3)).toBe(2);
    expect(requiredReplies(opts({ consistency: 'all' }), 'w', 3)).toBe(3);
    expect(requiredReplies(opts({}), 'r', 5)).toBe(3);
    expect(requiredReplies(null, 'r', 3)).toBe(2);
  });

  it('lets an explicit r or w override the level, within 1..N', () => {
    expect(requiredReplies(opts({ consistency: 'one', w: 3 }), 'w', 3)).toBe(3);
    const err = thrown(() => requiredReplies(opts({ r: 4 }), 'r', 3));
    expect(err.details).toEqual({ field: 'r', limit: 3 });
    expect(err.message).toContain('between 1 and N=3');
  });

  it('rejects an unknown consistency level naming the choices', () => {
    const err = thrown(() => requiredReplies(opts({ consistency: 'strong' }), 'r', 3));
    expect(err.details.field).toBe('consistency');
    expect(err.message).toContain('one, quorum, all');
  });

  it('bounds the time budget', () => {
    expect(requestBudgetMs(opts({}))).toBe(5000);
    expect(requestBudgetMs(opts({ timeoutMs: 250 }))).toBe(250);
    expect(thrown(() => requestBudgetMs(opts({ timeoutMs: 600_000 }))).details.field).toBe('timeoutMs');
  });

  it('treats an empty context as a blind write and rejects garbage', () => {
    expect(checkContext('', 's', new Uint8Array([1])).size).toBe(0);
    expect(thrown(() => checkContext('%%%', 's', new Uint8Array([1]))).details.field).toBe('context');
  });
});
