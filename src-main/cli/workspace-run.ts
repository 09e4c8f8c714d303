// Lets a headless CLI run also land in the workspace store, so it shows up in the app next to runs started there.
import { failureOf } from '../contract/result';
import type { RunConfig } from '../contract/run-config';
import { createStoreSink, type StoreSink } from '../node/jobs/store-sink';
import { openStore, type Store } from '../node/store/store';
import { defaultWorkspaceDir, storePathIn } from '../node/store/workspace-dir';
import type { TrainToDirectoryOptions } from '../node/train-to-directory';
import { mkdirSync } from 'node:fs';

export interface WorkspaceRun {
  readonly runId: number;
  readonly projectName: string;
  readonly workspace: string;
  /** Options that make trainToDirectory feed the store too. */
  readonly options: Pick<TrainToDirectoryOptions, 'extraSink' | 'onFinished'>;
  fail(error: unknown): void;
  close(): void;
}

/** The workspace folder: --workspace, else NTK_WORKSPACE, else the per-user default. */
export function workspaceDirFrom(flag: string | undefined): string {
  return flag ?? process.env.NTK_WORKSPACE ?? defaultWorkspaceDir();
}

export function openWorkspaceRun(workspace: string, projectName: string, config: RunConfig, runName: string | undefined): WorkspaceRun {
  mkdirSync(workspace, { recursive: true });
  const store: Store = openStore(storePathIn(workspace));
  const project = store.projects.find(projectName) ?? store.projects.create(projectName, 'Runs started from the command line.');
  const run = store.runs.create(project.id, { kind: 'train', config: config as unknown as Record<string, unknown>, name: runName, tags: ['cli'] });
  let sink: StoreSink | undefined;
  return {
    runId: run.id,
    projectName: project.name,
    workspace,
    options: {
      extraSink: (setup) => {
        sink = createStoreSink(store, run.id, config, setup);
        return sink.callbacks;
      },
      onFinished: (result) => sink?.finish(result),
    },
    fail(error) {
      if (sink) sink.fail(error);
      else store.runs.markFailed(run.id, failureOf(error));
    },
    close: () => store.close(),
  };
}
