/**
 * The pipeline document's shape, declared once as a TypeBox schema; the TypeScript types are
 * derived from it (`Static`), so the checked shape and the compiled shape cannot drift apart.
 */
import { Type, type Static } from '@sinclair/typebox';

export const PIPELINE_FORMAT = 'cortexflow/pipeline';
export const PIPELINE_VERSION = 1;

const EndSchema = Type.Object({ node: Type.String({ minLength: 1 }), port: Type.String({ minLength: 1 }) });

/** Where a node sits in the editor (the editor may keep more fields); ignored by the runtime. */
export const NodeUiSchema = Type.Object({ x: Type.Number(), y: Type.Number() });

export const NodeSchema = Type.Object(
  {
    // The id rule (pattern, length, reserved names) is checked by the loader with its own message.
    id: Type.String(),
    type: Type.String({ minLength: 1 }),
    /** Block version the params were written for; the registered version when omitted. */
    version: Type.Optional(Type.Integer({ minimum: 1 })),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    /** Optional display name. */
    label: Type.Optional(Type.String()),
    ui: Type.Optional(NodeUiSchema),
  },
  { additionalProperties: false },
);

export const EdgeSchema = Type.Object({ from: EndSchema, to: EndSchema }, { additionalProperties: false });

export const DocumentSchema = Type.Object({
  format: Type.Literal(PIPELINE_FORMAT),
  version: Type.Integer({ minimum: 1 }),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  /** Plugins the pipeline needs (names only: naming never loads code). */
  plugins: Type.Optional(Type.Array(Type.String())),
  nodes: Type.Array(NodeSchema),
  edges: Type.Array(EdgeSchema),
  /** Editor state (viewport...); ignored by the runtime. */
  ui: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** Where a node sits in the editor; ignored by the headless runtime. */
export type NodeUi = Static<typeof NodeUiSchema> & { [key: string]: unknown };
/** One node of a pipeline document. */
export type NodeDocument = Omit<Static<typeof NodeSchema>, 'ui'> & { ui?: NodeUi };
/** One end of an edge. */
export type EdgeEnd = Static<typeof EndSchema>;
/** An edge from an output port to an input port. */
export type EdgeDocument = Static<typeof EdgeSchema>;
/** A pipeline file, version 1. */
export type PipelineDocument = Omit<Static<typeof DocumentSchema>, 'nodes'> & { nodes: NodeDocument[] };
