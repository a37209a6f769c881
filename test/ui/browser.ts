/** Headless Chromium for the web UI tests: launched with the flags a sandboxed CI needs. */
import { type Browser, chromium, type Page } from 'playwright-core';
import { CHROMIUM } from '../needs.js';

/** Starts Chromium (Debian's, see test/needs.ts); close it in the test's `finally`. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** Collects what a person would see go wrong on `page`: console errors and uncaught exceptions. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`exception: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A stream cut when the page or the test ends is not an error of the page.
    if (!r.url().endsWith('/events'))
      errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`);
  });
  return errors;
}
