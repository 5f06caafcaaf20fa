#!/usr/bin/env node
'use strict'
// Validates every message of a JSON Lines file with ssb-validate 4.1.4 and prints one line of JSON:
//   {"impl":"ssb-validate","messages":N,"invalid":K,"seconds":S,"perSecond":R,"peakRssMiB":M}
//
//   node bench-validate.js FILE [--hmac BASE64KEY]
//
// Each line is either a signed message value or a {key, value, timestamp} object (messages of many
// feeds interleaved, each feed in sequence order). One validation state is shared by all feeds,
// like ssb-db uses it: v.append() per message (which also computes the message id); an exception
// counts the message as invalid (the feed's state is then not advanced, exactly as in ssb-db).
// For KVT lines the id computed by ssb-validate must also equal `key`, otherwise the message is
// counted invalid. The validated-message queue is drained after every append so memory stays flat.
// "seconds" is the wall time of the whole streaming read + JSON.parse + validate loop; a breakdown
// goes to stderr.

const fs = require('fs')
const readline = require('readline')
const v = require('ssb-validate')

function usage (msg) {
  if (msg) process.stderr.write('error: ' + msg + '\n')
  process.stderr.write('usage: node bench-validate.js FILE [--hmac BASE64KEY]\n')
  process.exit(msg ? 2 : 0)
}
let file = null
let hmacKey = null
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--hmac') hmacKey = argv[++i] || usage('missing value for --hmac')
  else if (argv[i].startsWith('--hmac=')) hmacKey = argv[i].slice(7)
  else if (argv[i] === '--help' || argv[i] === '-h') usage()
  else if (file === null) file = argv[i]
  else usage('unexpected argument ' + argv[i])
}
if (!file) usage('FILE is required')

const SODIUM = require('chloride') === require('chloride/bindings') ? 'sodium-native' : 'js-fallback'

async function main () {
  const state = v.initial()
  let messages = 0
  let invalid = 0
  let parseNs = 0n
  let validateNs = 0n
  const errorKinds = new Map()

  const t0 = process.hrtime.bigint()
  const rl = readline.createInterface({
    input: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
    crlfDelay: Infinity
  })
  for await (const line of rl) {
    if (!line.trim()) continue
    const a = process.hrtime.bigint()
    let obj
    try {
      obj = JSON.parse(line)
    } catch (err) {
      messages++
      invalid++
      continue
    }
    const b = process.hrtime.bigint()
    parseNs += b - a
    messages++
    const isKVT = obj && typeof obj === 'object' && !Array.isArray(obj) &&
      'value' in obj && 'key' in obj && obj.value && typeof obj.value === 'object'
    const msg = isKVT ? obj.value : obj
    try {
      const kvt = v.toKeyValueTimestamp(msg)
      if (isKVT && kvt.key !== obj.key) throw new Error('key does not match the computed message id')
      v.appendKVT(state, hmacKey, kvt)
    } catch (err) {
      invalid++
      const m = String(err && err.message).replace(/(in state:|on feed:|:\{)[\s\S]*$/, '').replace(/\d+/g, 'N').slice(0, 80)
      errorKinds.set(m, (errorKinds.get(m) || 0) + 1)
    }
    state.queue.length = 0
    validateNs += process.hrtime.bigint() - b
    if (messages % 200000 === 0) {
      process.stderr.write(`bench-validate: ${messages} messages, ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s\n`)
    }
  }
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9
  const peakRssMiB = process.resourceUsage().maxRSS / 1024 // maxRSS is in KiB
  const result = {
    impl: 'ssb-validate',
    messages,
    invalid,
    seconds: Number(seconds.toFixed(3)),
    perSecond: Math.round(messages / seconds),
    peakRssMiB: Number(peakRssMiB.toFixed(1))
  }
  process.stdout.write(JSON.stringify(result) + '\n')
  process.stderr.write(`bench-validate: ${SODIUM}, node ${process.version}; JSON.parse ${(Number(parseNs) / 1e9).toFixed(2)} s, ` +
    `ssb-validate ${(Number(validateNs) / 1e9).toFixed(2)} s, read/other ${(seconds - Number(parseNs + validateNs) / 1e9).toFixed(2)} s\n`)
  const kinds = [...errorKinds].sort((a, b) => b[1] - a[1])
  for (const [m, n] of kinds.slice(0, 10)) process.stderr.write(`  invalid x${n}: ${m}\n`)
  if (kinds.length > 10) process.stderr.write(`  ... ${kinds.length - 10} more kinds of error\n`)
}

main().catch((err) => {
  process.stderr.write(String(err && err.stack) + '\n')
  process.exit(1)
})
