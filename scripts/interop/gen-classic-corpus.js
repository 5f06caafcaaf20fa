#!/usr/bin/env node
'use strict'
// Generates a deterministic corpus of classic (legacy) SSB message validation
// cases whose verdicts come from ssb-validate 4.1.4 itself.
//
//   node gen-classic-corpus.js [--count N] [--seed S] > corpus.jsonl
//
// One JSON object per line (same shape as ssb-validation-dataset, plus case/secret):
//   {"case": "<category>: <detail>", "hmacKey": null|string|other, "state": null|{"id","sequence","timestamp"},
//    "message": <value exactly as signed/mutated, key order preserved>, "valid": bool,
//    "id": "%...sha256"|null, "error": null|"<ssb-validate error message>", "secret": "<b64>.ed25519"|null}
// Cases are judged exactly like ssb-validate's own test/data.js drives ssb-validation-dataset:
//   state = {feeds: {}, queue: []}; if message is a plain object, state.feeds[message.author] =
//   (case.state with queue: []) or null; v.append(state, hmacKey, message) -> valid unless it throws.
// Progress, warnings and the per-category summary go to stderr; stdout carries only the cases.

const ssbKeys = require('ssb-keys')
const v = require('ssb-validate')
const { makeRng } = require('./prng')

// ---------------------------------------------------------------- arguments
function parseArgs (argv) {
  const opts = { count: 3000, seed: '1' }
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    const val = () => {
      if (i + 1 >= argv.length) usage('missing value for ' + a)
      return argv[++i]
    }
    if (a === '--count' || a === '-n') opts.count = Number(val())
    else if (a.startsWith('--count=')) opts.count = Number(a.slice(8))
    else if (a === '--seed' || a === '-s') opts.seed = val()
    else if (a.startsWith('--seed=')) opts.seed = a.slice(7)
    else if (a === '--help' || a === '-h') usage()
    else usage('unknown argument ' + a)
  }
  if (!Number.isInteger(opts.count) || opts.count < 1) usage('--count must be a positive integer')
  return opts
}
function usage (msg) {
  if (msg) process.stderr.write('error: ' + msg + '\n')
  process.stderr.write('usage: node gen-classic-corpus.js [--count N] [--seed S]  (defaults 3000, 1)\n')
  process.exit(msg ? 2 : 0)
}

const OPTS = parseArgs(process.argv.slice(2))
// verdicts of a few edge cases depend on the sodium backend chloride picked (native vs JS fallback)
const SODIUM = require('chloride') === require('chloride/bindings') ? 'sodium-native' : 'js-fallback'
if (SODIUM !== 'sodium-native') process.stderr.write('warning: chloride is using its JS fallback; verdicts of oversized signatures differ from sodium-native\n')
const COUNT = OPTS.count
const rng = makeRng(OPTS.seed)
const t0 = process.hrtime.bigint()

// ---------------------------------------------------------------- helpers
const enc = (m) => JSON.stringify(m, null, 2)
const isObj = (o) => typeof o === 'object' && o !== null && !Array.isArray(o)
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
const SIG_SUFFIX = '.sig.ed25519'

// define an own enumerable property without triggering setters (e.g. "__proto__")
function def (obj, key, value) {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  return obj
}
// rebuild an object with its keys in the given order (keys not listed are dropped)
function reorder (obj, keys) {
  const o = {}
  for (const k of keys) def(o, k, obj[k])
  return o
}
// copy of obj with key replaced by value, keeping its position
function replaceKey (obj, key, value) {
  const o = {}
  for (const k of Object.keys(obj)) def(o, k, k === key ? value : obj[k])
  return o
}
function without (obj, key) {
  return reorder(obj, Object.keys(obj).filter((k) => k !== key))
}
function unsign (msg) { return without(msg, 'signature') }
function sign (keys, hmacKey, obj) { return ssbKeys.signObj(keys, hmacKey || null, obj) }
function resign (keys, hmacKey, msg) { return sign(keys, hmacKey, unsign(msg)) }
function randomMsgId () { return '%' + rng.bytes(32).toString('base64') + '.sha256' }
function stateOf (msg) { return { id: v.id(msg), sequence: msg.sequence, timestamp: msg.timestamp } }
function b64key (n) { return rng.bytes(n).toString('base64') }

// ---------------------------------------------------------------- verdicts (ssb-validate 4.1.4)
function judge (state, hmacKey, message) {
  const vstate = { feeds: {}, queue: [] }
  if (isObj(message)) {
    vstate.feeds[message.author] = isObj(state) ? Object.assign({}, state, { queue: [] }) : state
  }
  try {
    v.append(vstate, hmacKey, message)
    return { valid: true, id: v.id(message), error: null }
  } catch (err) {
    return { valid: false, id: null, error: String(err && err.message !== undefined ? err.message : err) }
  }
}

// ---------------------------------------------------------------- output
const out = []
const stats = new Map()
let nValid = 0
// the fill loop steers on *intended* validity, so the sequence of generated cases does not depend
// on verdicts (which can differ between sodium backends, see sig-length)
let nIntendedValid = 0
let unexpected = 0

function emit (category, detail, c) {
  if (out.length >= COUNT) return null
  const hmacKey = c.hmacKey === undefined ? null : c.hmacKey
  const state = c.state === undefined ? null : c.state
  const r = judge(state, hmacKey, c.message)
  if (c.expect !== undefined && c.expect !== r.valid) {
    unexpected++
    process.stderr.write(`warning: unexpected verdict valid=${r.valid} for "${category}: ${detail}": ${r.error}\n`)
  }
  out.push(JSON.stringify({
    case: category + ': ' + detail,
    hmacKey,
    state,
    message: c.message,
    valid: r.valid,
    id: r.id,
    error: r.error,
    secret: c.keys ? c.keys.private : null
  }))
  let s = stats.get(category)
  if (!s) stats.set(category, (s = { valid: 0, invalid: 0 }))
  if (r.valid) { s.valid++; nValid++ } else s.invalid++
  if (c.expect !== undefined ? c.expect : (!category.startsWith('mutation/') && r.valid)) nIntendedValid++
  return r
}

// ---------------------------------------------------------------- hostile building blocks
const CTRL = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i))
const SHORT_ESC = ['\b', '\f', '\n', '\r', '\t']
const OTHER_CTRL = CTRL.filter((c) => !SHORT_ESC.includes(c))
const LATIN1 = Array.from({ length: 128 }, (_, i) => String.fromCharCode(0x80 + i))
const WORDS = ('scuttlebutt gossip pub feed sea shell conch crab kelp tide harbor island dinghy sail ' +
  'message hello world protocol peer offline first replicate hermit boat rope anchor reef coral ' +
  'lighthouse buoy wave storm calm').split(' ')
const REAL_TYPES = ['post', 'vote', 'contact', 'about', 'pub', 'channel', 'git-update', 'npm-packages',
  'chess_move', 'ssb-dns', 'sbot-meta', 'flume-test', 'talenet-identity-skill_assignment']
