import { availableParallelism } from 'node:os';
import { parseArgs, type ParseArgsConfig } from 'node:util';

import { OptionError } from '../errors.js';

export interface CommandHelp {
  usage: string;
  summary: string;
  options: Array<[flag: string, description: string]>;
  examples?: string[];
}

export function formatHelp(help: CommandHelp): string {
  const width = Math.max(...help.options.map(([flag]) => flag.length), 10);
  const lines = [`Usage: ${help.usage}`, '', help.summary, ''];

  if (help.options.length > 0) {
    lines.push('Options:');
    for (const [flag, description] of help.options) {
      lines.push(`  ${flag.padEnd(width)}  ${description}`);
    }
  }

  if (help.examples && help.examples.length > 0) {
    lines.push('', 'Examples:');
    for (const example of help.examples) {
      lines.push(`  ${example}`);
    }
  }

  return lines.join('\n') + '\n';
}

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedCommand {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Strict option parsing for one command: an unknown or malformed option is
 * an OptionError that names it and points at the command's help.
 */
export function parseCommand(
  command: string,
  argv: string[],
  options: Options,
): ParsedCommand {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as ParsedCommand;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new OptionError(message.replace(/\. To specify .*$/s, ''), {
      location: `sharpsweep ${command}`,
      hint: `Run \`sharpsweep ${command} --help\` for the options.`,
    });
  }
}

export function positiveInteger(
  value: string | undefined,
  option: string,
  example = '2',
): number | undefined {
  if (value === undefined) {
    return undefined;
  }

  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    throw new OptionError(
      `${option} expects a positive integer, received "${value}"`,
      { location: option, hint: `For example ${option} ${example}.` },
    );
  }

  return parsed;
}

/**
 * `--workers`: a positive integer, at most 4 per core (and at least 64
 * allowed anywhere). Each worker is a thread with its own heap; hundreds
 * of them exhaust memory and the main thread, which feeds them all,
 * without computing anything faster.
 */
export function workerCount(value: string | undefined): number | undefined {
  const count = positiveInteger(value, '--workers');
  const cap = maxWorkers();
  if (count !== undefined && count > cap) {
    throw new OptionError(
      `--workers ${count} is more threads than this machine can use ` +
        `(at most ${cap} here: 4 per core, and never fewer than 64)`,
      {
        location: '--workers',
        hint: `Use one per core (the default, ${availableParallelism()} ` +
          'here); more only helps while trials wait on I/O, which they ' +
          'do not.',
      },
    );
  }

  return count;
}

export function maxWorkers(): number {
  return Math.max(64, 4 * availableParallelism());
}

export function requirePositional(
  positionals: string[],
  index: number,
  what: string,
  command: string,
): string {
  const value = positionals[index];
  if (value === undefined) {
    throw new OptionError(`missing ${what}`, {
      location: `sharpsweep ${command}`,
      hint: `Run \`sharpsweep ${command} --help\` for usage.`,
    });
  }

  return value;
}
