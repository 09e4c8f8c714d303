// A one-node Slurm cluster on localhost for tests, from Debian's slurm-wlm and munge: munged with a generated key,
// slurmctld and slurmd in the foreground with a minimal slurm.conf, all in one temporary folder, all stopped by
// `stop()`. Needs root (slurmd runs jobs as their user). Starting fails with the reason instead of skipping.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface SlurmCluster {
  /** SLURM_CONF for sbatch, squeue, scontrol and anything that calls them. */
  readonly env: { readonly SLURM_CONF: string };
  readonly partition: string;
  stop(): Promise<void>;
}

const TOOLS = ['mungekey', 'munge', 'munged', 'slurmctld', 'slurmd', 'sbatch', 'squeue', 'sinfo', 'scontrol'];

function missingTools(): string[] {
  return TOOLS.filter((tool) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
      return false;
    } catch {
      return true;
    }
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

const tail = (file: string): string => {
  try {
    return readFileSync(file, 'utf8').trim().split('\n').slice(-8).join('\n');
  } catch {
    return '(no log)';
  }
};

function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export async function startSlurmCluster(dir: string): Promise<SlurmCluster> {
  if (process.getuid?.() !== 0) throw new Error('the Slurm test starts munged, slurmctld and slurmd, which needs root (CI runs as root)');
  const missing = missingTools();
  if (missing.length > 0) throw new Error(`cannot start a Slurm cluster: ${missing.join(', ')} not on PATH (apt-get install slurm-wlm munge; .ci/run installs them)`);
  for (const sub of ['state', 'spool', 'log']) mkdirSync(join(dir, sub), { recursive: true });
  const daemons: ChildProcess[] = [];
  const stop = async () => {
    for (const daemon of daemons.reverse()) await stopProcess(daemon);
  };
  const daemon = (command: string, args: string[], env: NodeJS.ProcessEnv = process.env) => {
    const child = spawn(command, args, { env, stdio: 'ignore' });
    child.on('error', () => undefined);
    daemons.push(child);
    return child;
  };
  try {
    const key = join(dir, 'munge.key');
    const socket = join(dir, 'munge.sock');
    execFileSync('mungekey', ['--create', '--keyfile', key, '--bits', '1024']);
    chmodSync(key, 0o400);
    // --force: the temporary folder is world-writable with the sticky bit, which munged otherwise refuses.
    daemon('munged', ['--foreground', '--force', `--key-file=${key}`, `--socket=${socket}`, `--pid-file=${join(dir, 'munged.pid')}`, `--log-file=${join(dir, 'log', 'munged.log')}`, `--seed-file=${join(dir, 'munged.seed')}`]);
    const node = hostname();
    const [ctldPort, slurmdPort] = [await freePort(), await freePort()];
    const conf = join(dir, 'slurm.conf');
    writeFileSync(
      conf,
      [
        'ClusterName=ntktest',
        `SlurmctldHost=${node}(127.0.0.1)`,
        'SlurmUser=root',
        'SlurmdUser=root',
        `SlurmctldPort=${ctldPort}`,
        `SlurmdPort=${slurmdPort}`,
        'AuthType=auth/munge',
        'CredType=cred/munge',
        `AuthInfo=socket=${socket}`,
        `StateSaveLocation=${join(dir, 'state')}`,
        `SlurmdSpoolDir=${join(dir, 'spool')}`,
        `SlurmctldPidFile=${join(dir, 'slurmctld.pid')}`,
        `SlurmdPidFile=${join(dir, 'slurmd.pid')}`,
        `SlurmctldLogFile=${join(dir, 'log', 'slurmctld.log')}`,
        `SlurmdLogFile=${join(dir, 'log', 'slurmd.log')}`,
        'ProctrackType=proctrack/linuxproc',
        'TaskPlugin=task/none',
        'SwitchType=switch/none',
        'MpiDefault=none',
        'SchedulerType=sched/builtin',
        'SelectType=select/cons_tres',
        'SelectTypeParameters=CR_Core',
        'ReturnToService=2',
        'JobCompType=jobcomp/none',
        'AccountingStorageType=accounting_storage/none',
        'JobAcctGatherType=jobacct_gather/none',
        `NodeName=${node} NodeAddr=127.0.0.1 CPUs=2 RealMemory=1000 State=UNKNOWN`,
        `PartitionName=test Nodes=${node} Default=YES MaxTime=INFINITE State=UP`,
        '',
      ].join('\n'),
    );
    const env = { ...process.env, SLURM_CONF: conf };
    for (let i = 0; i < 50; i++) {
      try {
        execFileSync('munge', ['-S', socket, '-n'], { stdio: 'ignore' });
        break;
      } catch {
        if (i === 49) throw new Error(`munged did not start:\n${tail(join(dir, 'log', 'munged.log'))}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    daemon('slurmctld', ['-D', '-i'], env);
    daemon('slurmd', ['-D', '-N', node], env);
    for (let i = 0; ; i++) {
      let state = '';
      try {
        state = execFileSync('sinfo', ['-h', '-o', '%T'], { env, encoding: 'utf8' }).trim();
      } catch {
        // slurmctld not listening yet
      }
      if (state === 'idle') break;
      if (i === 100)
        throw new Error(`the one-node cluster did not come up (node state "${state}"):\nslurmctld: ${tail(join(dir, 'log', 'slurmctld.log'))}\nslurmd: ${tail(join(dir, 'log', 'slurmd.log'))}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { env: { SLURM_CONF: conf }, partition: 'test', stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
