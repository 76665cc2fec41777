/**
 * The four CTRNN activations and their derivatives as tfjs ops, written once (the JS forms are in
 * activations.ts). softplus is tfjs's own op, which switches to x (and to e^x) by its own
 * float32 thresholds; the derivatives match activations.ts.
 */
import { tf } from '../lib/tf.ts';
import type { Activation } from '../ports/model.ts';

/** f(x) as a tensor. */
export function activateTf<R extends tf.Rank>(x: tf.Tensor<R>, f: Activation): tf.Tensor<R> {
  switch (f) {
    case 'tanh':
      return tf.tanh(x);
    case 'relu':
      return tf.relu(x);
    case 'sigmoid':
      return tf.sigmoid(x);
    case 'softplus':
      return tf.softplus(x);
  }
}

/** f'(pre) from a = f(pre) alone (what BPTT keeps). */
export function derivFromOutputTf(a: tf.Tensor, f: Activation): tf.Tensor {
  switch (f) {
    case 'tanh':
      return tf.sub(1, tf.square(a));
    case 'sigmoid':
      return tf.mul(a, tf.sub(1, a));
    case 'relu':
      return tf.step(a);
    case 'softplus':
      return tf.sub(1, tf.exp(tf.neg(a)));
  }
}

/** f'(pre) from pre and f(pre). */
export function derivativeTf(f: Activation, pre: tf.Tensor, fx: tf.Tensor): tf.Tensor {
  if (f === 'tanh') return tf.sub(1, tf.square(fx));
  if (f === 'relu') return tf.cast(tf.greater(pre, 0), 'float32');
  if (f === 'sigmoid') return tf.mul(fx, tf.sub(1, fx));
  return tf.sigmoid(pre);
}
