#!/usr/bin/env node
'use strict'
// A real browser for conch's web-client tests: Debian's Chromium driven by playwright-core, over a
// JSON-lines protocol on stdin/stdout like peer.js.
//
//   node browser.js [--chromium /usr/bin/chromium] [--width 390 --height 844]
//
// stdout: first line {"ready":true,"version":…}; then one answer {"id","ok"} or {"id","error"} per
// command {"id","cmd",…}. Logs go to stderr. Exits when stdin closes.
//
// Commands:
//   goto {url}                          load a page (waits for DOMContentLoaded)
//   waitFor {selector, text?, timeoutMs?, state?}   until an element (containing text) is attached/visible/hidden
//   click {selector, text?}             click the first matching element
//   fill {selector, value}              type into an input or textarea
//   press {selector, key}               a key on an element, e.g. Enter or Tab
//   key {key}                           a key on whatever has the focus, as a keyboard-only user presses it
//   type {text}                         text typed into whatever has the focus
//   eval {expression}                   the JSON value of a JavaScript expression in the page
//   texts {selector}                    textContent of every match
//   screenshot {path, fullPage?}        a PNG
//   problems                            page errors, console errors and dialogs (alert/confirm) seen so far

const readline = require('readline')
const { chromium } = require('playwright-core')

const protoOut = process.stdout.write.bind(process.stdout)
process.stdout.write = (chunk, enc, cb) => process.stderr.write(chunk, enc, cb)
for (const k of ['log', 'info', 'warn', 'debug', 'trace']) console[k] = console.error.bind(console)
const send = (obj) => protoOut(JSON.stringify(obj) + '\n')

function option (name, fallback) {
  const i = process.argv.indexOf('--' + name)
  return i > 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1] : fallback
}

// The flags design.md names for Debian's Chromium in a container without a GPU or a sandbox.
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run']
const DEFAULT_TIMEOUT_MS = 20000

const problems = { pageErrors: [], consoleErrors: [], dialogs: [] }

function locate (page, { selector, text }) {
  let locator = page.locator(selector)
  if (text !== undefined) locator = locator.filter({ hasText: text })
  return locator.first()
}

const commands = {
  async goto (page, { url }) {
    await page.goto(url, { waitUntil: 'domcontentloaded' })
    return true
  },
  async waitFor (page, args) {
    await locate(page, args).waitFor({ state: args.state || 'visible', timeout: args.timeoutMs || DEFAULT_TIMEOUT_MS })
    return true
  },
  async click (page, args) {
    await locate(page, args).click({ timeout: DEFAULT_TIMEOUT_MS })
    return true
  },
  async fill (page, args) {
    await locate(page, args).fill(args.value, { timeout: DEFAULT_TIMEOUT_MS })
    return true
  },
  async setFiles (page, args) {
    await locate(page, args).setInputFiles(args.files, { timeout: DEFAULT_TIMEOUT_MS })
    return true
  },
  async press (page, args) {
    await locate(page, args).press(args.key, { timeout: DEFAULT_TIMEOUT_MS })
    return true
  },
  async key (page, { key }) {
    await page.keyboard.press(key)
    return true
  },
  async type (page, { text }) {
    await page.keyboard.type(text)
    return true
  },
  async eval (page, { expression }) {
    const value = await page.evaluate(expression)
    return value === undefined ? null : value
  },
  async texts (page, { selector }) {
    return page.locator(selector).allTextContents()
  },
  async screenshot (page, { path, fullPage }) {
    await page.screenshot({ path, fullPage: !!fullPage })
    return path
  },
  async problems () {
    return problems
  }
}

async function main () {
  const browser = await chromium.launch({
    executablePath: option('chromium', '/usr/bin/chromium'),
    headless: true,
    args: FLAGS
  })
  const context = await browser.newContext({
    viewport: { width: Number(option('width', 390)), height: Number(option('height', 844)) }
  })
  const page = await context.newPage()
  page.on('pageerror', (error) => problems.pageErrors.push(String(error && error.message)))
  page.on('console', (message) => { if (message.type() === 'error') problems.consoleErrors.push(message.text()) })
  page.on('dialog', (dialog) => { problems.dialogs.push(dialog.type() + ': ' + dialog.message()); dialog.dismiss().catch(() => {}) })

  send({ ready: true, version: browser.version() })

  // Commands run one after another, in order, as a person would act.
  let queue = Promise.resolve()
  const lines = readline.createInterface({ input: process.stdin })
  lines.on('line', (line) => {
    if (!line.trim()) return
    queue = queue.then(async () => {
      let request
      try {
        request = JSON.parse(line)
        const command = commands[request.cmd]
        if (!command) throw new Error('unknown command ' + request.cmd)
        send({ id: request.id, ok: await command(page, request) })
      } catch (error) {
        send({ id: request && request.id, error: String(error && error.message) })
      }
    })
  })
  lines.on('close', () => {
    queue.then(() => browser.close()).finally(() => process.exit(0))
  })
}

main().catch((error) => {
  console.error('browser.js failed to start:', error)
  process.exit(1)
})
