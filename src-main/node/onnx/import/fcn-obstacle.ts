// Why an imported graph is not the plain MLP chain that the structured kernel and the float64 path need (fcn-chain.ts):
// the first node, from the input towards f(x), whose op has no place in the chain, so a refusal can name it.
import type { ImportedModel } from './imported-model';

/** Ops an FCN chain is made of (dense layers with an optional scalar multiplier and bias, Relu). */
const CHAIN_OPS: ReadonlySet<string> = new Set(['Gemm', 'MatMul', 'Relu', 'Add', 'Mul', 'Identity']);

/** "node NAME (Op)" that stops the match, or a description of what else differs; for messages. */
export function fcnObstacle(model: ImportedModel): string {
  if (model.inputShape.length !== 1) return `the input ${model.summary.inputName} has shape [${model.inputShape.join(', ')}], not a vector`;
  const producer = new Map(model.graph.nodes.flatMap((n) => n.outputs.map((v) => [v, n] as const)));
  const needed = new Set<string>();
  const stack = [model.summary.outputName];
  while (stack.length > 0) {
    const node = producer.get(stack.pop() as string);
    if (!node || needed.has(node.name)) continue;
    needed.add(node.name);
    stack.push(...node.inputs.filter((v) => v !== ''));
  }
  const blocker = model.graph.nodes.find((n) => needed.has(n.name) && !CHAIN_OPS.has(n.opType));
  if (blocker) return `node ${blocker.name} (${blocker.opType}) is not part of a Gemm/MatMul-Relu chain`;
  return 'its dense layers do not have the FCN multipliers (NTK or standard parameterization) or the same bias pattern in every hidden layer';
}
