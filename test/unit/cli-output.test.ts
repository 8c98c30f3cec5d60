import { describe, expect, it } from 'vitest';
import { decodeUtf8, formatGetResult, formatReceipt, getResultJson, valueToJson } from '../../src/cli/output.js';
import type { GetResult, Receipt } from '../../src/client/types.js';

const receipt: Receipt = {
  coordinator: 'n1',
  replies: [
    { nodeId: 'n1', role: 'primary', ok: true },
    { nodeId: 'n4', role: 'fallback', forNode: 'n3', ok: true },
    { nodeId: 'n2', role: 'primary', ok: false, error: 'timeout' },
  ],
  readRepair: true,
  required: 2,
  n: 3,
};
const invalidUtf8 = Buffer.from([0xff, 0xfe, 0x00]);

function result(values: Buffer[]): GetResult {
  return { found: values.length > 0, values, context: 'CTX', receipt };
}

describe('output', () => {
  it('decodes only valid UTF-8', () => {
    expect(decodeUtf8(Buffer.from('héllo'))).toBe('héllo');
    expect(decodeUtf8(invalidUtf8)).toBeUndefined();
    expect(valueToJson(Buffer.from('a'))).toBe('a');
    expect(valueToJson(invalidUtf8)).toEqual({ base64: invalidUtf8.toString('base64') });
  });

  it('summarises a receipt on one line: who answered, roles, quorum, repair', () => {
    expect(formatReceipt(receipt, 'R')).toBe(
      'coordinator n1; 2/3 replicas ok, R=2 of N=3: n1 primary ok, n4 fallback for n3 ok, ' +
        'n2 primary failed (timeout); hinted; read repair sent',
    );
  });

  it('prints values on stdout and the rest on stderr', () => {
    const one = formatGetResult(result([Buffer.from('alice')]));
    expect(one.stdout).toEqual(['alice']);
    expect(one.stderr[0]).toBe('context: CTX');
    expect(one.stderr[1]).toMatch(/^receipt: coordinator n1/);
    const two = formatGetResult(result([Buffer.from('a'), invalidUtf8]));
    expect(two.stdout).toEqual(['a', invalidUtf8.toString('base64')]);
    expect(two.stderr).toContain('(2 siblings)');
    expect(two.stderr).toContain('(value 2 is not valid UTF-8; printed as base64)');
    const none = formatGetResult({ ...result([]), context: '' });
    expect(none.stdout).toEqual([]);
    expect(none.stderr).toContain('(not found)');
    expect(none.stderr).toContain('context: (empty)');
  });

  it('gives JSON with strings or base64 objects', () => {
    const json = getResultJson(result([Buffer.from('x'), invalidUtf8]));
    expect(JSON.parse(JSON.stringify(json))).toEqual({
      found: true,
      values: ['x', { base64: invalidUtf8.toString('base64') }],
      context: 'CTX',
      receipt: JSON.parse(JSON.stringify(receipt)),
    });
  });
});
