// The ntk-workbench command line: headless access to the same engine the desktop app uses.
// Each command's module (and with it tfjs, onnxruntime, the store, ...) is imported only when that command runs or
// prints its own --help, so `ntk-workbench --help` and a cheap command never pay for the heavy ones.
import { CodedError } from '../contract/result';
import { packageVersion } from '../node/package-info';
import { UsageError } from './usage-error';

interface Command {
  run: (argv: string[]) => Promise<number>;
  usage: string;
}

const commands: Record<string, { load: () => Promise<Command>; summary: string }> = {
  train: { load: async () => import('./commands/train').then((m) => ({ run: m.trainCommand, usage: m.trainUsage })), summary: 'train a network and record outputs, kernels and drift' },
  analytic: { load: async () => import('./commands/analytic').then((m) => ({ run: m.analyticCommand, usage: m.analyticUsage })), summary: 'infinite-width NTK of the FCN or ResNet on given inputs' },
  ntk: { load: async () => import('./commands/ntk').then((m) => ({ run: m.ntkCommand, usage: m.ntkUsage })), summary: 'empirical NTK of an ONNX model on a probe set (checked against onnxruntime)' },
  drift: { load: async () => import('./commands/drift').then((m) => ({ run: m.driftCommand, usage: m.driftUsage })), summary: 'NTK drift across a series of ONNX checkpoints' },
  report: { load: async () => import('./commands/report').then((m) => ({ run: m.reportCommand, usage: m.reportUsage })), summary: 'a run, a comparison or a project as HTML/PDF report or CSV/JSON/npy/ONNX data' },
  sweep: { load: async () => import('./commands/sweep').then((m) => ({ run: m.sweepCommand, usage: m.sweepUsage })), summary: 'run a sweep spec (or one shard of it) into run folders, or write a Slurm job array' },
  'sweep-status': { load: async () => import('./commands/sweep-status').then((m) => ({ run: m.sweepStatusCommand, usage: m.sweepStatusUsage })), summary: 'done / running / failed / missing for each run of a sweep folder' },
  merge: { load: async () => import('./commands/merge').then((m) => ({ run: m.mergeCommand, usage: m.mergeUsage })), summary: 'fold sweep or run folders into a workspace project (idempotent)' },
  reproduce: { load: async () => import('./commands/reproduce').then((m) => ({ run: m.reproduceCommand, usage: m.reproduceUsage })), summary: "run a figure of the paper (or all) and write its panels, data, report and the paper's values" },
  serve: { load: async () => import('./commands/serve').then((m) => ({ run: m.serveCommand, usage: m.serveUsage })), summary: 'serve the UI and its API to a browser on 127.0.0.1 (after npm run build)' },
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
  const entry = commands[name];
  if (!entry) {
    process.stderr.write(`unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  const command = await entry.load();
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
