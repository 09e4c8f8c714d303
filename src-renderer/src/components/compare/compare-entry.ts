// One shown run as the Compare panels draw it: its record, the legend label and the swatch colour the run list
// gives it, and its config flattened to dotted paths (lib/config-paths) for grouping, series and the summary's x.
import type { RunRecord } from '../../../../src-main/contract/records';

export interface CompareEntry {
  readonly record: RunRecord;
  readonly label: string;
  readonly color: string;
  readonly config: Readonly<Record<string, string>>;
}
