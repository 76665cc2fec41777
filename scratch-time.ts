import { orthogonal } from './nodes/model/init.ts';
import { Rng } from './nodes/lib/rng.ts';
for (const n of (process.argv[2] ?? '1024,2048,4096').split(',').map(Number)) {
  let t0 = performance.now(); orthogonal(n, 1, new Rng(7)); const t = (performance.now()-t0)/1000;
  console.log(n, t.toFixed(3));
}
