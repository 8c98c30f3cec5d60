/** Formatting of values, receipts and results for people (text) and scripts (`--json`). */
import type { GetResult, PutResult, Receipt, ReplicaAnswer } from '../client/types.js';

/** A value in JSON output: a UTF-8 string, or base64 when the bytes are not valid UTF-8. */
export type JsonValue = string | { readonly base64: string };

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The bytes as a string when they are valid UTF-8, else undefined. */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/** A value as JSON output shows it. */
export function valueToJson(bytes: Uint8Array): JsonValue {
  return decodeUtf8(bytes) ?? { base64: Buffer.from(bytes).toString('base64') };
}

/** Pretty JSON with a trailing newline, as every `--json` command prints it. */
export function toJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

function describeAnswer(answer: ReplicaAnswer): string {
  const role = answer.forNode === undefined ? answer.role : `${answer.role} for ${answer.forNode}`;
  const outcome = answer.ok ? 'ok' : `failed${answer.error === undefined ? '' : ` (${answer.error})`}`;
  return `${answer.nodeId} ${role} ${outcome}`;
}

/**
 * One line saying what consistency a call got, e.g.
 * `coordinator n1; 3/3 replicas ok, W=2 of N=3: n1 primary ok, n2 primary ok, n4 fallback for n3 ok`.
 */
export function formatReceipt(receipt: Receipt, quorum: 'R' | 'W'): string {
  const ok = receipt.replies.filter((answer) => answer.ok).length;
  const answers = receipt.replies.map(describeAnswer).join(', ');
  const repair = receipt.readRepair ? '; read repair sent' : '';
  const hinted = receipt.replies.some((answer) => answer.ok && answer.role === 'fallback') ? '; hinted' : '';
  return (
    `coordinator ${receipt.coordinator}; ${ok}/${receipt.replies.length} replicas ok, ` +
    `${quorum}=${receipt.required} of N=${receipt.n}: ${answers}${hinted}${repair}`
  );
}

/** `get` for people: values on stdout, and siblings, context and receipt on stderr. */
export function formatGetResult(result: GetResult): { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  if (!result.found) stderr.push('(not found)');
  if (result.values.length > 1) stderr.push(`(${result.values.length} siblings)`);
  result.values.forEach((bytes, i) => {
    const text = decodeUtf8(bytes);
    if (text !== undefined) {
      stdout.push(text);
      return;
    }
    stdout.push(Buffer.from(bytes).toString('base64'));
    stderr.push(`(value ${i + 1} is not valid UTF-8; printed as base64)`);
  });
  stderr.push(`context: ${result.context === '' ? '(empty)' : result.context}`);
  stderr.push(`receipt: ${formatReceipt(result.receipt, 'R')}`);
  return { stdout, stderr };
}

/** `get --json`. */
export function getResultJson(result: GetResult): object {
  return {
    found: result.found,
    values: result.values.map(valueToJson),
    context: result.context,
    receipt: result.receipt,
  };
}

/** `put --json` and `delete --json`. */
export function putResultJson(result: PutResult): object {
  return { context: result.context, receipt: result.receipt };
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** A byte count for people: `512 B`, `1.5 KiB`, `12.0 MiB` (binary units, one decimal). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.max(0, Math.round(bytes))} B`;
  let value = bytes / 1024;
  let unit = 0;
  // Move up a unit just below 1024 too, so that 1023.96 KiB prints as 1.0 MiB rather than 1024.0 KiB.
  while (value >= 1023.95 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** Seconds as a short duration: 45s, 12m05s, 3h07m, 2d04h. */
export function formatUptime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const pad = (value: number): string => String(value).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${pad(s % 60)}s`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h${pad(Math.floor(s / 60) % 60)}m`;
  return `${Math.floor(s / 86_400)}d${pad(Math.floor(s / 3600) % 24)}h`;
}
