/** The browser storage keys of the editor's autosave (a module of its own so tests can import them without the editor). */
export const AUTOSAVE_KEY = 'cortexflow.editor.autosave.v1';
/** Where an autosave that could not be opened is kept, so that no later autosave overwrites it. */
export const REFUSED_AUTOSAVE_KEY = `${AUTOSAVE_KEY}.refused`;
