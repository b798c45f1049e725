import { mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMockServer } from '../../src/index.js';
import { launchChromium, noBrowser } from '../helpers/browser.js';

describe.skipIf(noBrowser)('the /docs playground in Chromium', () => {
  it('executes GET /v1/tickets against this server, offline, with the test key', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const outside: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith(mock.url) && !req.url().startsWith('data:')) outside.push(req.url());
      });
      await page.goto(`${mock.url}/docs`);
      const op = page.locator('#operations-Tickets-listTickets');
      await op.locator('.opblock-summary').click();
      // The playground opens in "Try it out" mode; click the toggle only if it did not.
      if (!(await op.locator('.execute').isVisible())) await op.locator('.try-out__btn').click();
      await op.locator('.execute').click();
      const status = op.locator('.live-responses-table tr.response .response-col_status').first();
      await status.waitFor({ timeout: 15_000 });
      expect((await status.textContent())?.trim()).toBe('200');
      expect(await op.locator('.live-responses-table .microlight').first().textContent()).toContain('"total_count"');
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/docs-playground.png', fullPage: false });
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
      await mock.close();
    }
  });
});
