/** What loading a pipeline document produces. */
import type { AnyBlock } from '../block.ts';
import type { DocumentError } from './errors.ts';
import type { EdgeDocument, EdgeEnd, PipelineDocument } from './schema.ts';

/** A node resolved against the registry: its block, full params (defaults filled), and inputs. */
export interface ResolvedNode {
  id: string;
  index: number;
  type: string;
  block: AnyBlock;
  params: Record<string, unknown>;
  label: string;
  /** Upstream connections per input port, in document order. */
  inputs: Record<string, EdgeEnd[]>;
}

/** A validated pipeline, ready to plan and run. */
export interface ResolvedPipeline {
  name: string;
  /** The document after migrations, with every node's params complete. */
  document: PipelineDocument;
  nodes: ResolvedNode[];
  byId: Map<string, ResolvedNode>;
  edges: EdgeDocument[];
}

export type LoadResult =
  | { ok: true; pipeline: ResolvedPipeline; warnings: string[] }
  | { ok: false; errors: DocumentError[]; warnings: string[] };

/** A document-level migration from version v to v + 1. */
export type DocumentMigration = (doc: Record<string, unknown>) => Record<string, unknown>;

export interface LoadOptions {
  /** Accept nodes whose required inputs are not connected (the editor, mid-edit). Default false. */
  allowIncomplete?: boolean;
  /** Override the migration table (tests). */
  migrations?: Record<number, DocumentMigration>;
  /** The current document version (tests). */
  currentVersion?: number;
}
