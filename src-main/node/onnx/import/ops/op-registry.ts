// Every op the importer translates, by ONNX op type (default domain); one family per file.
import { activationOps } from './activations';
import { attentionOps } from './attention';
import { controlFlowOps } from './control-flow';
import { convOps } from './conv';
import { convTransposeOps } from './conv-transpose';
import { einsumOps } from './einsum';
import { elementwiseOps } from './elementwise';
import { gemmMatmulOps } from './gemm-matmul';
import { indexOps } from './index-ops';
import { normalizationOps } from './normalization';
import { padOps } from './pad';
import type { OpTable, OpTranslator } from './op-types';
import { poolingOps } from './pooling';
import { recurrentOps } from './recurrent';
import { reductionOps } from './reductions';
import { resizeOps } from './resize';
import { shapeIdiomOps } from './shape-idioms';
import { shapeOps } from './shape-ops';
import { softmaxOps } from './softmax';
import { splitTileOps } from './split-tile';
import { whereOps } from './where';

const TABLE: OpTable = {
  ...gemmMatmulOps,
  ...elementwiseOps,
  ...activationOps,
  ...convOps,
  ...poolingOps,
  ...normalizationOps,
  ...shapeOps,
  ...shapeIdiomOps,
  ...softmaxOps,
  ...reductionOps,
  ...padOps,
  ...controlFlowOps,
  ...whereOps,
  ...recurrentOps,
  ...splitTileOps,
  ...einsumOps,
  ...resizeOps,
  ...convTransposeOps,
  ...attentionOps,
  ...indexOps,
};

/** The translator for a node, or undefined when the op (or its domain) is not supported. */
export function translatorFor(opType: string, domain: string): OpTranslator | undefined {
  return domain === '' && Object.prototype.hasOwnProperty.call(TABLE, opType) ? TABLE[opType] : undefined;
}

/** Supported op types, sorted (for messages and documentation). */
export function supportedOps(): string[] {
  return Object.keys(TABLE).sort();
}
