#!/usr/bin/env node
'use strict'
// Writes N valid signed classic messages (one compact JSON message value per line) to stdout,
// interleaving F feeds, each feed in sequence order. Deterministic for a seed (independent of --jobs).
//
//   node gen-bench-feed.js --messages N --feeds F [--size 700] [--seed S] [--jobs J] > feed.jsonl
//
// --size: target length of JSON.stringify(msg, null, 2) (signed form incl. signature); hit exactly
//         unless the message's links alone are longer.
// --jobs: worker threads used for signing (default: available CPUs, max 16). Feeds are sharded over
//         workers; every feed has its own PRNG stream, and the interleaving order comes from the
//         master PRNG, so the output does not depend on J.
// Progress goes to stderr every 50,000 messages.

const os = require('os')
const crypto = require('crypto')
const { Worker, isMainThread, parentPort, workerData } = require('worker_threads')
const ssbKeys = require('ssb-keys')
const { makeRng } = require('./prng')

const BLOCK = 5000 // messages per scheduling block (divides 50,000 for progress reports)

// ------------------------------------------------------------------ per-feed message factory
const ASCII_WORDS = ('the a of to and in is it you that he was for on are with as I his they be at one have this ' +
  'from or had by hot word but what some we can out other were all there when up use your how said an each she ' +
  'pub feed gossip replicate sailing offline island kelp harbor boat conch shell tide scuttlebutt peer').split(' ')
const INTL_WORDS = ['caf\u00e9', 'na\u00efve', 'Gr\u00fc\u00dfe', 'se\u00f1or', '\u00e7a', 'm\u00f8de', '\u65e5\u672c\u8a9e',
  '\u6d77', '\ud55c\uad6d', '\u043f\u0440\u0438\u0432\u0435\u0442', '\u03b1\u03b2\u03b3', '\u0627\u0644\u0628\u062d\u0631',
  '\ud83c\udf0a', '\ud83d\udc1a', '\ud83d\ude00', '\u2764\ufe0f', '\u2014', '\u201cquoted\u201d']
const PUNCT = ['. ', ', ', '! ', '? ', ': ']
const FILL = ['e', 't', 'a', 'o', 'n', ' ']
const CHANNELS = ['scuttlebutt', 'solarpunk', 'ssb-help', 'new-people', 'boats', 'gardening', 'music']
const widthOf = (s) => JSON.stringify(s).length - 2
const ASCII_W = ASCII_WORDS.map((w) => w + ' ')
const INTL_W = INTL_WORDS.map((w) => w + ' ')
const INTL_WIDTH = INTL_W.map(widthOf)
// signature entry appended by signObj: ',\n  "signature": "<88 b64>.sig.ed25519"'
const SIG_OVERHEAD = ',\n  "signature": ""'.length + 88 + '.sig.ed25519'.length

function feedRng (seed, i) { return makeRng(`${seed}/feed/${i}`) }

function feedKeys (seed, i) {
  return ssbKeys.generate('ed25519', feedRng(seed, i).bytes(32))
}

class FeedGen {
  constructor (seed, index, allIds, size) {
    this.rng = feedRng(seed, index)
    const keys = ssbKeys.generate('ed25519', this.rng.bytes(32)) // same first draw as feedKeys()
    this.keys = keys
    this.signKeys = { curve: 'ed25519', private: Buffer.from(keys.private.slice(0, keys.private.indexOf('.')), 'base64') }
    this.allIds = allIds
    this.size = size
    this.seq = 0
    this.prev = null
    this.ts = 1500000000000 + this.rng.int(1e11)
    this.legacy = this.rng.chance(0.7) // "previous, sequence, author" order as produced by ssb-validate.create / ssb-db
    this.ownIds = []
  }

  text (units, intl) {
    const rng = this.rng
    let s = ''
    let w = 0
    while (units - w > 16) {
      const r = rng.int(100)
      if (r < 3) { s += '\n\n'; w += 4 } else if (intl && r < 18) {
        const k = rng.int(INTL_W.length)
        s += INTL_W[k]; w += INTL_WIDTH[k]
      } else if (r < 21) { s += rng.pick(PUNCT); w += 2 } else {
        const word = rng.pick(ASCII_W)
        s += word; w += word.length
      }
    }
    while (w < units) { s += rng.pick(FILL); w++ }
    return s
  }

  randomId () { return '%' + this.rng.bytes(32).toString('base64') + '.sha256' }

