/** Errors the CLI reports to its user, and how each maps to an exit code. */
import { CommanderError } from 'commander';
import { RingError } from '../common/errors.js';

/** Exit codes of every ringkv command. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Bad flags or arguments: the message names the flag; exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** An expected operational failure (a node did not start, a state file is broken); exit code 1. */
export class CliError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
  }
}

/**
 * Prints `err` for a person and returns the exit code, or rethrows errors nobody expected
 * (programmer errors crash with their stack).
 */
export function reportError(err: unknown, write: (line: string) => void): ExitCode {
  if (err instanceof CommanderError) {
    // Commander already printed its message; help and version are not failures.
    return err.exitCode === 0 ? ExitCode.ok : ExitCode.usage;
  }
  if (err instanceof UsageError) {
    write(`error: ${err.message}`);
    return ExitCode.usage;
  }
  if (err instanceof RingError) {
    // Only the replicas the message does not already name.
    const missing = (err.details.missing ?? []).filter((id) => !err.message.includes(id));
    const suffix = missing.length > 0 ? ` (no answer from ${missing.join(', ')})` : '';
    write(`error ${err.code}: ${err.message}${suffix}`);
    return ExitCode.failure;
  }
  if (err instanceof CliError) {
    write(`error: ${err.message}`);
    return ExitCode.failure;
  }
  throw err;
}
