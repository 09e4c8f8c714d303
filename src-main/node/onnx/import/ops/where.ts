// Where(cond, x, y) with numpy broadcasting: attention masks and padding selects. The condition carries no gradient
// (a shape-derived host mask or a comparison's bool tensor); x and y get theirs where they are selected.
import * as tf from '@tensorflow/tfjs-core';
import { hostTensor, isHost, sizeOf, type HostTensor } from '../ir';
import { broadcastShape, hostExpand } from './host-math';
import { fail, guardShape, required, shapeOf } from './op-values';
import type { OpTable } from './op-types';

export const whereOps: OpTable = {
  Where: {
    run(ctx, inputs) {
      const [c, a, b] = [0, 1, 2].map((i) => required(ctx, inputs, i));
      const ab = broadcastShape(shapeOf(a), shapeOf(b));
      const shape = ab && broadcastShape(shapeOf(c), ab);
      if (!shape) fail(ctx, 'onnx/shape-mismatch', `shapes [${shapeOf(c).join(', ')}], [${shapeOf(a).join(', ')}] and [${shapeOf(b).join(', ')}] do not broadcast`);
      guardShape(ctx, shape);
      if (isHost(c) && isHost(a) && isHost(b)) {
        const [cc, aa, bb] = [c, a, b].map((t) => hostExpand(t, shape));
        const data = new Float64Array(sizeOf(shape));
        for (let i = 0; i < data.length; i++) data[i] = cc.data[i] !== 0 ? aa.data[i] : bb.data[i];
        return [hostTensor(a.dtype === b.dtype ? a.dtype : 'float32', shape, data)];
      }
      const mask = isHost(c) ? tf.tensor(Uint8Array.from(hostExpand(c, shape).data, (v) => (v !== 0 ? 1 : 0)), shape, 'bool') : tf.broadcastTo(tf.cast(c, 'bool'), shape);
      const expand = (v: HostTensor | tf.Tensor) => {
        const t = ctx.tensor(v);
        return t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i]) ? t : tf.broadcastTo(tf.reshape(t, [...new Array<number>(shape.length - t.rank).fill(1), ...t.shape]), shape);
      };
      return [tf.where(mask, expand(a), expand(b))];
    },
    host(ctx, inputs) {
      return whereOps.Where.run(ctx, inputs) as HostTensor[];
    },
  },
};