const INT_KEYS = ['0', '1', '10', '4294967294', '4294967295', '4294967296', '01', '00', '-1', '-0', '1.5',
  '1e3', '+1', ' 1', '9007199254740993', '\u0663']
const ODD_KEYS = ['', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'toJSON', 'type ', 'Type',
  'signature', 'previous', '\u0000', '\ud800', '\udc00', '\ud83d\ude00', 'k\u2028', '"', '\\', 'a.b', '$ref']
const NUMS = [0.1, 1.5e-7, 123.456, 5e-324, 1.7976931348623157e308, 1e21, 1e20, 123456789012345680000, -0,
  0.000001, 0.0000001, -1, -0.5, -123.456, -1e21, -5e-324, -1.7976931348623157e308, 2 ** 53, 2 ** 53 - 1,
  2 ** 53 + 2, -(2 ** 53), -(2 ** 53 - 1), 2 ** 31, 2 ** 31 - 1, -(2 ** 31), -(2 ** 31) - 1, 2 ** 32,
  2 ** 32 - 1, 2 ** 32 + 1, 0, 1, 100, 1.1, 0.1 + 0.2, 4.35, 9.999999999999999e22, 1e22, 1e23, 1e300,
  2.2250738585072014e-308, 2.225073858507201e-308, 1.2e-10, 12345678901234567890, 0.3, 2 / 3, 1e-6 - 1e-22,
  1525368113120.005, 1e15 + 0.3, 4503599627370497.5, 123e-20, 1e-5, 1e-323, 8.41e21]

function astral () {
  return String.fromCodePoint(rng.chance(0.7) ? 0x1f300 + rng.int(0x350) : 0x10000 + rng.int(0x100000))
}
function hostileChar () {
  const r = rng.int(100)
  if (r < 30) return String.fromCharCode(0x20 + rng.int(0x5f)) // printable ASCII
  if (r < 35) return rng.pick(SHORT_ESC)
  if (r < 40) return rng.pick(OTHER_CTRL)
  if (r < 44) return rng.pick(['"', '\\', '/'])
  if (r < 46) return '\u007f'
  if (r < 53) return rng.pick(LATIN1)
  if (r < 56) return rng.pick(['\u2028', '\u2029'])
  if (r < 59) return String.fromCharCode(0xd800 + rng.int(0x400)) // lone high (may pair by chance)
  if (r < 62) return String.fromCharCode(0xdc00 + rng.int(0x400)) // lone low
  if (r < 72) return astral() // surrogate pair
  if (r < 80) return String.fromCharCode(0x4e00 + rng.int(0x5200)) // CJK
  if (r < 86) return rng.pick('aeiouAEO') + String.fromCharCode(0x300 + rng.int(0x70)) // combining
  if (r < 90) return rng.pick(['\ufeff', '\ufffd', '\ufffe', '\uffff', '\ue000', '\u200d', '\u00a0'])
  const cp = 0x100 + rng.int(0xd700) // other BMP
  return String.fromCharCode(cp)
}
function hostileString (n) {
  let s = ''
  for (let i = 0; i < n; i++) s += hostileChar()
  return s
}
function words (n) {
  const w = []
  for (let i = 0; i < n; i++) w.push(rng.pick(WORDS))
  return w.join(' ')
}
function randomDouble () {
  const x = rng.float() * Math.pow(10, rng.range(-30, 30))
  return rng.chance(0.3) ? -x : x
}
function randScalar () {
  const r = rng.int(100)
  if (r < 30) return hostileString(rng.int(14))
  if (r < 48) return rng.pick(NUMS)
  if (r < 58) return rng.range(-1e6, 1e6)
  if (r < 72) return randomDouble()
  if (r < 78) return words(rng.range(1, 6))
  if (r < 84) return rng.chance(0.5)
  if (r < 90) return null
  if (r < 95) return randomMsgId()
  return '@' + rng.bytes(32).toString('base64') + '.ed25519'
}
function randKey () {
  const r = rng.int(100)
  if (r < 45) return rng.pick(WORDS)
  if (r < 62) return rng.pick(INT_KEYS)
  if (r < 72) return rng.pick(ODD_KEYS)
  if (r < 85) return hostileString(rng.range(1, 5))
  return rng.pick(WORDS) + rng.int(100)
}
function randValue (depth) {
  const r = rng.int(10)
  if (depth >= 4 || r < 5) return randScalar()
  if (r < 7) {
    const n = rng.int(5)
    const a = []
    for (let i = 0; i < n; i++) a.push(randValue(depth + 1))
    return a
  }
  return randObject(depth + 1, rng.int(5))
}
function randObject (depth, n) {
  const o = {}
  for (let i = 0; i < n; i++) {
    const k = randKey()
    if (k === 'type' && depth === 1) continue
    def(o, k, randValue(depth))
  }
  return o
}
// a string of exactly `units` UTF-16 code units built from hostile characters
function hostileOfLength (units) {
  let s = ''
  while (s.length < units) {
    const c = hostileChar()
    s += s.length + c.length <= units ? c : 'x'
  }
  return s
}
function randType () {
  if (rng.chance(0.5)) return rng.pick(REAL_TYPES)
  return hostileOfLength(rng.range(3, 52))
}
function randomContent () {
  const c = {}
  const typeFirst = rng.chance(0.7)
  if (typeFirst) def(c, 'type', randType())
  const n = rng.int(7)
  for (let i = 0; i < n; i++) {
    const k = randKey()
    if (k === 'type') continue
    def(c, k, randValue(1))
  }
  if (rng.chance(0.3)) def(c, 'text', hostileString(rng.range(20, 400)))
  if (!typeFirst) def(c, 'type', randType())
  return c
}
function boxString (suffix) {
  const len = 24 + 32 + 49 * rng.range(1, 7) + 16 + rng.range(10, 500)
  return rng.bytes(len).toString('base64') + (suffix === undefined ? '.box' : suffix)
}
function realisticPost (feeds) {
  const c = { type: 'post', text: words(rng.range(3, 40)) }
  if (rng.chance(0.3)) c.text += ' ' + hostileString(rng.range(1, 12))
  if (rng.chance(0.3)) {
    c.root = randomMsgId()
    c.branch = rng.chance(0.5) ? randomMsgId() : [randomMsgId(), randomMsgId()]
  }
  if (rng.chance(0.3)) c.channel = rng.pick(WORDS)
  if (rng.chance(0.4)) {
    const f = rng.pick(feeds)
    c.mentions = [{ link: f.keys.id, name: rng.pick(WORDS) }]
  } else if (rng.chance(0.2)) c.mentions = []
  return c
}

// ---------------------------------------------------------------- feeds
const BASE_TS = 1420070400000 // 2015-01-01
const feeds = []
for (let i = 0; i < 24; i++) {
  const keys = ssbKeys.generate('ed25519', rng.bytes(32))
  feeds.push({
    keys,
    last: null,
    legacy: rng.chance(0.4), // "previous, sequence, author" order (what ssb-validate.create emits)
    hmacKey: i < 3 ? b64key(32) : null,
    ts: BASE_TS + rng.int(2e11)
  })
}
let feedCursor = 0
function nextFeed () { return feeds[3 + (feedCursor++ % (feeds.length - 3))] } // non-HMAC feeds
function nextTs (feed) {
  feed.ts += rng.range(1, 5e7)
  return rng.chance(0.15) ? feed.ts + rng.range(1, 999) / 1000 : feed.ts
}

