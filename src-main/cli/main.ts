// The ntk-workbench command line: headless access to the same engine the desktop app uses.
import { CodedError } from '../contract/result';
import { packageVersion } from '../node/package-info';
import { analyticCommand, analyticUsage } from './commands/analytic';
import { driftCommand, driftUsage } from './commands/drift';
import { mergeCommand, mergeUsage } from './commands/merge';
import { ntkCommand, ntkUsage } from './commands/ntk';
import { reportCommand, reportUsage } from './commands/report';
import { serveCommand, serveUsage } from './commands/serve';
import { sweepCommand, sweepUsage } from './commands/sweep';
import { sweepStatusCommand, sweepStatusUsage } from './commands/sweep-status';
import { trainCommand, trainUsage } from './commands/train';
import { UsageError } from './usage-error';

const commands: Record<string, { run: (argv: string[]) => Promise<number>; usage: string; summary: string }> = {
  train: { run: trainCommand, usage: trainUsage, summary: 'train a network and record outputs, kernels and drift' },
  analytic: { run: analyticCommand, usage: analyticUsage, summary: 'infinite-width NTK of the FCN or ResNet on given inputs' },
  ntk: { run: ntkCommand, usage: ntkUsage, summary: 'empirical NTK of an ONNX model on a probe set (checked against onnxruntime)' },
  drift: { run: driftCommand, usage: driftUsage, summary: 'NTK drift across a series of ONNX checkpoints' },
  report: { run: reportCommand, usage: reportUsage, summary: 'a run, a comparison or a project as HTML/PDF report or CSV/JSON/npy/ONNX data' },
  sweep: { run: sweepCommand, usage: sweepUsage, summary: 'run a sweep spec (or one shard of it) into run folders, or write a Slurm job array' },
  'sweep-status': { run: sweepStatusCommand, usage: sweepStatusUsage, summary: 'done / running / failed / missing for each run of a sweep folder' },
  merge: { run: mergeCommand, usage: mergeUsage, summary: 'fold sweep or run folders into a workspace project (idempotent)' },
  serve: { run: serveCommand, usage: serveUsage, summary: 'serve the UI and its API to a browser on 127.0.0.1 (after npm run build)' },
};

function help(): string {
  const lines = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(13)} ${c.summary}`);
  return `ntk-workbench ${packageVersion()}: neural tangent kernel research workbench\n\nUsage: ntk-workbench <command> [options]\n\n${lines.join('\n')}\n\nRun 'ntk-workbench help <command>' or 'ntk-workbench <command> --help' for a command's options.\n`;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  // `help <command>` is the command's --help.
  if (name === 'help' && rest.length > 0) return main([rest[0], '--help']);
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  if (name === '--version') {
    process.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n\n${error.usage}\n`);
      return 2;
    }
    if (error instanceof CodedError) {
      process.stderr.write(`error [${error.code}]: ${error.message}\n`);
      return error.code === 'config/invalid' ? 2 : 1;
    }
    if (error instanceof Error && (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`error: ${error.message}\n\n${command.usage}\n`);
      return 2;
    }
    process.stderr.write(`error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
