// Projects: the list from the workspace and its create/rename/delete, kept sorted by last update.
import { defineStore } from 'pinia';
import { computed, ref, shallowRef } from 'vue';
import type { Project } from '../../../src-main/contract/records';
import { describeError } from '../lib/result';
import { call } from '../services/backend';

export const useProjectsStore = defineStore('projects', () => {
  const list = shallowRef<Project[]>([]);
  const loaded = ref(false);
  const loading = ref(false);
  const error = shallowRef<{ code: string; message: string } | null>(null);

  const byId = computed(() => new Map(list.value.map((p) => [p.id, p])));

  const sorted = (projects: Project[]) => [...projects].sort((a, b) => b.updated - a.updated || b.id - a.id);
  const put = (project: Project) => {
    list.value = sorted([...list.value.filter((p) => p.id !== project.id), project]);
    return project;
  };

  async function load(): Promise<void> {
    loading.value = true;
    try {
      list.value = sorted(await call('projects:list', {}));
      error.value = null;
      loaded.value = true;
    } catch (e) {
      error.value = describeError(e);
    } finally {
      loading.value = false;
    }
  }

  async function create(name: string, notes?: string): Promise<Project> {
    return put(await call('projects:create', { name, ...(notes ? { notes } : {}) }));
  }

  async function rename(id: number, name: string): Promise<Project> {
    return put(await call('projects:rename', { id, name }));
  }

  async function setNotes(id: number, notes: string): Promise<Project> {
    return put(await call('projects:set-notes', { id, notes }));
  }

  async function remove(id: number): Promise<void> {
    await call('projects:delete', { id });
    list.value = list.value.filter((p) => p.id !== id);
  }

  /** Re-reads one project (its run count changes when runs are started or deleted). */
  async function refresh(): Promise<void> {
    if (loaded.value) await load();
  }

  return { list, loaded, loading, error, byId, load, create, rename, setNotes, remove, refresh };
});