  next () {
    const rng = this.rng
    this.seq++
    this.ts += rng.range(1000, 2e7)
    const content = { type: 'post', text: '' }
    if (rng.chance(0.3)) {
      // thread roots are mostly other people's messages (unknown here), sometimes our own
      content.root = this.ownIds.length && rng.chance(0.3) ? rng.pick(this.ownIds) : this.randomId()
      content.branch = rng.chance(0.8) ? this.randomId() : [this.randomId(), this.randomId()]
    }
    if (rng.chance(0.2)) content.channel = rng.pick(CHANNELS)
    if (rng.chance(0.3)) {
      const n = rng.range(1, 2)
      content.mentions = []
      for (let i = 0; i < n; i++) content.mentions.push({ link: rng.pick(this.allIds), name: rng.pick(ASCII_WORDS) })
    } else if (rng.chance(0.15)) content.mentions = []
    const msg = {}
    msg.previous = this.prev
    if (this.legacy) { msg.sequence = this.seq; msg.author = this.keys.id } else { msg.author = this.keys.id; msg.sequence = this.seq }
    msg.timestamp = rng.chance(0.05) ? this.ts + rng.range(1, 999) / 1000 : this.ts
    msg.hash = 'sha256'
    msg.content = content
    const baseLen = JSON.stringify(msg, null, 2).length + SIG_OVERHEAD
    content.text = this.text(Math.max(8, this.size - baseLen), rng.chance(0.3))
    const unsignedJson = JSON.stringify(msg, null, 2)
    const sig = ssbKeys.sign(this.signKeys, Buffer.from(unsignedJson, 'utf8'))
    msg.signature = sig
    // identical to JSON.stringify(msg, null, 2): signature is the last key and needs no escaping
    const signedJson = unsignedJson.slice(0, -2) + ',\n  "signature": "' + sig + '"\n}'
    const id = '%' + crypto.createHash('sha256').update(Buffer.from(signedJson, 'latin1')).digest('base64') + '.sha256'
    this.prev = id
    if (this.ownIds.length < 16) this.ownIds.push(id)
    else this.ownIds[rng.int(16)] = id
    return { line: JSON.stringify(msg) + '\n', len: signedJson.length }
  }
}

// a shard of feeds (all feeds with index % jobs === shard)
class Shard {
  constructor ({ seed, feeds, size, jobs, shard }) {
    const allIds = []
    for (let i = 0; i < feeds; i++) allIds.push(feedKeys(seed, i).id)
    this.gens = new Map()
    for (let i = shard; i < feeds; i += jobs) this.gens.set(i, new FeedGen(seed, i, allIds, size))
  }

  // schedule: Int32Array of feed indices; returns lines (in order) for this shard's feeds
  block (schedule) {
    const lines = []
    const lens = []
    for (let k = 0; k < schedule.length; k++) {
      const g = this.gens.get(schedule[k])
      if (g) {
        const r = g.next()
        lines.push(r.line)
        lens.push(r.len)
      }
    }
    return { lines, lens }
  }
}

if (!isMainThread) {
  const shard = new Shard(workerData)
  parentPort.on('message', ({ id, schedule }) => {
    const r = shard.block(schedule)
    parentPort.postMessage({ id, lines: r.lines, lens: r.lens })
  })
  return // eslint-disable-line no-useless-return
}

// ------------------------------------------------------------------ main thread
function parseArgs (argv) {
  const o = { messages: null, feeds: null, size: 700, seed: '1', jobs: Math.min(16, os.availableParallelism ? os.availableParallelism() : os.cpus().length) }
  for (let i = 0; i < argv.length; i++) {
    let a = argv[i]
    let val
    const eq = a.indexOf('=')
    if (a.startsWith('--') && eq > 0) { val = a.slice(eq + 1); a = a.slice(0, eq) }
    const next = () => {
      if (val !== undefined) return val
      if (i + 1 >= argv.length) usage('missing value for ' + a)
      return argv[++i]
    }
    if (a === '--messages' || a === '-n') o.messages = Number(next())
    else if (a === '--feeds' || a === '-f') o.feeds = Number(next())
    else if (a === '--size') o.size = Number(next())
    else if (a === '--seed' || a === '-s') o.seed = next()
    else if (a === '--jobs' || a === '-j') o.jobs = Number(next())
    else if (a === '--help' || a === '-h') usage()
    else usage('unknown argument ' + a)
  }
  if (!Number.isInteger(o.messages) || o.messages < 1) usage('--messages N is required (positive integer)')
  if (!Number.isInteger(o.feeds) || o.feeds < 1) usage('--feeds F is required (positive integer)')
  if (!Number.isInteger(o.size) || o.size < 1) usage('--size must be a positive integer')
  if (!Number.isInteger(o.jobs) || o.jobs < 1) usage('--jobs must be a positive integer')
  o.jobs = Math.min(o.jobs, o.feeds)
  return o
}
function usage (msg) {
  if (msg) process.stderr.write('error: ' + msg + '\n')
  process.stderr.write('usage: node gen-bench-feed.js --messages N --feeds F [--size 700] [--seed S] [--jobs J]\n')
  process.exit(msg ? 2 : 0)
}

