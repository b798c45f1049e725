import { commflowGlobalSetup } from '../src/vitest.js';

// One server for the whole run; test/shared/* files each take their own workspace on it.
export default commflowGlobalSetup({ seed: 1 });
