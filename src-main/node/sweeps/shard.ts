// Shards of a sweep: shard i of N (0 <= i < N) takes the runs whose index is i modulo N (round-robin), so every
// shard gets a similar mix of the axes. `--shard i/N` and Slurm's SLURM_ARRAY_TASK_ID/N use this one rule.
import { CodedError } from '../../contract/result';

export interface Shard {
  readonly index: number;
  readonly count: number;
}

export const ALL_RUNS: Shard = { index: 0, count: 1 };

export function parseShard(text: string): Shard {
  const match = /^(\d{1,6})\/(\d{1,6})$/.exec(text.trim());
  if (!match) throw new CodedError('config/invalid', `--shard ${text}: give i/N, e.g. 0/3 (shards are numbered from 0)`);
  const index = Number(match[1]);
  const count = Number(match[2]);
  if (count < 1) throw new CodedError('config/invalid', `--shard ${text}: N must be at least 1`);
  if (index >= count) throw new CodedError('config/invalid', `--shard ${text}: i must be below N (shards are numbered 0 to ${count - 1})`);
  return { index, count };
}

export const shardText = (shard: Shard): string => `${shard.index}/${shard.count}`;

export function inShard<T extends { readonly index: number }>(runs: readonly T[], shard: Shard): T[] {
  return runs.filter((run) => run.index % shard.count === shard.index);
}

/** The J sub-shards that together make `shard`: i/N splits into (i + k N)/(N J) for k < J. */
export function splitShard(shard: Shard, jobs: number): Shard[] {
  return Array.from({ length: jobs }, (_, k) => ({ index: shard.index + k * shard.count, count: shard.count * jobs }));
}