const O = parseArgs(process.argv.slice(2))
const t0 = process.hrtime.bigint()
const master = makeRng(`${O.seed}/schedule`)

function write (chunk) {
  return new Promise((resolve) => {
    if (process.stdout.write(chunk)) resolve()
    else process.stdout.once('drain', resolve)
  })
}

// one executor per shard: a worker thread, or in-process when --jobs 1
function makeExecutors () {
  if (O.jobs === 1) {
    const shard = new Shard({ seed: O.seed, feeds: O.feeds, size: O.size, jobs: 1, shard: 0 })
    return [{ run: (id, schedule) => Promise.resolve(shard.block(schedule)), close () {} }]
  }
  const execs = []
  for (let s = 0; s < O.jobs; s++) {
    const w = new Worker(__filename, { workerData: { seed: O.seed, feeds: O.feeds, size: O.size, jobs: O.jobs, shard: s } })
    const waiting = new Map()
    w.on('message', (m) => { waiting.get(m.id)(m); waiting.delete(m.id) })
    w.on('error', (err) => { process.stderr.write(String(err && err.stack) + '\n'); process.exit(1) })
    execs.push({
      run: (id, schedule) => new Promise((resolve) => { waiting.set(id, resolve); w.postMessage({ id, schedule }) }),
      close: () => w.terminate()
    })
  }
  return execs
}

async function main () {
  const execs = makeExecutors()
  const nBlocks = Math.ceil(O.messages / BLOCK)
  const schedules = []
  const inflight = []
  const dispatch = (b) => {
    const n = Math.min(BLOCK, O.messages - b * BLOCK)
    const schedule = new Int32Array(n)
    for (let k = 0; k < n; k++) schedule[k] = master.int(O.feeds)
    schedules[b] = schedule
    inflight[b] = Promise.all(execs.map((e) => e.run(b, schedule)))
  }
  const AHEAD = Math.max(2, O.jobs * 2)
  for (let b = 0; b < Math.min(nBlocks, AHEAD); b++) dispatch(b)
  let done = 0
  let sizeMin = Infinity
  let sizeMax = 0
  let sizeSum = 0
  for (let b = 0; b < nBlocks; b++) {
    const results = await inflight[b]
    if (b + AHEAD < nBlocks) dispatch(b + AHEAD)
    const schedule = schedules[b]
    schedules[b] = null
    inflight[b] = null
    const pos = new Array(execs.length).fill(0)
    const out = new Array(schedule.length)
    for (let k = 0; k < schedule.length; k++) {
      const s = schedule[k] % execs.length
      const r = results[s]
      const len = r.lens[pos[s]]
      out[k] = r.lines[pos[s]++]
      if (len < sizeMin) sizeMin = len
      if (len > sizeMax) sizeMax = len
      sizeSum += len
    }
    await write(out.join(''))
    const before = done
    done += schedule.length
    if (Math.floor(done / 50000) > Math.floor(before / 50000)) {
      const s = Number(process.hrtime.bigint() - t0) / 1e9
      process.stderr.write(`gen-bench-feed: ${done}/${O.messages} messages, ${s.toFixed(1)} s\n`)
    }
  }
  for (const e of execs) e.close()
  const s = Number(process.hrtime.bigint() - t0) / 1e9
  process.stderr.write(`gen-bench-feed: done, ${O.messages} messages, ${O.feeds} feeds, ${O.jobs} job(s), signed size ` +
    `min/avg/max ${sizeMin}/${(sizeSum / O.messages).toFixed(1)}/${sizeMax} UTF-16 units, ${s.toFixed(2)} s ` +
    `(${Math.round(O.messages / s)} msg/s)\n`)
}

process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(0)
  throw err
})
main().catch((err) => {
  process.stderr.write(String(err && err.stack) + '\n')
  process.exit(1)
})
