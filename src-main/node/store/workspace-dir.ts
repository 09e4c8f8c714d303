// Where a workspace lives by default: the OS's per-user data folder, and the database file inside a workspace folder.
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export const APP_DIR_NAME = 'ntk-workbench';
export const STORE_FILE_NAME = 'workbench.sqlite';

/**
 * Linux: $XDG_DATA_HOME/ntk-workbench, else ~/.local/share/ntk-workbench; macOS: ~/Library/Application Support/
 * ntk-workbench; Windows: %APPDATA%/ntk-workbench (else the roaming folder under the home directory).
 */
export function defaultWorkspaceDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (platform === 'win32') return win32.join(env.APPDATA || win32.join(home, 'AppData', 'Roaming'), APP_DIR_NAME);
  if (platform === 'darwin') return posix.join(home, 'Library', 'Application Support', APP_DIR_NAME);
  // XDG: a relative $XDG_DATA_HOME is invalid and must be ignored.
  const xdg = env.XDG_DATA_HOME;
  return posix.join(xdg && posix.isAbsolute(xdg) ? xdg : posix.join(home, '.local', 'share'), APP_DIR_NAME);
}

/** The database file of the workspace in `dir` (`--workspace DIR`). */
export function storePathIn(dir: string): string {
  return (process.platform === 'win32' ? win32 : posix).join(dir, STORE_FILE_NAME);
}