// mutation bases: valid messages with the context they were valid in
const bases = []

function unsigned (feed, content, o) {
  o = o || {}
  const st = 'state' in o ? o.state : feed.last
  const seq = 'sequence' in o ? o.sequence : (st ? st.sequence + 1 : 1)
  const legacy = 'legacy' in o ? o.legacy : feed.legacy
  const m = {}
  m.previous = 'previous' in o ? o.previous : (st ? st.id : null)
  if (legacy) { m.sequence = seq; m.author = feed.keys.id } else { m.author = feed.keys.id; m.sequence = seq }
  m.timestamp = 'timestamp' in o ? o.timestamp : nextTs(feed)
  m.hash = 'sha256'
  m.content = content
  return m
}

// build, sign and emit a message of `feed`; if valid, advance the feed and remember it as a base
function post (category, detail, feed, content, o) {
  o = o || {}
  const st = 'state' in o ? o.state : feed.last
  const hmacKey = 'hmacKey' in o ? o.hmacKey : feed.hmacKey
  const signKey = 'signHmac' in o ? o.signHmac : hmacKey
  const msg = sign(feed.keys, signKey, unsigned(feed, content, Object.assign({}, o, { state: st })))
  const r = emit(category, detail, { hmacKey, state: st, message: msg, keys: feed.keys, expect: 'expect' in o ? o.expect : true })
  if (r && r.valid && !o.noAdvance) {
    feed.last = { id: r.id, sequence: msg.sequence, timestamp: msg.timestamp }
    bases.push({ feed, keys: feed.keys, hmacKey, state: st, msg })
    if (bases.length > 4000) bases.splice(0, 1000)
  }
  return { msg, r }
}

// ================================================================ special cases
function sizeBoundaryCases () {
  const cat = 'size-boundary'
  // pieces with their encoded width (units in JSON.stringify output)
  const pads = [
    { name: 'ASCII padding', piece: 'a' },
    { name: 'surrogate-pair (emoji) padding, 2 units each', piece: '\ud83d\ude00' },
    { name: 'CJK padding (1 unit, 3 UTF-8 bytes each)', piece: '\u4e2d' },
    { name: 'latin1 padding (U+00E9)', piece: '\u00e9' },
    { name: 'control-char padding (U+0001 -> \\u0001, 6 units each)', piece: '\u0001' },
    { name: 'lone low surrogate padding (\\udc00, 6 units each)', piece: '\udc00' },
    { name: 'lone high surrogate padding (\\ud800, 6 units each)', piece: '\ud800' },
    { name: 'newline+quote padding (\\n\\", 4 units)', piece: '\n"' },
    { name: 'U+2028 padding (raw, 1 unit)', piece: '\u2028' },
    { name: 'hostile mixed padding', piece: null },
    { name: 'private box content string', piece: 'box' }
  ]
  const widthOf = (s) => JSON.stringify(s).length - 2
  let variant = 0
  for (const p of pads) {
    for (const target of [8191, 8192, 8193]) {
      variant++
      const feed = (variant % 4 === 0) ? feeds[0] : nextFeed()
      const legacy = variant % 3 === 0
      const hmacKey = feed.hmacKey
      const st = variant % 2 === 0 ? feed.last : null
      const ts = nextTs(feed)
      const mk = (pad) => {
        const content = p.piece === 'box' ? pad : { type: 'post', text: pad }
        return sign(feed.keys, hmacKey, unsigned(feed, content, { state: st, legacy, timestamp: ts }))
      }
      const emptyPad = p.piece === 'box' ? 'AAAA.box' : ''
      // units the padding string must occupy in the encoded message
      const need = target - enc(mk(emptyPad)).length + widthOf(emptyPad)
      let pad
      if (p.piece === 'box') {
        const b64len = Math.floor((need - 4) / 4) * 4
        // ".box.*" accepts any tail after the suffix
        pad = rng.bytes(b64len / 4 * 3).toString('base64') + '.box' + 'x'.repeat(need - b64len - 4)
      } else if (p.piece === null) {
        pad = ''
        let w = 0
        while (need - w > 12) {
          let c = hostileChar()
          if (/[\ud800-\udbff]$/.test(c) && c.length === 1) c += 'x' // keep lone highs lone
          pad += c
          w += widthOf(c)
        }
        pad += 'a'.repeat(need - w)
      } else {
        const w = widthOf(p.piece)
        const k = Math.floor(need / w)
        pad = p.piece.repeat(k) + 'a'.repeat(need - k * w)
      }
      const msg = mk(pad)
      const len = enc(msg).length
      if (len !== target) throw new Error(`size-boundary: built ${len} instead of ${target} (${p.name})`)
      const utf8 = Buffer.byteLength(enc(msg), 'utf8')
      emit(cat, `JSON.stringify(msg,null,2).length == ${target} UTF-16 units (${utf8} UTF-8 bytes), ${p.name}` +
        `${legacy ? ', sequence-before-author order' : ''}${hmacKey ? ', HMAC key' : ''}${st ? ', seq ' + msg.sequence : ''}`,
      { hmacKey, state: st, message: msg, keys: feed.keys, expect: target <= 8192 })
    }
  }
}

function typeLengthCases () {
  const cat = 'type-length'
  const E = '\ud83d\ude00'
  const list = [
    ['2 ASCII', 'ab', false], ['3 ASCII', 'abc', true], ['52 ASCII', 'a'.repeat(52), true], ['53 ASCII', 'a'.repeat(53), false],
    ['1 emoji = 2 units', E, false], ['emoji+1 = 3 units (2 code points)', E + 'a', true],
    ['2 emoji = 4 units (2 code points)', E + E, true],
    ['26 emoji = 52 units', E.repeat(26), true], ['26 emoji + a = 53 units', E.repeat(26) + 'a', false],
    ['51 ASCII + emoji = 53 units (52 code points)', 'a'.repeat(51) + E, false],
    ['50 ASCII + emoji = 52 units', 'a'.repeat(50) + E, true],
    ['2 CJK', '\u4e2d\u6587', false], ['3 CJK', '\u4e2d\u6587\u5b57', true], ['52 CJK', '\u4e2d'.repeat(52), true], ['53 CJK', '\u4e2d'.repeat(53), false],
    ['3 control chars (escaped to 18 chars)', '\u0000\u0001\u0002', true], ['2 control chars', '\n\t', false],
    ['52 control chars', '\u0001'.repeat(52), true], ['53 newlines', '\n'.repeat(53), false],
    ['lone high + 2 ASCII', '\ud800ab', true], ['lone low + ASCII = 2', '\udc00a', false],
    ['e + combining acute + x = 3 units', 'e\u0301x', true], ['e + combining = 2 units', 'e\u0301', false],
    ['3 spaces', '   ', true], ['empty string', '', false], ['52 latin1', '\u00e9'.repeat(52), true],
    ['53 latin1', '\u00fe'.repeat(53), false], ['U+2028 x3', '\u2028\u2029\u2028', true],
    ['4 units astral U+10FFFF x2', '\udbff\udfff\udbff\udfff', true], ['1 astral U+10FFFF', '\udbff\udfff', false]
  ]
  for (const [d, type, expect] of list) post(cat, `content.type ${d} (length ${type.length})`, nextFeed(), { type }, { expect })
  const nonString = [['number', 123], ['null', null], ['true', true], ['object', { a: 'post' }], ['array', ['post']],
    ['number 1e21', 1e21]]
  for (const [d, type] of nonString) post(cat, `content.type is ${d}`, nextFeed(), { type }, { expect: false })
  post(cat, 'content.type missing', nextFeed(), { text: 'no type' }, { expect: false })
}

