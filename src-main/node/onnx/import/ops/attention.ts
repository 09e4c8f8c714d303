// Attention (opset 23: scaled dot-product attention over [B, H, S, D] or [B, S, H D] inputs, with a boolean or additive
// mask, a top-left causal mask, grouped-query heads and a softcap; present_key and present_value are K and V, as there
// is no KV cache: past_key and past_value, for decoding, are refused) and RotaryEmbedding (opset 23: rotary position
// codes, halves or interleaved pairs, all or the leading rotary_embedding_dim channels, caches indexed by position_ids
// or given per position). Exporters emit them for scaled_dot_product_attention and RoPE from opset 23; both are written
// out in tfjs ops, so they differentiate.
import * as tf from '@tensorflow/tfjs-core';
import { fail, required } from './op-values';
import type { OpContext, OpTable, Value } from './op-types';
import { stableSoftmax } from './saturating';

/** [B, S, heads * D] -> [B, heads, S, D]; a rank-4 value is already per head. */
function perHead(ctx: OpContext, t: tf.Tensor, heads: number, what: string): tf.Tensor {
  if (t.rank === 4) return t;
  const [batch, seq, hidden] = t.shape as [number, number, number];
  if (t.rank !== 3 || !(heads > 0) || hidden % heads !== 0) fail(ctx, 'onnx/shape-mismatch', `${what} [${t.shape.join(', ')}] needs [B, H, S, D], or [B, S, H D] with its head count given (${heads || 'none'})`);
  return tf.transpose(tf.reshape(t, [batch, seq, heads, hidden / heads]), [0, 2, 1, 3]);
}

/** An attention mask as an additive bias: bool true = attend (0), false = -inf; a float mask is the bias itself. */
function maskBias(ctx: OpContext, value: Value, kv: number): tf.Tensor {
  const boolean = value.dtype === 'bool';
  const t = ctx.tensor(value);
  // ONNX pads a shorter mask with -inf; onnxruntime, which checks every import, refuses one, so it is refused here too.
  if (t.shape[t.rank - 1] !== kv) fail(ctx, 'onnx/shape-mismatch', `attn_mask [${t.shape.join(', ')}] must cover all ${kv} keys`);
  return boolean ? tf.where(tf.cast(t, 'bool'), tf.zerosLike(t), tf.fill(t.shape, -Infinity)) : t;
}

/** 0 where key j may be seen from query i (j <= i: the top-left diagonal), -inf above it: [q, kv]. */
function causalBias(q: number, kv: number): tf.Tensor {
  const data = new Float32Array(q * kv);
  for (let i = 0; i < q; i++) for (let j = i + 1; j < kv; j++) data[i * kv + j] = -Infinity;
  return tf.tensor(data, [q, kv]);
}

/** [B, h, S, D] with each head repeated `times` in place: h0, h0, h1, h1, ... (grouped-query attention). */
function repeatHeads(t: tf.Tensor, times: number): tf.Tensor {
  if (times === 1) return t;
  const [b, h, s, d] = t.shape as [number, number, number, number];
  // Rank 4 throughout: tfjs has no Tile gradient above it.
  return tf.reshape(tf.tile(tf.reshape(t, [b, h, 1, s * d]), [1, 1, times, 1]), [b, h * times, s, d]);
}

/** x [B, S, H, D]: the rotation of its first `dim` channels by the angles in cos and sin [B, S, 1, dim / 2]. */
function rotate(x: tf.Tensor, cos: tf.Tensor, sin: tf.Tensor, dim: number, interleaved: boolean): tf.Tensor {
  const [b, s, h, d] = x.shape as [number, number, number, number];
  const turned = tf.slice(x, [0, 0, 0, 0], [b, s, h, dim]);
  const half = dim / 2;
  const pairs = interleaved ? tf.reshape(turned, [b, s, h, half, 2]) : undefined;
  const x1 = pairs ? tf.reshape(tf.slice(pairs, [0, 0, 0, 0, 0], [b, s, h, half, 1]), [b, s, h, half]) : tf.slice(turned, [0, 0, 0, 0], [b, s, h, half]);
  const x2 = pairs ? tf.reshape(tf.slice(pairs, [0, 0, 0, 0, 1], [b, s, h, half, 1]), [b, s, h, half]) : tf.slice(turned, [0, 0, 0, half], [b, s, h, half]);
  const real = tf.sub(tf.mul(cos, x1), tf.mul(sin, x2));
  const imag = tf.add(tf.mul(sin, x1), tf.mul(cos, x2));
  const rotated = interleaved ? tf.reshape(tf.stack([real, imag], 4), [b, s, h, dim]) : tf.concat([real, imag], 3);
  return dim === d ? rotated : tf.concat([rotated, tf.slice(x, [0, 0, 0, dim], [b, s, h, d - dim])], 3);
}

