import { mkdirSync, readFileSync } from 'node:fs';
import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { createMockServer } from '../../src/index.js';
import { loadSpec } from '../../src/openapi/spec.js';
import { launchChromium, noBrowser } from '../helpers/browser.js';
import { tryOutOrder, type CreatedIds } from '../helpers/try-it-out.js';

/** Opens an operation in the playground, in "Try it out" mode (clicking the toggle only if it is not already on). */
async function openForTrying(op: Locator): Promise<void> {
  await op.locator('.opblock-summary').click();
  if (!(await op.locator('.execute').isVisible())) await op.locator('.try-out__btn').click();
}

/** Presses Execute on an operation with what it pre-fills; the status the playground then shows. */
async function executeShown(op: Locator): Promise<string | undefined> {
  await openForTrying(op);
  await op.locator('.execute').click();
  const status = op.locator('.live-responses-table tr.response .response-col_status').first();
  await status.waitFor({ timeout: 15_000 });
  return (await status.textContent())?.trim();
}

describe.skipIf(noBrowser)('the /docs playground in Chromium', () => {
  it('executes GET /v1/tickets against this server, offline, with the test key', { timeout: 60_000 }, async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const outside: string[] = [];
      page.on('request', (req) => {
        if (!req.url().startsWith(mock.url) && !req.url().startsWith('data:')) outside.push(req.url());
      });
      await page.goto(`${mock.url}/docs`);
      // The playground links the live inspector.
      expect(await page.locator('a[href="/_mock/ui"]').textContent()).toBe('live inspector');
      const op = page.locator('#operations-Tickets-listTickets');
      expect(await executeShown(op)).toBe('200');
      expect(await op.locator('.live-responses-table .microlight').first().textContent()).toContain('"total_count"');
      mkdirSync('test-results', { recursive: true });
      await page.screenshot({ path: 'test-results/docs-playground.png', fullPage: false });
      expect(outside).toEqual([]);
    } finally {
      await browser.close();
      await mock.close();
    }
  });

  it('serves Swagger UI from dist/docs, which the build fills (swagger-ui-dist is not needed at run time)', async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    try {
      for (const file of ['swagger-ui-bundle.js', 'swagger-ui.css', 'oauth2-redirect.html', 'oauth2-redirect.js']) {
        const res = await fetch(`${mock.url}/docs/${file}`);
        expect(res.status, file).toBe(200);
        expect(Buffer.from(await res.arrayBuffer()).equals(readFileSync(new URL(`../../dist/docs/${file}`, import.meta.url))), file).toBe(true);
      }
    } finally {
      await mock.close();
    }
  });

  it('completes Authorize → OAuth2 (code + PKCE, commflow_client) on a free port and calls /v1 with the token', { timeout: 60_000 }, async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    expect(mock.url).not.toContain(':4010');
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
      const page = await context.newPage();
      const authorizations: string[] = [];
      const tokenForms: URLSearchParams[] = [];
      context.on('request', (req) => {
        const url = new URL(req.url());
        if (url.pathname === '/oauth/token') tokenForms.push(new URLSearchParams(req.postData() ?? ''));
        if (url.pathname === '/v1/tickets') authorizations.push(req.headers().authorization ?? '');
      });
      await page.goto(`${mock.url}/docs`);
      await page.locator('.auth-wrapper .authorize').click();
      const modal = page.locator('.modal-ux');
      // Sign the API key out, so the request below can only carry the OAuth token.
      await modal.locator('.auth-container:has(h4 code:text-is("apiKey"))').locator('button.auth', { hasText: 'Logout' }).click();
      const oauth = modal.locator('.auth-container:has(#client_id_authorizationCode)');
      expect(await oauth.locator('#client_id_authorizationCode').inputValue()).toBe('commflow_client');
      // The popup may open, redirect and close before an awaited waitForEvent('close') would be listening
      // (Playwright does not replay a past close): its close is caught by a listener attached as it opens.
      const popupClosed = new Promise<void>((resolve) => context.once('page', (popup) => popup.once('close', () => resolve())));
      await oauth.locator('button.authorize').click();
      // Signed in, the OAuth2 section trades its client fields for a Logout button.
      const signedIn = modal.locator('.auth-container').filter({ has: page.locator('h4', { hasText: 'authorizationCode' }) });
      await signedIn.locator('button.auth', { hasText: 'Logout' }).waitFor({ timeout: 15_000 });
      await popupClosed;
      expect(tokenForms).toHaveLength(1);
      expect(tokenForms[0]!.get('grant_type')).toBe('authorization_code');
      expect(tokenForms[0]!.get('redirect_uri')).toBe(`${mock.url}/docs/oauth2-redirect.html`);
      expect(tokenForms[0]!.get('code_verifier')).toMatch(/^[\w-]{43,}$/);
      await modal.locator('.close-modal').click();

      expect(await executeShown(page.locator('#operations-Tickets-listTickets'))).toBe('200');
      expect(authorizations.at(-1)).toMatch(/^Bearer cfat_/);
    } finally {
      await browser.close();
      await mock.close();
    }
  });

  it('presses Execute on every operation with what it pre-fills, and gets its documented success', { timeout: 360_000 }, async () => {
    const mock = await createMockServer({ port: 0, logLevel: 'silent' });
    const browser = await launchChromium();
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      await page.goto(`${mock.url}/docs`);
      const ids: CreatedIds = {};
      const failures: string[] = [];
      const ops = tryOutOrder(await loadSpec());
      for (const op of ops) {
        const block = page.locator(`#operations-${op.tag.replace(/ /g, '_')}-${op.id}`);
        await openForTrying(block);
        // The fixtures hold no webhook and workspace ids are random: the playground pre-fills the ones created earlier.
        const created = op.template.startsWith('/v1/webhooks/')
          ? ids.webhook
          : op.template.startsWith('/_mock/workspaces/')
            ? ids.workspace
            : op.template.startsWith('/_mock/webhooks/deliveries/')
              ? ids.delivery
              : undefined;
        if (created) expect(await block.locator('tr[data-param-name="id"] input').inputValue(), op.id).toBe(created);
        const pattern = new RegExp(`^${op.template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
        const answered = page.waitForResponse((r) => r.request().method() === op.method.toUpperCase() && pattern.test(new URL(r.url()).pathname), {
          timeout: 15_000,
        });
        await block.locator('.execute').click();
        const res = await answered;
        // Swagger UI shows the answer once it has it (a redirect is followed; the first answer is the operation's own).
        await block.locator('.live-responses-table .response-col_status').first().waitFor({ timeout: 15_000 });
        if (res.status() !== op.success)
          failures.push(`${op.id} ${op.method.toUpperCase()} ${res.url()} → ${res.status()} ${(await res.text().catch(() => '')).slice(0, 200)}`);
        if (op.id === 'createWebhook') ids.webhook = (await res.json()).data.id;
        if (op.id === 'mockCreateWorkspace') ids.workspace = (await res.json()).data.workspace.id;
        if (op.id === 'mockListDeliveries') ids.delivery = (await res.json()).data[0]?.id;
        await block.locator('.opblock-summary').click();
      }
      expect(failures).toEqual([]);
      expect(ops.length).toBeGreaterThan(60);
    } finally {
      await browser.close();
      await mock.close();
    }
  });
});
