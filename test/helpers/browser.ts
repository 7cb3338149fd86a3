/**
 * Debian's Chromium for the browser tests, driven by playwright-core (.ci/install-browser.sh
 * installs it). Without it a test skips with a hint, except under CI=true where it must fail.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

// CHROMIUM_PATH only exists so a test can show that a missing browser fails under CI.
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const haveBrowser = fs.existsSync(CHROMIUM);

/** For `describe(..., { skip })`. */
export const skipWithoutBrowser = !haveBrowser && process.env.CI !== 'true' ? `no ${CHROMIUM}: run .ci/install-browser.sh` : false;

export async function launchBrowser(): Promise<Browser> {
  assert.ok(haveBrowser, `${CHROMIUM} is missing (CI=true): run .ci/install-browser.sh`);
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}
