// A file dropped anywhere but a drop target would make the browser open it in place of the app (and lose unsaved
// forms); Electron's window refuses the navigation, but a browser tab does not. The guard takes file drags at the
// window: targets that accept files handle the event before it bubbles up here.

const carriesFiles = (event: DragEvent): boolean => [...(event.dataTransfer?.types ?? [])].includes('Files');

/** Installs the guard on `target` (the window); returns the function that removes it. */
export function guardFileDrops(target: Pick<Window, 'addEventListener' | 'removeEventListener'>): () => void {
  const swallow = (event: Event): void => {
    if (carriesFiles(event as DragEvent)) event.preventDefault();
  };
  target.addEventListener('dragover', swallow);
  target.addEventListener('drop', swallow);
  return () => {
    target.removeEventListener('dragover', swallow);
    target.removeEventListener('drop', swallow);
  };
}
