import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/cli-error.js';
import {
  parseAddress,
  parseAddressList,
  parseConsistency,
  parseIntInRange,
  parseLogLevel,
  parseNodeId,
  parsePartitions,
  parseReplicas,
  parseSyncMode,
} from '../../src/cli/parse-flags.js';

describe('parse-flags', () => {
  it('accepts integers in range and rejects others, naming the flag', () => {
    expect(parseIntInRange('--r', '2', 1, 3)).toBe(2);
    for (const bad of ['0', '4', '1.5', 'two', '', '2x', '-1']) {
      expect(() => parseIntInRange('--r', bad, 1, 3)).toThrow(UsageError);
      expect(() => parseIntInRange('--r', bad, 1, 3)).toThrow(/--r must be an integer from 1 to 3/);
    }
  });

  it('accepts only powers of two as partition counts', () => {
    expect(parsePartitions('--partitions', '256')).toBe(256);
    expect(parsePartitions('--partitions', '1')).toBe(1);
    expect(() => parsePartitions('--partitions', '100')).toThrow(/--partitions must be a power of two/);
    expect(() => parsePartitions('--partitions', '131072')).toThrow(/--partitions/);
  });

  it('bounds replicas by REPLICAS_MAX', () => {
    expect(parseReplicas('--replicas', '3')).toBe(3);
    expect(() => parseReplicas('--replicas', '8')).toThrow(/--replicas must be an integer from 1 to 7/);
  });

  it('validates host:port addresses', () => {
    expect(parseAddress('--listen', '127.0.0.1:7101')).toBe('127.0.0.1:7101');
    expect(parseAddress('--listen', 'node-1.example:80')).toBe('node-1.example:80');
    expect(parseAddress('--listen', '[::1]:7101')).toBe('[::1]:7101');
    for (const bad of ['127.0.0.1', ':7101', '127.0.0.1:0', '127.0.0.1:65536', 'a b:1', 'host:port']) {
      expect(() => parseAddress('--listen', bad)).toThrow(/--listen must be HOST:PORT/);
    }
  });

  it('splits, trims and deduplicates address lists', () => {
    expect(parseAddressList('--seeds', ' a:1, b:2,,a:1 ')).toEqual(['a:1', 'b:2']);
    expect(() => parseAddressList('--seeds', ' , ')).toThrow(/--seeds must list at least one/);
    expect(() => parseAddressList('--seeds', 'a:1,b')).toThrow(/--seeds must be HOST:PORT.*"b"/);
  });

  it('validates node ids, consistency, sync mode and log level', () => {
    expect(parseNodeId('--id', 'n1')).toBe('n1');
    expect(() => parseNodeId('--id', 'n 1')).toThrow(/--id/);
    expect(() => parseNodeId('--id', '')).toThrow(/--id/);
    expect(parseConsistency('--consistency', 'quorum')).toBe('quorum');
    expect(() => parseConsistency('--consistency', 'most')).toThrow(/one, quorum, all/);
    expect(parseSyncMode('--sync', 'none')).toBe('none');
    expect(() => parseSyncMode('--sync', 'fsync')).toThrow(/always, batch, none/);
    expect(parseLogLevel('--log-level', 'debug')).toBe('debug');
    expect(() => parseLogLevel('--log-level', 'verbose')).toThrow(/--log-level/);
  });
});