function stringCases () {
  const cat = 'strings'
  const all = CTRL.join('')
  const each = { type: 'strings' }
  CTRL.forEach((c, i) => def(each, 'c' + i.toString(16).padStart(2, '0'), c))
  const cases = [
    ['all U+0000..U+001F in one string', { type: 'strings', text: all }],
    ['each control char in its own field', each],
    ['short escapes \\b \\f \\n \\r \\t', { type: 'strings', text: 'b\bf\fn\nr\rt\t', arr: ['\b', '\f', '\n', '\r', '\t'] }],
    ['quote, backslash, slash, \\/ , DEL', { type: 'strings', text: '"\\/\\/\u007f', q: '"', bs: '\\', sl: '/', del: '\u007f' }],
    ['U+0080..U+00FF latin1 range', { type: 'strings', text: LATIN1.join('') }],
    ['U+2028 / U+2029 raw', { type: 'strings', ls: '\u2028', ps: '\u2029', text: 'a\u2028b\u2029c' }],
    ['lone high surrogate at end', { type: 'strings', text: 'abc\ud83d' }],
    ['lone high surrogate in the middle', { type: 'strings', text: 'ab\ud800cd' }],
    ['lone high surrogate alone', { type: 'strings', text: '\udbff' }],
    ['lone low surrogate at start', { type: 'strings', text: '\ude00abc' }],
    ['lone low surrogate alone', { type: 'strings', text: '\udc00' }],
    ['reversed pair (low then high)', { type: 'strings', text: '\ude00\ud83d' }],
    ['high high low (lone + pair)', { type: 'strings', text: '\ud800\ud83d\ude00' }],
    ['pair then lone low', { type: 'strings', text: '\ud83d\ude00\ude00' }],
    ['U+10FFFF and U+10000', { type: 'strings', text: '\udbff\udfff\ud800\udc00' }],
    ['emoji, ZWJ family, flag, skin tone', { type: 'strings', text: '\ud83d\ude00 \ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67 \ud83c\uddf3\ud83c\uddff \ud83d\udc4d\ud83c\udffd' }],
    ['CJK, Hangul, Arabic, Hebrew', { type: 'strings', text: '\u6d77\u87ba\u3067\u3059 \ud55c\uad6d\uc5b4 \u0627\u0644\u0639\u0631\u0628\u064a\u0629 \u05e2\u05d1\u05e8\u05d9\u05ea' }],
    ['combining marks (stacked)', { type: 'strings', text: 'Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034fa\u0300\u0301\u0302\u0303\u0304' }],
    ['BOM, U+FFFD, U+FFFE, U+FFFF, U+E000, NBSP, ZWJ', { type: 'strings', text: '\ufeff\ufffd\ufffe\uffff\ue000\u00a0\u200d' }],
    ['NUL in the middle and at the end', { type: 'strings', text: 'a\u0000b\u0000' }],
    ['type containing control chars and lone surrogate', { type: '\u0000\ud800\u001f"' }],
    ['type with U+2028 and emoji', { type: '\u2028post\ud83d\ude00' }],
    ['backslash-u lookalike text', { type: 'strings', text: '\\u0000 \\ud800 \\n' }],
    ['empty strings everywhere', { type: 'strings', '': '', text: '', arr: ['', ''] }],
    ['every escape class as object keys', reorder(Object.assign({ type: 'keys' }, Object.fromEntries(
      ['\u0000', '\b', '\u001f', '"', '\\', '/', '\u007f', '\u00ff', '\u2028', '\ud800', '\udc00', '\ud83d\ude00', '\u4e2d', 'e\u0301']
        .map((k, i) => [k, i]))), ['type', '\u0000', '\b', '\u001f', '"', '\\', '/', '\u007f', '\u00ff', '\u2028', '\ud800', '\udc00', '\ud83d\ude00', '\u4e2d', 'e\u0301'])]
  ]
  for (const [d, content] of cases) post(cat, d, nextFeed(), content)
  for (let i = 0; i < 12; i++) post(cat, 'random hostile string #' + i, nextFeed(), { type: 'strings', text: hostileString(rng.range(50, 600)) })
}

function numberCases () {
  const cat = 'numbers'
  for (const n of NUMS) {
    post(cat, `value ${Object.is(n, -0) ? '-0' : String(n)}`, nextFeed(), { type: 'number', value: n, neg: -n, arr: [n, -n, [n]], obj: { n } })
  }
  post(cat, 'all listed numbers in one array', nextFeed(), { type: 'numbers', values: NUMS.slice() })
  for (let i = 0; i < 10; i++) {
    const vals = []
    for (let j = 0; j < 20; j++) vals.push(randomDouble())
    post(cat, 'random doubles #' + i, nextFeed(), { type: 'numbers', values: vals })
  }
}

function keyOrderCases () {
  const cat = 'keys'
  const mk = (order, nestOrder) => {
    const c = {}
    for (const k of order) def(c, k, k === 'type' ? 'keys' : k + '!')
    if (nestOrder) {
      const n = {}
      for (const k of nestOrder) def(n, k, k.length)
      def(c, 'nested', n)
    }
    return c
  }
  const orders = [
    ['type', 'b', '1', '0', 'a', '10', '4294967294', '4294967295', '01', '-1'],
    ['b', '1', 'type', '0', 'a'],
    ['z', 'y', 'x', '2', '1', 'type'],
    ['4294967295', '4294967294', '4294967296', 'type', '00', '0'],
    ['type', '9007199254740993', '1e3', '1.5', '+1', ' 1', '-0', '\u0663', '3'],
    ['type', '__proto__', 'constructor', 'toJSON', 'hasOwnProperty', '']
  ]
  orders.forEach((o, i) => post(cat, `integer-like / odd keys, insertion order ${JSON.stringify(o)}`, nextFeed(), mk(o, orders[(i + 1) % orders.length].filter((k) => k !== 'type'))))
  for (let i = 0; i < 10; i++) {
    const ks = rng.shuffle(INT_KEYS.concat(ODD_KEYS.slice(0, 8), ['type', 'text', 'b', 'a']))
    post(cat, 'shuffled integer-like keys #' + i, nextFeed(), mk(ks, rng.shuffle(INT_KEYS.slice())))
  }
}

