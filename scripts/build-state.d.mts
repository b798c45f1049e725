/** A hash of every input of `npm run build` (paths and contents). */
export function sourceHash(root: string): string;
/** True when dist/ holds the build of the sources as they are now. */
export function isBuildCurrent(root: string): boolean;
/** Records that dist/ was just built from the current sources. */
export function recordBuild(root: string): void;