export const attentionOps: OpTable = {
  Attention: {
    run(ctx, inputs) {
      if (inputs[4] !== undefined || inputs[5] !== undefined || inputs[6] !== undefined) fail(ctx, 'onnx/unsupported-op', 'a KV cache (past_key, past_value, nonpad_kv_seqlen) is not supported');
      if ((ctx.node.outputs[3] ?? '') !== '') fail(ctx, 'onnx/unsupported-op', 'the qk_matmul_output output is not supported');
      const [q, k, v] = [0, 1, 2].map((i) => ctx.tensor(required(ctx, inputs, i)));
      if (q.rank !== k.rank || q.rank !== v.rank) fail(ctx, 'onnx/shape-mismatch', `Q, K and V have ranks ${q.rank}, ${k.rank} and ${v.rank}`);
      const query = perHead(ctx, q, ctx.attrs.int('q_num_heads', 0), 'Q');
      const key = perHead(ctx, k, ctx.attrs.int('kv_num_heads', 0), 'K');
      const value = perHead(ctx, v, ctx.attrs.int('kv_num_heads', 0), 'V');
      const [qHeads, kvHeads] = [query.shape[1] as number, key.shape[1] as number];
      if (qHeads % kvHeads !== 0) fail(ctx, 'onnx/shape-mismatch', `${qHeads} query heads are not a multiple of ${kvHeads} key/value heads`);
      const scale = ctx.attrs.has('scale') ? ctx.attrs.float('scale', 1) : 1 / Math.sqrt(query.shape[3] as number);
      let scores = tf.mul(tf.matMul(query, repeatHeads(key, qHeads / kvHeads), false, true), scale);
      const softcap = ctx.attrs.float('softcap', 0);
      if (softcap > 0) scores = tf.mul(tf.tanh(tf.div(scores, softcap)), softcap);
      const [sq, skv] = [scores.shape[2] as number, scores.shape[3] as number];
      if (inputs[3] !== undefined) scores = tf.add(scores, maskBias(ctx, inputs[3], skv));
      if (ctx.attrs.int('is_causal', 0) !== 0) scores = tf.add(scores, causalBias(sq, skv));
      let y = tf.matMul(stableSoftmax(scores), repeatHeads(value, qHeads / kvHeads));
      if (q.rank === 3) y = tf.reshape(tf.transpose(y, [0, 2, 1, 3]), [y.shape[0], sq, -1]);
      return [y, key, value];
    },
  },
  RotaryEmbedding: {
    run(ctx, inputs) {
      const x = ctx.tensor(required(ctx, inputs, 0));
      const heads = ctx.attrs.int('num_heads', 0);
      // [B, S, H, D] from [B, H, S, D] or [B, S, H D].
      const bshd = x.rank === 4 ? tf.transpose(x, [0, 2, 1, 3]) : tf.transpose(perHead(ctx, x, heads, 'input'), [0, 2, 1, 3]);
      const [b, s, , d] = bshd.shape as [number, number, number, number];
      const dim = ctx.attrs.int('rotary_embedding_dim', 0) || d;
      if (dim % 2 !== 0 || dim > d) fail(ctx, 'onnx/shape-mismatch', `rotary_embedding_dim ${dim} must be even and at most the head size ${d}`);
      const cache = (index: number) => {
        const c = ctx.tensor(required(ctx, inputs, index));
        const picked = inputs[3] === undefined ? c : tf.gather(c, ctx.tensor(inputs[3] as Value, 'int32'));
        if (picked.shape[picked.rank - 1] !== dim / 2 || picked.size !== b * s * (dim / 2))
          fail(ctx, 'onnx/shape-mismatch', `the cos/sin cache gives [${picked.shape.join(', ')}] per position, not [${b}, ${s}, ${dim / 2}]`);
        return tf.reshape(picked, [b, s, 1, dim / 2]);
      };
      const y = rotate(bshd, cache(1), cache(2), dim, ctx.attrs.int('interleaved', 0) !== 0);
      return [x.rank === 4 ? tf.transpose(y, [0, 2, 1, 3]) : tf.reshape(y, x.shape)];
    },
  },
};
