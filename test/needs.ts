/**
 * Tests that need something a fresh machine may lack (a browser) ask here. When it is missing
 * they are skipped *visibly*: the test's title says what is missing and the command that
 * installs it, ava lists the test as skipped, and the totals line of `npm test` counts it. A
 * silent skip would make a missing component look like a pass.
 */
import { existsSync } from 'node:fs';
import test from 'ava';
import { type Browser, chromium } from 'playwright-core';

/** Chromium for the browser tests: Debian's package (`.ci/run` installs it), or AGORA_CHROMIUM. */
export const CHROMIUM = process.env.AGORA_CHROMIUM ?? '/usr/bin/chromium';

/** Starts {@link CHROMIUM} headless, with the flags a sandboxed CI needs; close it in `finally`. */
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

/** The command that makes {@link CHROMIUM} available on this machine. */
export const INSTALL_CHROMIUM =
  'sudo apt-get install -y chromium fonts-dejavu-core (or set AGORA_CHROMIUM to a Chromium binary)';

/**
 * `test` when Chromium is there; otherwise `test.skip` with the reason and the command in the
 * title, and the same on stderr once, so that the skip is seen.
 */
export function withChromium(): typeof test {
  if (existsSync(CHROMIUM)) return test;
  process.stderr.write(
    `\n  ⚠ skipping the browser tests: no Chromium at ${CHROMIUM}; to run them: ${INSTALL_CHROMIUM}\n\n`,
  );
  return ((title: string, ...rest: unknown[]) =>
    (test.skip as (...args: unknown[]) => void)(
      `${title} [SKIPPED: no Chromium at ${CHROMIUM}; install it: ${INSTALL_CHROMIUM}]`,
      ...rest,
    )) as unknown as typeof test;
}
