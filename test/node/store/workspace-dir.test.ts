import { describe, expect, it } from 'vitest';
import { defaultWorkspaceDir, storePathIn } from '../../../src-main/node/store/workspace-dir';

describe('defaultWorkspaceDir', () => {
  it('follows each OS’s per-user data folder', () => {
    expect(defaultWorkspaceDir({ XDG_DATA_HOME: '/data/me' }, 'linux', '/home/me')).toBe('/data/me/ntk-workbench');
    expect(defaultWorkspaceDir({}, 'linux', '/home/me')).toBe('/home/me/.local/share/ntk-workbench');
    // A relative XDG_DATA_HOME is invalid by the XDG spec and ignored.
    expect(defaultWorkspaceDir({ XDG_DATA_HOME: 'relative' }, 'linux', '/home/me')).toBe('/home/me/.local/share/ntk-workbench');
    expect(defaultWorkspaceDir({ XDG_DATA_HOME: '/x' }, 'darwin', '/Users/me')).toBe('/Users/me/Library/Application Support/ntk-workbench');
    expect(defaultWorkspaceDir({ APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, 'win32', 'C:\\Users\\me')).toBe('C:\\Users\\me\\AppData\\Roaming\\ntk-workbench');
    expect(defaultWorkspaceDir({}, 'win32', 'C:\\Users\\me')).toBe('C:\\Users\\me\\AppData\\Roaming\\ntk-workbench');
  });

  it('puts the database file inside the workspace folder', () => {
    expect(storePathIn('/w')).toMatch(/^[/\\]w[/\\]workbench\.sqlite$/);
  });
});
