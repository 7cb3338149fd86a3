/**
 * Under CI=true the dashboard's browser test fails, rather than skips, when Chromium is missing.
 * (Without CI it skips with a hint; that is what a workstation without Chromium sees.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

// NODE_TEST_CONTEXT would make the inner runner report to this one instead of exiting with its result.
const { NODE_TEST_CONTEXT: _ctx, ...parentEnv } = process.env;

const runBrowserTest = (env: Record<string, string>) =>
  spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=tap', 'test/operators/admin-browser.test.ts'], {
    env: { ...parentEnv, CHROMIUM_PATH: '/nonexistent/chromium', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });

test('missing Chromium with CI=true: the browser test fails', () => {
  const ci = runBrowserTest({ CI: 'true' });
  assert.equal(ci.status, 1, ci.stdout);
  assert.match(ci.stdout, /\/nonexistent\/chromium is missing \(CI=true\)/);
  assert.doesNotMatch(ci.stdout, /# SKIP/);
});
