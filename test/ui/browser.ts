/** What the web UI tests watch in headless Chromium (launched by test/needs.ts). */
import type { Page } from 'playwright-core';

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
