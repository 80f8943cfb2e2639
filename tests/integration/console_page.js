'use strict';
// What the console's browser tests share (docs/console.md): a liverec server and Debian's
// Chromium driven by playwright-core (headless, never a downloaded browser); pages with the
// console's script errors and CSP violations collected; signing in; screenshots at 1280×800 and
// at phone width into LIVEREC_CONSOLE_SCREENSHOTS (a directory) when it is set, e.g. docs/console/.
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const MODULES = path.join(__dirname, '..', 'conformance', 'node_modules');
const { chromium } = require(path.join(MODULES, 'playwright-core'));
const { startServer, DEFAULT_KEY } = require('../conformance/harness.js');

const CHROMIUM = '/usr/lib/chromium/chromium';
const SHOTS = process.env.LIVEREC_CONSOLE_SCREENSHOTS;
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };

// Starts a server (startServer's `serverOpts`) and Chromium; resolves with helpers around them.
async function startConsole(serverOpts = {}) {
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} missing (scripts/install-deps.sh installs chromium)`);
  const server = await startServer(serverOpts);
  let browser;
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-dev-shm-usage',
        '--autoplay-policy=no-user-gesture-required'],
    });
  } catch (err) {
    await server.stop();
    throw err;
  }
  if (SHOTS) fs.mkdirSync(SHOTS, { recursive: true });

  // A page at `size` on /console/ (or /console/#<hash>), its errors collected in `problems`.
  async function openConsole(size = SIZES.desktop, hash = '') {
    const page = await browser.newPage({ viewport: size });
    const problems = [];
    page.on('pageerror', (err) => problems.push(String(err)));
    page.on('console', (msg) => { if (msg.type() === 'error') problems.push(msg.text()); });
    const response = await page.goto(`${server.endpoint}/console/${hash ? `#${hash}` : ''}`);
    assert.equal(response.status(), 200);
    return { page, response, problems };
  }

  async function signIn(page, id = DEFAULT_KEY.id, secret = DEFAULT_KEY.secret) {
    await page.getByLabel('AccessKey ID').fill(id);
    await page.getByLabel('AccessKey secret').fill(secret);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }

  // Opens the console, signs in with the default key and waits until it is signed in.
  async function openSignedIn(size = SIZES.desktop, hash = '') {
    const opened = await openConsole(size, hash);
    await signIn(opened.page);
    await opened.page.getByRole('button', { name: 'Sign out' }).waitFor({ timeout: 10000 });
    return opened;
  }

  // Screenshots of the page as `<name>-desktop.png` and `<name>-phone.png`.
  async function shot(page, name) {
    if (!SHOTS) return;
    for (const [label, size] of Object.entries(SIZES)) {
      await page.setViewportSize(size);
      await page.screenshot({ path: path.join(SHOTS, `${name}-${label}.png`), fullPage: true });
    }
    await page.setViewportSize(SIZES.desktop);
  }

  async function close() {
    await browser.close();
    await server.stop();
  }

  return { server, browser, openConsole, openSignedIn, signIn, shot, close };
}

module.exports = { startConsole, SIZES, DEFAULT_KEY };
