/** The tfjs backend names a block param may ask for (kept apart from tf.ts so that declaring a block loads no tfjs). */
export const BACKEND_CHOICES = ['auto', 'wasm', 'cpu', 'tensorflow'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];
