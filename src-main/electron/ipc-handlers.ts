// Electron's side of the contract: one ipcMain.handle per contract channel, answering only our own renderer's main
// frame, forwarding to dispatch() (the validation and Result mapping every transport shares). Electron's objects are
// passed in (the structural types below), so tests drive this module in plain node with fakes.
import { type ApiHandlers, CHANNELS } from '../contract/api';
import { dispatch } from '../contract/dispatch';
import type { Result } from '../contract/result';

/** The part of Electron's WebFrameMain the sender check reads. */
export interface IpcFrame {
  readonly url: string;
  /** Browser-global and fixed for the frame's lifetime (distinct WebFrameMain objects may stand for one frame). */
  readonly frameTreeNodeId: number;
}

/** The part of Electron's IpcMainInvokeEvent the handlers read; senderFrame is null once the frame is gone. */
export interface IpcInvokeEvent {
  readonly senderFrame: IpcFrame | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: IpcInvokeEvent, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

export interface IpcHandlerOptions {
  readonly ipcMain: IpcMainLike;
  readonly handlers: ApiHandlers;
  /** True only for our own window's main frame showing our own renderer (see ipc-sender.ts). */
  readonly isTrustedSender: (frame: IpcFrame | null) => boolean;
}

/** Registers every channel; the returned function removes them again. */
export function registerIpcHandlers({ ipcMain, handlers, isTrustedSender }: IpcHandlerOptions): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(channel, (event, payload): Promise<Result<unknown>> => {
      if (!isTrustedSender(event.senderFrame)) {
        return Promise.resolve({ ok: false, code: 'api/forbidden', message: `${channel}: the sender is not this app's window` });
      }
      return dispatch(handlers, channel, payload);
    });
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(channel);
  };
}
