/**
 * Results out of the editor: the whole run as a zip laid out like the CLI's run folder, the report
 * alone, one output (a figure as SVG or PNG, a model folder, a dataset's .npz). The files come
 * from the worker, made by each port type's own serialiser; the page only adds what needs a DOM:
 * PNG copies of figures (the CLI rasterises with resvg, 2 px per SVG px on white; the browser's
 * canvas does the same here) and the zip.
 *
 * fflate builds the zip: 8 kB, no dependencies, synchronous in-memory zipping that runs anywhere,
 * widely used (over 100M weekly downloads) and maintained; JSZip is 10x larger and async-only.
 */
import { strToU8, zipSync, type Zippable } from 'fflate';
import { slug } from '../../core/index.ts';
import { downloadBlob } from './download.ts';
import type { ArchiveFile, ArchiveManifest } from './run-archive.ts';
import type { Runner } from './runner.ts';

/** Pixels per SVG px of the PNG copies (the CLI's svgToPng default). */
export const PNG_SCALE = 2;

/** Rasterise a standalone SVG to PNG bytes on a white background. */
export async function svgToPng(svg: string, scale = PNG_SCALE): Promise<Uint8Array> {
  const img = new Image();
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
  await img.decode();
  const w = Math.max(1, Math.round(img.naturalWidth * scale));
  const h = Math.max(1, Math.round(img.naturalHeight * scale));
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('this browser cannot draw on a canvas');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, w, h);
  ctx.drawImage(img, 0, 0, w, h);
  const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'));
  if (!blob) throw new Error('the browser could not encode the PNG');
  return new Uint8Array(await blob.arrayBuffer());
}

const bytes = (d: string | Uint8Array): Uint8Array => (typeof d === 'string' ? strToU8(d) : d);

/** Add a PNG after every Figure SVG (as the CLI writes both), keeping the manifest's lists in step. */
export async function withPngs(files: ArchiveFile[], manifest?: ArchiveManifest): Promise<ArchiveFile[]> {
  const out: ArchiveFile[] = [];
  for (const f of files) {
    out.push(f);
    if (f.portType !== 'Figure' || !f.path.endsWith('.svg')) continue;
    const png: ArchiveFile = {
      path: f.path.replace(/\.svg$/, '.png'),
      data: await svgToPng(typeof f.data === 'string' ? f.data : new TextDecoder().decode(f.data)),
      mediaType: 'image/png',
      portType: f.portType,
    };
    out.push(png);
    if (manifest) {
      const [node, rest] = [f.path.slice(0, f.path.indexOf('/')), f.path.slice(f.path.indexOf('/') + 1)];
      const port = rest.replace(/\.svg$/, '');
      const list = manifest.nodes[node]?.outputs[port]?.files;
      if (list) list.splice(list.indexOf(f.path) + 1, 0, png.path);
    }
  }
  return out;
}

/** Zip files under their paths (plus `extra`), level 6 except for already-compressed PNGs. */
export function zipFiles(files: ArchiveFile[], extra: Record<string, string> = {}, strip = ''): Uint8Array {
  const tree: Zippable = {};
  for (const [path, text] of Object.entries(extra)) tree[path] = strToU8(text);
  for (const f of files) {
    const path = strip && f.path.startsWith(strip) ? f.path.slice(strip.length) : f.path;
    tree[path] = f.mediaType === 'image/png' ? [bytes(f.data), { level: 0 }] : bytes(f.data);
  }
  return zipSync(tree, { level: 6 });
}

/** The page's download actions over a runner. */
export class Results {
  constructor(
    private readonly runner: Runner,
    private readonly name: () => string,
    /** A download failed: say so (never thrown at the page). */
    private readonly failed: (title: string, lines: string[]) => void,
  ) {}

  private async guarded(what: string, task: () => Promise<void>): Promise<void> {
    try {
      await task();
    } catch (e) {
      this.failed(`Could not download ${what}`, [e instanceof Error ? e.message : String(e)]);
    }
  }

  /** The whole last run: `manifest.json` and every output's files, like `cortexflow run --out`. */
  downloadRun(): Promise<void> {
    return this.guarded('the run', () => this.zipRun());
  }

  /** The HTML of the (first) report among `nodes`, exactly as the CLI writes it. */
  downloadReport(nodes: ReadonlyArray<{ id: string; results: Record<string, { type: string }> }>): Promise<void> {
    return this.guarded('the report', async () => {
      for (const n of nodes)
        for (const [port, o] of Object.entries(n.results)) if (o.type === 'Report') return this.output(n.id, port);
      throw new Error('no report in the last run: add a report.html block and run it');
    });
  }

  /** One output: a single file as itself (a dataset's .npz), several (a model folder, trajectories) as a zip. */
  downloadOutput(node: string, port: string, only?: 'svg' | 'png'): Promise<void> {
    return this.guarded(`${node}.${port}`, () => this.output(node, port, only));
  }

  private async zipRun(): Promise<void> {
    const { files, manifest } = await this.runner.exportFiles();
    const all = await withPngs(files, manifest);
    const zip = zipFiles(all, manifest ? { 'manifest.json': `${JSON.stringify(manifest, null, 2)}\n` } : {});
    downloadBlob(`${slug(this.name(), Infinity)}-run.zip`, new Blob([zip as BlobPart], { type: 'application/zip' }));
  }

  private async output(node: string, port: string, only?: 'svg' | 'png'): Promise<void> {
    let { files } = await this.runner.exportFiles(node, port);
    if (files.some((f) => f.portType === 'Figure')) files = await withPngs(files);
    if (only) files = files.filter((f) => f.path.endsWith(`.${only}`));
    const [first] = files;
    if (!first) throw new Error(`${node}.${port} wrote no files`);
    if (files.length === 1) {
      const name = first.path.replace('/', '-').replace(/\//g, '-');
      downloadBlob(name, new Blob([bytes(first.data) as BlobPart], { type: first.mediaType }));
      return;
    }
    // A folder (NODE/PORT/...): zip its content under PORT/ so it unpacks as the CLI's folder.
    const zip = zipFiles(files, {}, `${node}/`);
    downloadBlob(`${node}-${port}.zip`, new Blob([zip as BlobPart], { type: 'application/zip' }));
  }
}
