// After tsc: generates the default fixtures (the bundled fixtures/ directory, the default seed)
// into dist/fixtures-prebuilt.json, so a default start imports no faker (see src/store/prebuilt.ts).
import { DEFAULT_FIXTURES, defaults } from '../dist/config.js';
import { buildFixtures } from '../dist/store/fixtures.js';
import { PREBUILT_FILE, writePrebuilt } from '../dist/store/prebuilt.js';

const t0 = performance.now();
const data = await buildFixtures({ dir: DEFAULT_FIXTURES, seed: defaults.seed, prebuilt: '' });
writePrebuilt(PREBUILT_FILE, DEFAULT_FIXTURES, defaults.seed, data);
console.log(`fixtures (seed ${defaults.seed}) → ${PREBUILT_FILE} in ${Math.round(performance.now() - t0)} ms`);
