import { existsSync } from 'node:fs';

/** Debian's Chromium, which .ci/run installs; playwright-core drives it (no browser download). */
export const CHROMIUM = '/usr/bin/chromium';

/** Browser tests run wherever Chromium is installed; in CI a missing browser fails instead of skipping. */
export const noBrowser = !existsSync(CHROMIUM) && !process.env.CI;

/** Headless Chromium with the flags this offline machine needs. */
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
