/** Small text helpers shared by the front ends. */

/**
 * A file-name-safe slug of a display name ("My pipeline (v2)" -> "my-pipeline-v2"), at most
 * `maxLength` characters; `fallback` when nothing is left.
 */
export function slug(s: string, maxLength = 48, fallback = 'pipeline'): string {
  return (
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, maxLength) || fallback
  );
}