function nestedCases () {
  const cat = 'nested'
  let deepA = []
  for (let i = 0; i < 40; i++) deepA = [deepA]
  let deepO = {}
  for (let i = 0; i < 30; i++) deepO = { d: deepO }
  const list = [
    ['empty object and array', { type: 'nested', o: {}, a: [], oa: [{}], ao: { a: [] }, aa: [[], [[]]] }],
    ['booleans and nulls', { type: 'nested', t: true, f: false, n: null, arr: [true, false, null, [null]] }],
    ['41-deep nested arrays', { type: 'nested', deep: deepA }],
    ['31-deep nested objects', { type: 'nested', deep: deepO }],
    ['mixed arrays', { type: 'nested', a: [1, 'two', { three: [3] }, [4, [5, [6]]], null, true, -0, 1e21] }],
    ['content with only type', { type: 'nested' }],
    ['type last after nested objects', { z: { y: { x: [] } }, type: 'nested' }]
  ]
  for (const [d, content] of list) post(cat, d, nextFeed(), content)
  for (let i = 0; i < 10; i++) post(cat, 'random nested structure #' + i, nextFeed(), { type: 'nested', value: randObject(1, 6) })
}

function timestampCases () {
  const cat = 'timestamps'
  const firsts = [1525368113120.005, 1491901740000.001, 1e12 + 0.5, 0, -1, 5e-324, 1.7976931348623157e308, 1e21, 1e20,
    123456789012345680000, 1.5e-7, -0, 2 ** 53, 2 ** 53 + 2, 0.1, -1525368113120.5, 2 ** 32, 1e-7]
  for (const ts of firsts) {
    post(cat, `first message, timestamp ${Object.is(ts, -0) ? '-0' : String(ts)}`, nextFeed(), { type: 'post', text: 'ts' }, { state: null, timestamp: ts })
  }
  const bad = [['string "1525368113120"', '1525368113120'], ['null', null], ['true', true], ['object', { t: 1 }], ['array', [1]], ['empty string', '']]
  for (const [d, ts] of bad) {
    post(cat, `first message, timestamp ${d}`, nextFeed(), { type: 'post', text: 'ts' }, { state: null, timestamp: ts, expect: false, noAdvance: true })
  }
  for (const [d, ts] of bad) {
    const feed = nextFeed()
    if (!feed.last) post('feed-chain', 'first message (setup)', feed, { type: 'post', text: words(4) }, { state: null })
    post(cat, `non-first message, timestamp ${d} (not checked by ssb-validate)`, feed, { type: 'post', text: 'ts' }, { timestamp: ts, noAdvance: true })
  }
  const feed = nextFeed()
  post(cat, 'decreasing timestamp (no monotonicity rule): first', feed, { type: 'post', text: 'a' }, { state: null, timestamp: 1600000000000 })
  post(cat, 'decreasing timestamp (no monotonicity rule): second is earlier', feed, { type: 'post', text: 'b' }, { timestamp: 1500000000000.25 })
  post(cat, 'decreasing timestamp (no monotonicity rule): third is negative', feed, { type: 'post', text: 'c' }, { timestamp: -5 })
}

function privateCases () {
  const cat = 'private'
  const list = [
    ['realistic box (random bytes) + .box', boxString('.box'), true],
    ['box + .box2', boxString('.box2'), true],
    ['box + .box.box', boxString('.box.box'), true],
    ['box + .boxanything (regex is .box.*)', boxString('.boxanything'), true],
    ['empty base64 then .box', '.box', true],
    ['"AAAA.box"', 'AAAA.box', true],
    ['"AA==.box"', 'AA==.box', true],
    ['"AB==.box" non-canonical base64', 'AB==.box', false],
    ['"AAB=.box" non-canonical base64', 'AAB=.box', false],
    ['"AAA.box" missing padding', 'AAA.box', false],
    ['"AAAA.BOX" upper case', 'AAAA.BOX', false],
    ['" AAAA.box" leading space', ' AAAA.box', false],
    ['url-safe base64 "-_-_.box"', '-_-_.box', false],
    ['"AAAA.bo"', 'AAAA.bo', false],
    ['"AAAA" (no suffix)', 'AAAA', false],
    ['empty string', '', false],
    ['"AAAA.box\\n" (. does not match newline)', 'AAAA.box\n', false],
    ['"AAAA.box\\u2028"', 'AAAA.box\u2028', false],
    ['"AAAA.box\\r"', 'AAAA.box\r', false],
    ['"AAAA.box\\u00e9" (non-ASCII tail ok)', 'AAAA.box\u00e9', true],
    ['"AAAA.box\\ud800" (lone surrogate tail)', 'AAAA.box\ud800', true],
    ['"AAAA.box\\u0000"', 'AAAA.box\u0000', true],
    ['box with newline inside base64', 'AAAA\nAAAA.box', false],
    ['plain text ending in .box', 'hello world.box', false]
  ]
  for (const [d, content, expect] of list) post(cat, 'content ' + d, nextFeed(), content, { expect })
  const feed = nextFeed()
  for (let i = 0; i < 4; i++) post(cat, 'private message in a chain #' + i, feed, boxString(rng.chance(0.8) ? '.box' : '.box2'))
  post(cat, 'private message with HMAC key', feeds[1], boxString('.box'))
}

