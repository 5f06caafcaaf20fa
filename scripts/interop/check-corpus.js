#!/usr/bin/env node
'use strict'
// Re-checks a corpus written by gen-classic-corpus.js, reading it back from its JSON Lines text
// (as another implementation would): every verdict/id/error must be reproduced by ssb-validate,
// ids must match the UTF-16-low-byte sha256 of JSON.stringify(msg, null, 2), and valid messages'
// authors must match their "secret". Prints a summary (size-boundary cases listed) to stdout.
//
//   node check-corpus.js corpus.jsonl

const fs = require('fs')
const crypto = require('crypto')
const ssbKeys = require('ssb-keys')
const v = require('ssb-validate')

const file = process.argv[2]
if (!file) {
  process.stderr.write('usage: node check-corpus.js corpus.jsonl\n')
  process.exit(2)
}
const isObj = (o) => typeof o === 'object' && o !== null && !Array.isArray(o)

function judge (state, hmacKey, message) {
  const vstate = { feeds: {}, queue: [] }
  if (isObj(message)) vstate.feeds[message.author] = isObj(state) ? Object.assign({}, state, { queue: [] }) : state
  try {
    v.append(vstate, hmacKey, message)
    return { valid: true, id: v.id(message), error: null }
  } catch (err) {
    return { valid: false, id: null, error: String(err && err.message !== undefined ? err.message : err) }
  }
}

const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length)
let bad = 0
let valid = 0
const boundary = []
lines.forEach((line, i) => {
  const c = JSON.parse(line)
  const r = judge(c.state, c.hmacKey, c.message)
  const problems = []
  if (r.valid !== c.valid) problems.push(`valid ${c.valid} vs ${r.valid}`)
  if (r.id !== c.id) problems.push(`id ${c.id} vs ${r.id}`)
  if (r.error !== c.error) problems.push('error text differs')
  if (c.valid) {
    valid++
    const json = JSON.stringify(c.message, null, 2)
    const own = '%' + crypto.createHash('sha256').update(Buffer.from(json, 'latin1')).digest('base64') + '.sha256'
    if (own !== c.id) problems.push('independent id mismatch')
    if (json.length > 8192) problems.push('valid but longer than 8192')
    if (c.secret && ssbKeys.generate('ed25519', Buffer.from(c.secret, 'base64').subarray(0, 32)).id !== c.message.author) {
      problems.push('secret does not belong to author')
    }
  }
  if (/^size-boundary:/.test(c.case)) {
    const len = JSON.stringify(c.message, null, 2).length
    boundary.push(`  line ${i + 1}: length ${len} valid=${c.valid}${c.error ? ' error="' + c.error + '"' : ''}`)
    if ((len <= 8192) !== c.valid) problems.push('boundary verdict unexpected')
  }
  if (problems.length) {
    bad++
    if (bad <= 20) process.stdout.write(`line ${i + 1} (${c.case}): ${problems.join('; ')}\n`)
  }
})
process.stdout.write(`${lines.length} cases, ${valid} valid, ${lines.length - valid} invalid, ${bad} with problems\n`)
process.stdout.write(`size-boundary cases (${boundary.length}):\n${boundary.join('\n')}\n`)
process.exit(bad ? 1 : 0)
