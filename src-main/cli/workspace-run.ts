// Lets a headless CLI run also land in the workspace store, so it shows up in the app next to runs started there.
// The run goes through the same lifecycle as a job of the app (node/jobs/run-lifecycle.ts).
import { mkdirSync } from 'node:fs';
import type { RunConfig } from '../contract/run-config';
import { createRunLifecycle } from '../node/jobs/run-lifecycle';
import { createStoreSink, type StoreSink } from '../node/jobs/store-sink';
import { openStore, type Store } from '../node/store/store';
import { defaultWorkspaceDir, storePathIn } from '../node/store/workspace-dir';
import type { TrainToDirectoryOptions } from '../node/train-to-directory';

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

/** `config` is the parsed config the CLI read (config-file.ts); it is stored as it is. */
export function openWorkspaceRun(workspace: string, projectName: string, config: RunConfig, runName: string | undefined): WorkspaceRun {
  mkdirSync(workspace, { recursive: true });
  const store: Store = openStore(storePathIn(workspace));
  const project = store.projects.find(projectName) ?? store.projects.create(projectName, 'Runs started from the command line.');
  const run = store.runs.create(project.id, { kind: 'train', config, name: runName, tags: ['cli'] });
  const lifecycle = createRunLifecycle(store, run.id);
  let sink: StoreSink | undefined;
  return {
    runId: run.id,
    projectName: project.name,
    workspace,
    options: {
      extraSink: (setup) => {
        sink = createStoreSink(store, lifecycle, config, setup);
        return sink.callbacks;
      },
      onFinished: (result) => sink?.finish(result),
    },
    fail: (error) => (sink ?? lifecycle).fail(error),
    close: () => store.close(),
  };
}
