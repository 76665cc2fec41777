/** Built-in blocks of the "report" family. */
import type { AnyBlock } from '../../core/index.ts';
import { reportHtml } from './html.ts';

export { reportHtml };

export const reportBlocks: AnyBlock[] = [reportHtml];