function hmacCases () {
  const cat = 'hmac'
  for (let f = 0; f < 3; f++) {
    for (let i = 0; i < 3; i++) post(cat, `valid, signed with 32-byte HMAC key (feed ${f}, #${i})`, feeds[f], realisticPost(feeds))
  }
  const zeroKey = Buffer.alloc(32).toString('base64')
  post(cat, 'valid, all-zero HMAC key', nextFeed(), { type: 'post', text: 'zero key' }, { hmacKey: zeroKey })
  const ffKey = Buffer.alloc(32, 0xff).toString('base64')
  post(cat, 'valid, 0xff HMAC key', nextFeed(), { type: 'post', text: 'ff key' }, { hmacKey: ffKey })
  const feed = feeds[2]
  const k = feed.hmacKey
  const kb = Buffer.from(k, 'base64')
  const last = k[42]
  const nonCanon = k.slice(0, 42) + B64[B64.indexOf(last) + 1] + '='
  const invalidKeys = [
    ['signed with key, validated without key', null, k],
    ['signed without key, validated with key', k, null],
    ['signed with key, validated with another valid key', b64key(32), k],
    ['key of 31 bytes', kb.subarray(0, 31).toString('base64'), k],
    ['key of 33 bytes', Buffer.concat([kb, Buffer.from([1])]).toString('base64'), k],
    ['key of 64 bytes', Buffer.concat([kb, kb]).toString('base64'), k],
    ['non-canonical base64 key (same bytes)', nonCanon, k],
    ['key without padding', k.slice(0, 43), k],
    ['key with trailing newline', k + '\n', k],
    ['key with leading space', ' ' + k, k],
    ['url-safe base64 key', k.replace(/\+/g, '-').replace(/\//g, '_') === k ? k.slice(0, 10) + '-' + k.slice(11) : k.replace(/\+/g, '-').replace(/\//g, '_'), k],
    ['key with .hmac suffix', k + '.hmac', k],
    ['empty string key', '', null],
    ['hex-encoded key', kb.toString('hex'), k],
    ['key is boolean true (as in the dataset)', true, k]
  ]
  for (const [d, validateKey, signKey] of invalidKeys) {
    post(cat, 'invalid: ' + d, feed, realisticPost(feeds), { hmacKey: validateKey, signHmac: signKey, expect: false, noAdvance: true })
  }
}

function legacyOrderCases () {
  const cat = 'key-order'
  const f1 = nextFeed()
  post(cat, 'author-before-sequence, first message', f1, { type: 'post', text: 'canonical' }, { state: null, legacy: false })
  post(cat, 'sequence-before-author (ssb-validate.create order), second message', f1, { type: 'post', text: 'legacy' }, { legacy: true })
  post(cat, 'author-before-sequence again, third message', f1, { type: 'post', text: 'canonical' }, { legacy: false })
  const f2 = nextFeed()
  post(cat, 'sequence-before-author, first message', f2, { type: 'post', text: 'legacy' }, { state: null, legacy: true })
  post(cat, 'sequence-before-author with HMAC', feeds[0], { type: 'post', text: 'legacy' }, { legacy: true })
  post(cat, 'message produced by ssb-validate.create itself', f2, { type: 'post', text: 'via create' }, { legacy: true })
  // order violations
  const base = post(cat, 'base for order mutations', nextFeed(), { type: 'post', text: 'order' }, { legacy: false }).msg
  const st = bases[bases.length - 1].state
  const keys = bases[bases.length - 1].keys
  const perms = [
    ['author/sequence swapped after signing', ['previous', 'sequence', 'author', 'timestamp', 'hash', 'content', 'signature'], true],
    ['timestamp before author', ['previous', 'timestamp', 'author', 'sequence', 'hash', 'content', 'signature'], false],
    ['hash and content swapped', ['previous', 'author', 'sequence', 'timestamp', 'content', 'hash', 'signature'], false],
    ['signature first', ['signature', 'previous', 'author', 'sequence', 'timestamp', 'hash', 'content'], false],
    ['previous last before signature', ['author', 'sequence', 'timestamp', 'hash', 'content', 'previous', 'signature'], false],
    ['alphabetical', ['author', 'content', 'hash', 'previous', 'sequence', 'signature', 'timestamp'], false]
  ]
  for (const [d, order, validIfResigned] of perms) {
    const m = reorder(base, order)
    emit(cat, d + ' (signature kept)', { state: st, message: m, keys, expect: false })
    if (order[order.length - 1] === 'signature') {
      emit(cat, d + ' (re-signed in that order)', { state: st, message: sign(keys, null, reorder(base, order.slice(0, -1))), keys, expect: validIfResigned })
    }
  }
}

function nonObjectCases () {
  const cat = 'non-object'
  const list = [['null', null], ['empty array', []], ['array of message', [bases[0].msg]], ['string', 'message'],
    ['number', 42], ['boolean', true], ['empty object', {}], ['only a signature', { signature: bases[0].msg.signature }]]
  for (const [d, m] of list) emit(cat, 'message is ' + d, { message: m, expect: false })
}

function artificialStateCases () {
  const cat = 'artificial-state'
  const run = (d, state, seq, extra) => {
    const feed = nextFeed()
    const o = Object.assign({ state, sequence: seq, noAdvance: true, previous: state ? state.id : null }, extra)
    post(cat, d, feed, { type: 'post', text: d }, o)
  }
  const id = randomMsgId()
  run('state seq 2^31-2 -> message seq 2^31-1', { id, sequence: 2 ** 31 - 2, timestamp: 1 }, 2 ** 31 - 1, { expect: true })
  run('state seq 2^31-1 -> message seq 2^31 (fails ~~n === n)', { id, sequence: 2 ** 31 - 1, timestamp: 1 }, 2 ** 31, { expect: false })
  run('state seq 2^32-1 -> message seq 2^32', { id, sequence: 2 ** 32 - 1, timestamp: 1 }, 2 ** 32, { expect: false })
  run('state seq 2^53-2 -> message seq 2^53-1', { id, sequence: 2 ** 53 - 2, timestamp: 1 }, 2 ** 53 - 1, { expect: false })
  run('state seq 0.5 -> message seq 1.5', { id, sequence: 0.5, timestamp: 1 }, 1.5, { expect: false })
  run('state seq 1 -> message seq "2" (string; loose != passes)', { id, sequence: 1, timestamp: 1 }, '2', { expect: false })
  run('state seq 1 -> message seq 2.0000000000000004', { id, sequence: 1, timestamp: 1 }, 2.0000000000000004, { expect: false })
  run('state id is not a message id, previous equals it', { id: 'not-a-message-id', sequence: 7, timestamp: 1 }, 8, { expect: true })
  run('state seq 0 with id null -> message seq 1, previous null', { id: null, sequence: 0, timestamp: 0 }, 1, { expect: true })
  run('state seq 0 with id null -> seq 1 with string timestamp (only first-message rule checks type)', { id: null, sequence: 0, timestamp: 0 }, 1, { timestamp: 'yesterday', expect: true })
  run('state seq -1 -> message seq 0', { id, sequence: -1, timestamp: 1 }, 0, { expect: true })
  run('state without timestamp', { id, sequence: 3 }, 4, { expect: true })
}

function chainCases () {
  for (let f = 0; f < 6; f++) {
    const feed = nextFeed()
    const n = rng.range(4, 9)
    for (let i = 0; i < n; i++) {
      const content = i === 0 ? { type: 'about', about: feed.keys.id, name: words(1) } : (rng.chance(0.5) ? realisticPost(feeds) : randomContent())
      const r = post('feed-chain', `feed ${f} message ${i + 1} of ${n}${i === 0 ? ' (state null)' : ''}`, feed, content, i === 0 ? { state: null } : {})
      if (!r.r || !r.r.valid) break
    }
  }
}

// ================================================================ mutations
function flipSigByte (sig) {
  const b = Buffer.from(sig.slice(0, 88), 'base64')
  b[rng.int(64)] ^= 1 << rng.int(8)
  return b.toString('base64') + sig.slice(88)
}
const MUTATIONS = {
  'sig-flip' (b) {
    return { d: 'one bit of the signature flipped', message: replaceKey(b.msg, 'signature', flipSigByte(b.msg.signature)) }
  },
  'sequence' (b) {
    const cur = b.msg.sequence
    const opts = [['sequence + 1 (gap)', cur + 1], ['sequence - 1', cur - 1], ['sequence 0', 0], ['sequence -1', -1],
      ['sequence 1.5', 1.5], ['sequence 2^32', 2 ** 32], ['sequence 2^31', 2 ** 31], ['sequence as string', String(cur)],
      ['sequence null', null], ['sequence 1e21', 1e21], ['sequence + 0.5', cur + 0.5]]
    const [d, s] = rng.pick(opts)
    return { d: d + ' (re-signed)', message: sign(b.keys, b.hmacKey, replaceKey(unsign(b.msg), 'sequence', s)) }
  },
  'replay' (b) {
    return { d: 'same message appended again (state = the message itself)', state: stateOf(b.msg) }
  },
  'fork' (b) {
    const opts = b.state
      ? [['previous = unrelated id (fork)', randomMsgId()], ['previous = null on non-first message', null],
          ['previous = id with different case', b.state.id && b.state.id.toLowerCase() !== b.state.id ? b.state.id.toLowerCase() : randomMsgId()]]
      : [['first message with previous = some id', randomMsgId()], ['first message with previous = ""', '']]
    const [d, p] = rng.pick(opts)
    return { d: d + ' (re-signed)', message: sign(b.keys, b.hmacKey, replaceKey(unsign(b.msg), 'previous', p)) }
  },
  'key-order' (b) {
    const ks = Object.keys(b.msg)
    const i = rng.int(6)
    let j = rng.int(6)
    if (j === i) j = (i + 1) % 6
    const order = ks.slice()
    const t = order[i]; order[i] = order[j]; order[j] = t
    const resigned = rng.chance(0.5)
    const m = resigned ? sign(b.keys, b.hmacKey, reorder(b.msg, order.slice(0, 6))) : reorder(b.msg, order)
    return { d: `keys ${ks[i]} and ${ks[j]} swapped${resigned ? ' (re-signed)' : ' (signature kept)'}`, message: m }
  },
  'extra-key' (b) {
    const name = rng.pick(['extra', 'key', 'value', 'timestamp2', 'Signature', '0'])
    const m = unsign(b.msg)
    def(m, name, rng.pick([1, 'x', null, {}]))
    const where = rng.chance(0.5)
    if (where) return { d: `extra key "${name}" before signature (re-signed)`, message: sign(b.keys, b.hmacKey, m) }
    const m2 = Object.assign({}, b.msg)
    def(m2, name, 1)
    return { d: `extra key "${name}" after signature`, message: m2 }
  },
  'missing-key' (b) {
    const k = rng.pick(['previous', 'author', 'sequence', 'timestamp', 'hash', 'content', 'signature'])
    const m = k === 'signature' ? unsign(b.msg) : sign(b.keys, b.hmacKey, without(unsign(b.msg), k))
    return { d: `key "${k}" missing${k === 'signature' ? '' : ' (re-signed)'}`, message: m }
  },
  'hash' (b) {
    const h = rng.pick(['sha512', 'SHA256', 'sha-256', 'sha256 ', '', null, 'blake2b', 'ed25519'])
    return { d: `hash = ${JSON.stringify(h)} (re-signed)`, message: sign(b.keys, b.hmacKey, replaceKey(unsign(b.msg), 'hash', h)) }
  },
  'content' (b) {
    const [d, c] = rng.pick([['null', null], ['empty array', []], ['array of object', [{ type: 'post' }]], ['number 0', 0],
      ['number 42', 42], ['float', 1.5], ['true', true], ['false', false], ['empty string', ''], ['plain string', 'hello'],
      ['string with .box not at base64 boundary', 'hello.box']])
    return { d: `content = ${d} (re-signed)`, message: sign(b.keys, b.hmacKey, replaceKey(unsign(b.msg), 'content', c)) }
  },
  'type' (b) {
    const [d, t] = rng.pick([['number', 123], ['null', null], ['true', true], ['object', {}], ['array', ['post']], ['""', ''], ['"ab"', 'ab'],
      ['53 chars', 'x'.repeat(53)], ['missing', undefined]])
    const content = isObj(b.msg.content) ? Object.assign({}, b.msg.content) : { text: 'was private' }
    if (t === undefined) delete content.type
    else def(content, 'type', t)
    return { d: `content.type ${d} (re-signed)`, message: sign(b.keys, b.hmacKey, replaceKey(unsign(b.msg), 'content', content)) }
  },
  'sig-encoding' (b) {
    const sig = b.msg.signature
    const b64 = sig.slice(0, 88)
    const variants = [
      ['non-canonical base64 (unused bits set, decodes to same bytes)', b64.slice(0, 85) + B64[B64.indexOf(b64[85]) + 1] + '==' + SIG_SUFFIX],
      ['base64 padding removed', b64.slice(0, 86) + SIG_SUFFIX],
      ['extra padding', b64 + '=' + SIG_SUFFIX],
      ['url-safe alphabet', /[+/]/.test(b64) ? b64.replace(/\+/g, '-').replace(/\//g, '_') + SIG_SUFFIX : '-' + b64.slice(1) + SIG_SUFFIX],
      ['newline inside base64', b64.slice(0, 40) + '\n' + b64.slice(40) + SIG_SUFFIX],
      ['hex instead of base64', Buffer.from(b64, 'base64').toString('hex') + SIG_SUFFIX]
    ]
    const [d, s] = rng.pick(variants)
    return { d: 'signature ' + d, message: replaceKey(b.msg, 'signature', s) }
  },
  'sig-suffix' (b) {
    const b64 = b.msg.signature.slice(0, 88)
    const [d, suf] = rng.pick([['.sig.ed25518', '.sig.ed25518'], ['.sig.Ed25519', '.sig.Ed25519'], ['.sig.sha256', '.sig.sha256'],
      ['.ed25519 (no .sig)', '.ed25519'], ['no suffix', ''], ['.sig.ed25519 twice', SIG_SUFFIX + SIG_SUFFIX],
      ['trailing space', SIG_SUFFIX + ' '], ['.sig-ed25519', '.sig-ed25519'], ['.sig.ed25519x', '.sig.ed25519x']])
    return { d: 'signature suffix ' + d, message: replaceKey(b.msg, 'signature', b64 + suf) }
  },
  'sig-length' (b) {
    const raw = Buffer.from(b.msg.signature.slice(0, 88), 'base64')
    const [d, buf] = rng.pick([['63 bytes', raw.subarray(0, 63)], ['65 bytes (88 chars, one "=")', Buffer.concat([raw, rng.bytes(1)])],
      ['66 bytes (88 chars, no padding)', Buffer.concat([raw, rng.bytes(2)])], ['32 bytes', raw.subarray(0, 32)], ['0 bytes', Buffer.alloc(0)]])
    const note = buf.length > 64 ? ' (sodium-native verifies only the first 64 bytes -> accepted; chloride JS fallback rejects "bad signature size")' : ''
    return { d: 'signature of ' + d + note, message: replaceKey(b.msg, 'signature', buf.toString('base64') + SIG_SUFFIX) }
  },
  'author' (b) {
    const pub = Buffer.from(b.keys.public.slice(0, 44), 'base64')
    const b64 = b.keys.public.slice(0, 44)
    const other = rng.pick(feeds.filter((f) => f.keys !== b.keys)).keys
    const variants = [
      ['31-byte key', '@' + pub.subarray(0, 31).toString('base64') + '.ed25519'],
      ['33-byte key', '@' + Buffer.concat([pub, Buffer.from([7])]).toString('base64') + '.ed25519'],
      ['missing @', b64 + '.ed25519'],
      ['.Ed25519 suffix', '@' + b64 + '.Ed25519'],
      ['.sha256 suffix (ssb-ref accepts it as a feed id)', '@' + b64 + '.sha256'],
      ['"!ed25519" suffix (ssb-ref regex has an unescaped dot)', '@' + b64 + '!ed25519'],
      ['non-canonical base64 (same bytes)', '@' + b64.slice(0, 42) + B64[B64.indexOf(b64[42]) + 1] + '=.ed25519'],
      ['another valid author', other.id],
      ['trailing space', b.keys.id + ' '],
      ['% sigil', '%' + b64 + '.ed25519']
    ]
    const [d, a] = rng.pick(variants)
    const m = sign(b.keys, b.hmacKey, replaceKey(unsign(b.msg), 'author', a))
    if (a.endsWith('.sha256') && rng.chance(0.5)) {
      return { d: 'author with ' + d + ' and signature suffix .sig.sha256', message: replaceKey(m, 'signature', m.signature.slice(0, 88) + '.sig.sha256') }
    }
    return { d: 'author with ' + d + ' (re-signed by real key)', message: m }
  },
  'timestamp' (b) {
    const [d, t] = rng.pick([['string', String(b.msg.timestamp)], ['null', null], ['true', true], ['object', { ms: 1 }], ['array', [1]], ['empty string', '']])
    return {
      d: `timestamp ${d} on ${b.state ? 'non-first' : 'first'} message (re-signed)`,
      message: sign(b.keys, b.hmacKey, replaceKey(unsign(b.msg), 'timestamp', t))
    }
  },
  'tampered-content' (b) {
    const m = unsign(b.msg)
    const variants = []
    variants.push(['content replaced by another post', { type: 'post', text: 'tampered ' + words(3) }])
    if (isObj(b.msg.content)) {
      const ks = Object.keys(b.msg.content)
      const nonIndex = ks.filter((k) => !/^(0|[1-9]\d*)$/.test(k) || Number(k) >= 4294967295)
      if (nonIndex.length >= 2) variants.push(['content keys reordered (same data)', reorder(b.msg.content, nonIndex.slice().reverse().concat(ks.filter((k) => !nonIndex.includes(k))))])
      variants.push(['extra content field', Object.assign({}, b.msg.content, { tampered: true })])
    } else {
      variants.push(['box string with one char changed', b.msg.content.replace(/^./, (c) => c === 'A' ? 'B' : 'A')])
    }
    const [d, c] = rng.pick(variants)
    const mm = replaceKey(m, 'content', c)
    def(mm, 'signature', b.msg.signature)
    return { d: d + ' (signature over different content kept)', message: mm }
  },
  'wrong-signer' (b) {
    const other = rng.pick(feeds.filter((f) => f.keys !== b.keys)).keys
    return { d: 'signed by a different key than author', message: sign(other, b.hmacKey, unsign(b.msg)) }
  },
  'hmac' (b) {
    if (!b.hmacKey) {
      return { d: 'no-HMAC message validated with a random 32-byte HMAC key', hmacKey: b64key(32) }
    }
    const k = b.hmacKey
    const [d, key] = rng.pick([['validated without HMAC key', null], ['validated with a different key', b64key(32)],
      ['key truncated to 31 bytes', Buffer.from(k, 'base64').subarray(0, 31).toString('base64')],
      ['key without padding', k.slice(0, 43)], ['key + newline', k + '\n']])
    return { d: 'HMAC-signed message ' + d, hmacKey: key }
  },
  'state-mismatch' (b) {
    if (b.state) return { d: 'non-first message validated with state null', state: null }
    const other = rng.pick(bases).msg
    return { d: 'first message validated with the state of another message', state: stateOf(other) }
  },
  'legacy-swap' (b) {
    const ks = Object.keys(b.msg)
    const order = ks.slice()
    order[1] = ks[2]; order[2] = ks[1]
    return { d: `author/sequence order flipped after signing (${ks[1]} first when signed)`, message: reorder(b.msg, order) }
  }
}
const MUTATION_NAMES = Object.keys(MUTATIONS)

function mutate (name, b) {
  const r = MUTATIONS[name](b)
  return emit('mutation/' + name, r.d, {
    hmacKey: 'hmacKey' in r ? r.hmacKey : b.hmacKey,
    state: 'state' in r ? r.state : b.state,
    message: 'message' in r ? r.message : b.msg,
    keys: b.keys
  })
}

// ================================================================ random fill
function randomValid () {
  const feed = rng.chance(0.12) ? feeds[rng.int(3)] : rng.pick(feeds)
  const st = feed.last && rng.chance(0.06) ? null : feed.last
  const legacy = rng.chance(0.1) ? !feed.legacy : feed.legacy
  const r = rng.int(100)
  for (let attempt = 0; attempt < 20; attempt++) {
    const content = r < 10 ? boxString(rng.chance(0.85) ? '.box' : '.box2') : r < 35 ? realisticPost(feeds) : randomContent()
    const msg = sign(feed.keys, feed.hmacKey, unsigned(feed, content, { state: st, legacy }))
    if (enc(msg).length > 8192) continue
    const kind = r < 10 ? 'private' : r < 35 ? 'post' : 'hostile content'
    return post('random-valid', `${kind}, seq ${msg.sequence}${legacy ? ', sequence-before-author' : ''}${feed.hmacKey ? ', HMAC' : ''}`,
      feed, content, { state: st, legacy, timestamp: msg.timestamp })
  }
}

// ================================================================ main
sizeBoundaryCases()
typeLengthCases()
stringCases()
numberCases()
keyOrderCases()
nestedCases()
timestampCases()
privateCases()
hmacCases()
legacyOrderCases()
nonObjectCases()
artificialStateCases()
chainCases()
// every mutation family at least twice, on different bases
for (const name of MUTATION_NAMES) {
  for (let i = 0; i < 2; i++) mutate(name, bases[rng.int(bases.length)])
}
const nSpecial = out.length
if (nSpecial >= COUNT) process.stderr.write(`note: --count ${COUNT} truncates the ${nSpecial}+ fixed special cases\n`)

while (out.length < COUNT) {
  if (nIntendedValid < 0.58 * (out.length + 1)) randomValid()
  else mutate(rng.pick(MUTATION_NAMES), bases[bases.length - 1 - rng.int(Math.min(bases.length, 400))])
}

process.stdout.write(out.join('\n') + '\n')

const ms = Number(process.hrtime.bigint() - t0) / 1e6
const rows = [...stats.entries()].sort((a, b) => a[0] < b[0] ? -1 : 1)
process.stderr.write(`gen-classic-corpus: ${out.length} cases (${nValid} valid, ${out.length - nValid} invalid), ` +
  `${nSpecial} fixed + ${out.length - nSpecial} random, seed ${OPTS.seed}, ${SODIUM}, ${ms.toFixed(0)} ms\n`)
for (const [k, s] of rows) process.stderr.write(`  ${k.padEnd(28)} valid ${String(s.valid).padStart(5)}  invalid ${String(s.invalid).padStart(5)}\n`)
if (unexpected) process.stderr.write(`warning: ${unexpected} verdicts differed from the generator's expectation (see above)\n`)
