#!/usr/bin/env node
'use strict'
// The JavaScript side of conch's private-message (box1) interop test, PrivateBoxInteropIT:
//
//   node box1-interop.js box --seed S [--rounds N]   one JSON line per box made by ssb-keys 8.5.0 / private-box 0.3.1
//   node box1-interop.js unbox --seed S FILE          one JSON line per line of FILE: who of the identities opens it
//
// Identities: IDENTITIES key pairs from seeds sha256("<S>:<i>"), the same on both sides (each line carries
// the seeds, so the Java side needs no copy of this rule). Contents come from the seeded PRNG, so the
// plaintexts are fixed for a seed; the boxes are not (private-box draws its nonce and keys from libsodium).
//
// box lines:   {"case", "recipients": [identity index…], "content", "boxed", "unboxKeys": {index: base64}}
//   cases per round: "to 1", "to 7", "to others" (identities 7 and 8 only), and at the private-box level
//   "8 slots" (multibox with max 8: private-box still tries an 8th slot) and "9 slots" (max 9: the 9th
//   recipient's slot is never tried, so only the first 8 open it).
// unbox input: {"recipients", "content", "boxed", "unboxKey": base64 of conch's key for the first recipient}
// unbox lines: {"opened": [identity index…], "contentMatches": bool, "bodyOpensWithKey": bool}

const crypto = require('crypto')
const ssbKeys = require('ssb-keys')
const privateBox = require('private-box')
const sodium = require('chloride')
const fs = require('fs')
const { makeRng } = require('./prng')

const IDENTITIES = 10

function args () {
  const [mode, ...rest] = process.argv.slice(2)
  const opts = { mode, seed: '1', rounds: 10, file: null }
  for (let i = 0; i < rest.length; i++) {
    if (rest[i] === '--seed') opts.seed = rest[++i]
    else if (rest[i] === '--rounds') opts.rounds = Number(rest[++i])
    else opts.file = rest[i]
  }
  if (mode !== 'box' && mode !== 'unbox') throw new Error('usage: box1-interop.js box|unbox --seed S [--rounds N] [FILE]')
  return opts
}

function identities (seed) {
  return Array.from({ length: IDENTITIES }, (_, i) => {
    const bytes = crypto.createHash('sha256').update(`${seed}:${i}`).digest()
    return { seed: bytes.toString('base64'), keys: ssbKeys.generate('ed25519', bytes) }
  })
}

function content (rng, round) {
  const words = ['shell', 'conch', 'tide', 'sécurité', '🐚', 'ocean\n"quoted"', 'ünïcödé', '\u2028']
  const text = Array.from({ length: rng.range(1, 12) }, () => rng.pick(words)).join(' ')
  return { type: 'post', text, round, n: rng.int(1e6) / 1000, flag: rng.chance(0.5), nested: { list: [1, 'two', null] } }
}

function curveKey (keys) {
  return sodium.crypto_sign_ed25519_pk_to_curve25519(Buffer.from(keys.public.replace(/\.ed25519$/, ''), 'base64'))
}

function range (from, to) {
  return Array.from({ length: to - from }, (_, i) => from + i)
}

function box (opts) {
  const ids = identities(opts.seed)
  const rng = makeRng(opts.seed)
  const seeds = ids.map(id => id.seed)
  const out = []
  for (let round = 0; round < opts.rounds; round++) {
    const cases = [['to 1', [0]], ['to 7', range(0, 7)], ['to others', [7, 8]]]
    for (const [name, recipients] of cases) {
      const value = content(rng, round)
      const boxed = ssbKeys.box(value, recipients.map(i => ids[i].keys.id))
      out.push(line(name, recipients, recipients, value, boxed))
    }
    for (const slots of [8, 9]) {
      const value = content(rng, round)
      const recipients = range(0, slots)
      const boxed = privateBox.multibox(Buffer.from(JSON.stringify(value)), recipients.map(i => curveKey(ids[i].keys)), slots)
        .toString('base64') + '.box'
      out.push(line(`${slots} slots`, recipients, range(0, Math.min(slots, 8)), value, boxed))
    }
  }
  function line (name, recipients, openers, value, boxed) {
    // the JavaScript checks its own boxes first, so a failure on the Java side is conch's
    const opened = ids.map((id, i) => ssbKeys.unbox(boxed, id.keys) ? i : -1).filter(i => i >= 0)
    if (JSON.stringify(opened) !== JSON.stringify(openers)) throw new Error(`${name}: opened by ${opened}, not ${openers}`)
    const unboxKeys = {}
    for (const i of openers) unboxKeys[i] = ssbKeys.unboxKey(boxed, ids[i].keys).toString('base64')
    return JSON.stringify({ case: name, seeds, recipients, openers, content: value, boxed, unboxKeys })
  }
  process.stdout.write(out.map(l => l + '\n').join(''))
}

function unbox (opts) {
  const ids = identities(opts.seed)
  const lines = fs.readFileSync(opts.file, 'utf8').split('\n').filter(l => l.length > 0)
  for (const text of lines) {
    const { content, boxed, unboxKey } = JSON.parse(text)
    const expected = JSON.stringify(content)
    const opened = []
    let contentMatches = true
    ids.forEach((id, i) => {
      const value = ssbKeys.unbox(boxed, id.keys)
      if (value === undefined || value === null) return
      opened.push(i)
      if (JSON.stringify(value) !== expected) contentMatches = false
    })
    const body = ssbKeys.unboxBody(boxed, unboxKey)
    const bodyOpensWithKey = body !== undefined && body !== null && JSON.stringify(body) === expected
    process.stdout.write(JSON.stringify({ opened, contentMatches, bodyOpensWithKey }) + '\n')
  }
}

const opts = args()
if (opts.mode === 'box') box(opts)
else unbox(opts)
