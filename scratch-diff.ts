import { orthogonal } from './nodes/model/init.ts';
import { referenceOrthogonal, referenceHouseholderQr } from './test/fixtures/householder-qr-reference.ts';
import { Rng } from './nodes/lib/rng.ts';
for (const n of [200, 256, 400, 512]) {
  let entries = 0, diffs = 0, maxUlp = 0, maxAbs = 0, cases = 0, casesWith = 0;
  for (let seed = 1; seed <= (n > 400 ? 3 : 8); seed++) for (const gain of [1, 1.3]) {
    const o = orthogonal(n, gain, new Rng(seed)), r = referenceOrthogonal(n, gain, new Rng(seed));
    cases++; let d = 0;
    for (let i = 0; i < n*n; i++) if (o[i] !== r[i]) { d++; const ulp = Math.abs(o[i]-r[i]) / (2 ** (Math.floor(Math.log2(Math.abs(r[i]))) - 23)); maxUlp = Math.max(maxUlp, ulp); maxAbs = Math.max(maxAbs, Math.abs(o[i]-r[i])); }
    entries += n*n; diffs += d; if (d) casesWith++;
  }
  console.log(`n=${n}: ${diffs} of ${entries} entries differ (${casesWith}/${cases} matrices), max ${maxUlp} float32 ulp, max abs ${maxAbs.toExponential(2)}`);
}
