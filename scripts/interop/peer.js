#!/usr/bin/env node
'use strict'
// One real Scuttlebutt peer, driven over a JSON-lines protocol on stdin/stdout.
//
//   node peer.js --stack classic|manyverse --dir DIR --port PORT
//                [--seed HEX32] [--caps-shs BASE64] [--hops N] [--no-ebt true]
//   --room-client true (manyverse only): add ssb-room-client 2, ssb-http-invite-client and tunnel connections, so the peer can
//   attend rooms and reach other attendants through them (`room.connect`, then `connect` to a tunnel address)
//   --no-ebt true (classic only): leave ssb-ebt out, so the peer replicates by history streams only,
//   as ssb-server did before EBT
//
// stdout carries ONLY protocol lines (first line: {"ready":true,...}); every log goes to stderr.
// The process exits when stdin closes, on the `stop` command, and on SIGTERM/SIGINT.
// See README.md for the protocol and the quirks of each stack.

// ---- keep stdout clean: the plugins log with console.log; send everything but our lines to stderr
const protoOut = process.stdout.write.bind(process.stdout)
process.stdout.write = (chunk, enc, cb) => process.stderr.write(chunk, enc, cb)
for (const k of ['log', 'info', 'warn', 'debug', 'trace']) console[k] = console.error.bind(console)

const fs = require('fs')
const path = require('path')
const readline = require('readline')
const { createRequire } = require('module')
const pull = require('pull-stream')
const ssbKeys = require('ssb-keys')
const ssbCaps = require('ssb-caps')

function usage (msg) {
  process.stderr.write((msg ? msg + '\n' : '') +
    'usage: peer.js --stack classic|manyverse --dir DIR --port PORT [--seed HEX32] [--caps-shs BASE64] [--hops N]\n')
  process.exit(2)
}

function parseArgs (argv) {
  const o = {}
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (!a.startsWith('--')) usage('unexpected argument ' + a)
    const v = argv[i + 1]
    if (v === undefined || v.startsWith('--')) usage('missing value for ' + a)
    o[a.slice(2)] = v
    i++
  }
  return o
}

const args = parseArgs(process.argv.slice(2))
const STACK = args.stack
if (STACK !== 'classic' && STACK !== 'manyverse') usage('--stack must be classic or manyverse')
if (!args.dir) usage('--dir is required')
const PORT = Number(args.port)
if (!Number.isInteger(PORT) || PORT <= 0 || PORT > 65535) usage('--port must be a TCP port')
const HOPS = args.hops === undefined ? 2 : Number(args.hops)
if (!Number.isInteger(HOPS) || HOPS < 1) usage('--hops must be an integer >= 1 (both friends plugins treat 0 as 3)')
const DIR = path.resolve(args.dir)
fs.mkdirSync(DIR, { recursive: true })

let keys
if (args.seed) {
  if (!/^[0-9a-fA-F]{64}$/.test(args.seed)) usage('--seed must be 64 hex digits')
  keys = ssbKeys.generate('ed25519', Buffer.from(args.seed, 'hex'))
} else {
  keys = ssbKeys.generate('ed25519')
}
const caps = args['caps-shs']
  ? { shs: args['caps-shs'], sign: null }
  : { shs: ssbCaps.shs, sign: ssbCaps.sign }
if (Buffer.from(caps.shs, 'base64').length !== 32) usage('--caps-shs must be 32 bytes in base64')
// stored so that a human can poke at the directory with other tools (ssb-server CLI etc.)
fs.writeFileSync(path.join(DIR, 'secret'), JSON.stringify(keys, null, 2), { mode: 0o600 })

const HOST = '127.0.0.1'
const ADDRESS = `net:${HOST}:${PORT}~shs:${keys.public.replace(/\.ed25519$/, '')}`

const config = {
  path: DIR,
  keys,
  caps,
  host: HOST,
  port: PORT,
  connections: {
    incoming: { net: [{ host: HOST, port: PORT, scope: ['device', 'local', 'public'], transform: 'shs' }] },
    outgoing: { net: [{ transform: 'shs' }] }
  },
  // secret-stack: without `timers` an idle connection is dropped after 5 s; with it, 600 s.
  timers: { handshake: 15e3, inactivity: 600e3 },
  friends: { hops: HOPS, dunbar: 150 },
  allowPrivate: true, // ssb-invite: invites for 127.0.0.1
  local: false, // no ssb-local (LAN) in any case
  offline: false,
  ebt: { logging: false },
  logging: { level: 'notice' }
}

// ---------------------------------------------------------------------------------------------
// stacks: each returns { ssb, api } where api has the same async functions for both

function classicStack () {
  // resolve every plugin the way ssb-server itself does (its npm-shrinkwrap pins ssb-ebt 5.6.7,
  // ssb-keys 7, ...; ssb-friends resolves to the top-level ssb-friends@4.1.4)
  const req = createRequire(require.resolve('ssb-server/package.json'))
  config.gossip = {
    connections: 3,
    pub: false, // do not fill the peer table from `pub` messages
    autoPopulate: false,
    local: false, // no LAN peers
    seed: false, // ssb-invite's accept adds the pub as a 'seed'; we dial it explicitly instead
    global: false, // no scheduled dialling of other known peers
    friends: false
  }
  config.replicate = { legacy: true } // ssb-replicate (createHistoryStream), fallback for EBT
  config.master = []
  // same plugin list as `ssb-server start` (bin.js), minus what listens or dials outside loopback
  // (ssb-local: LAN broadcast, ssb-ws: port 8989, ssb-onion, ssb-unix-socket, ssb-no-auth,
  // ssb-plugins: user plugins from ~/.ssb, ssb-logging: stdout)
  const create = req('./') // secret-stack + ssb-db
    .use(req('ssb-private1'))
    .use(req('ssb-master'))
    .use(req('ssb-gossip'))
    .use(req('ssb-replicate'))
    .use(req('ssb-friends'))
    .use(req('ssb-blobs'))
    .use(req('ssb-invite'))
    .use(req('ssb-query'))
    .use(req('ssb-links'))
  const withEbt = args['no-ebt'] === 'true' ? create : create.use(req('ssb-ebt'))
  const ssb = withEbt.use(req('ssb-ooo'))(config)
  const conns = new Map()

  const api = {
    ready (cb) { cb() },
    publish (content, cb) { ssb.publish(content, cb) },
    follow (feed, cb) { ssb.publish({ type: 'contact', contact: feed, following: true }, cb) },
    unfollow (feed, cb) { ssb.publish({ type: 'contact', contact: feed, following: false }, cb) },
    block (feed, cb) { ssb.publish({ type: 'contact', contact: feed, blocking: true }, cb) },
    replicate (feed, on, cb) { ssb.replicate.request(feed, on !== false); cb(null, true) },
    add (msg, cb) { ssb.add(msg, cb) },
    connect (address, cb) {
      ssb.connect(address, (err, rpc) => {
        if (err) return cb(err)
        conns.set(address, rpc)
        rpc.once('closed', () => { if (conns.get(address) === rpc) conns.delete(address) })
        cb(null, { id: rpc.id })
      })
    },
    disconnect (address, cb) {
      const rpc = conns.get(address)
      if (!rpc) return cb(new Error('not connected to ' + address))
      conns.delete(address)
      rpc.close(true, (err) => cb(err, true))
    },
    feed (id, seq, keys, cb) {
      pull(ssb.createHistoryStream({ id, seq: seq || 0, keys: !!keys }), pull.collect(cb))
    },
    latest (id, cb) {
      ssb.getLatest(id, (err, kv) => {
        if (err) return cb(err)
        cb(null, kv && kv.value ? kv.value.sequence : 0)
      })
    },
    // private messages (box1, ssb-private1's boxer and unboxer in ssb-db): those this peer can open
    privateMessages (cb) {
      pull(ssb.createLogStream({ keys: true }), pull.filter((m) => typeof m.value.content === 'string'),
        pull.asyncMap((m, done) => ssb.get({ id: m.key, private: true }, (err, value) => done(null, err ? null : { key: m.key, value }))),
        pull.filter((m) => m && m.value && typeof m.value.content === 'object'),
        pull.collect(cb))
    },
    inviteCreate (opts, cb) { ssb.invite.create(opts, cb) },
    inviteAccept (code, cb) { ssb.invite.accept(code, cb) },
    peers (cb) {
      cb(null, Object.keys(ssb.peers).filter((k) => k !== ssb.id && ssb.peers[k].length > 0))
    },
    close (cb) { ssb.close(true, cb) }
  }
  return { ssb, api }
}

function manyverseStack () {
  const SecretStack = require('secret-stack')
  config.conn = { autostart: false, populatePubs: false } // ssb-conn: no scheduler until invite.accept
  config.replicationScheduler = { autostart: true, partialReplication: null }
  config.db2 = {}
  // the plugin set Manyverse's backend uses for replication and blobs (ssb-db2 + compat, EBT 9,
  // friends 5, CONN, replication scheduler, invite client, ssb-blobs 2); no ssb-lan / ssb-room-client
  const create = SecretStack({ caps })
    .use(require('ssb-master'))
    .use(require('ssb-db2')) // core + ssb-classic + ssb-box + ssb-box2 + compat/publish + migrate
    .use(require('ssb-db2/compat/db')) // ssb.publish/add/get/whoami, needed by ssb-invite-client
    .use(require('ssb-db2/compat/ebt'))
    .use(require('ssb-db2/compat/history-stream'))
    .use(require('ssb-db2/compat/feedstate'))
    .use(require('ssb-friends-5'))
    .use(require('ssb-ebt'))
    .use(require('ssb-conn'))
    .use(require('ssb-replication-scheduler'))
    .use(require('ssb-invite-client'))
    .use(require('ssb-blobs-2'))
  if (args['room-client'] === 'true') {
    // ssb-room-client's multiserver transport needs tunnel connections in both directions
    config.connections.incoming.tunnel = [{ scope: 'public', transform: 'shs' }]
    config.connections.outgoing.tunnel = [{ transform: 'shs' }]
  }
  const ssb = (args['room-client'] === 'true'
    ? create.use(require('ssb-room-client')).use(require('ssb-http-invite-client'))
    : create)(config)
  let connStarted = false

  const api = {
    ready (cb) {
      // the db's in-memory feed state is loaded asynchronously
      let done = false
      ssb.db.stateFeedsReady((ready) => {
        if (ready !== true || done) return
        done = true
        setImmediate(cb)
        return false // obz: unsubscribe
      })
    },
    publish (content, cb) { ssb.db.publish(content, cb) },
    follow (feed, cb) { ssb.friends.follow(feed, { state: true }, cb) },
    unfollow (feed, cb) { ssb.friends.follow(feed, { state: false }, cb) },
    block (feed, cb) { ssb.friends.block(feed, { state: true }, cb) },
    replicate (feed, on, cb) { ssb.ebt.request(feed, on !== false); cb(null, true) },
    add (msg, cb) { ssb.db.add(msg, cb) },
    connect (address, cb) {
      ssb.conn.connect(address, { type: 'peer' }, (err, rpc) => {
        if (err) return cb(err)
        if (!rpc) return cb(new Error('ssb-conn did not connect to ' + address))
        cb(null, { id: rpc.id })
      })
    },
    disconnect (address, cb) { ssb.conn.disconnect(address, (err, ok) => cb(err, !!ok)) },
    feed (id, seq, keys, cb) {
      // ssb-db2's createHistoryStream orders by timestamp, and ssb-db2 gives messages published
      // (or received) in the same millisecond equal timestamps, so it can return a feed out of
      // sequence order (also to remote peers calling createHistoryStream!). Sort here.
      pull(ssb.createHistoryStream({ id, seq: seq || 0, keys: !!keys }), pull.collect((err, msgs) => {
        if (err) return cb(err)
        cb(null, msgs.sort((x, y) => (x.value || x).sequence - (y.value || y).sequence))
      }))
    },
    latest (id, cb) {
      ssb.getFeedState(id, (err, st) => cb(err, st ? st.sequence : 0))
    },
    // private messages: ssb-db2 opens box1 with ssb-box 1.0.1, which its default plugin list already installs
    privateMessages (cb) {
      const { where, isDecrypted, toCallback } = require('ssb-db2/operators')
      ssb.db.query(where(isDecrypted('box')), toCallback((err, msgs) => cb(err, msgs && msgs.map((m) => ({ key: m.key, value: m.value })))))
    },
    inviteCreate (opts, cb) { cb(new Error('invite.create is not supported by the manyverse stack')) },
    inviteAccept (code, cb) {
      if (!connStarted) { ssb.conn.start(); connStarted = true }
      ssb.invite.accept(code, cb)
    },
    peers (cb) {
      cb(null, ssb.conn.query().peersConnected().map(([, data]) => data.key).filter(Boolean))
    },
    close (cb) { ssb.close(true, cb) }
  }
  return { ssb, api }
}

// ---------------------------------------------------------------------------------------------

function p (fn, ...a) {
  return new Promise((resolve, reject) => fn(...a, (err, v) => (err ? reject(err) : resolve(v))))
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// message plus the causes that ssb libraries hide in .cause (ssb-db2) or in the stack
// (clarify-error in ssb-invite-client, explain-error in ssb-invite)
function errorText (err) {
  if (!err) return String(err)
  const parts = [err.message || String(err)]
  for (let c = err.cause; c && parts.length < 6; c = c.cause) parts.push(c.message || String(c))
  const stack = String(err.stack || '').split('\n').slice(1)
  for (const line of stack) {
    const m = /^\s+(?:\w*Error|Error): (.*)$/.exec(line)
    if (m && !parts.includes(m[1])) parts.push(m[1])
  }
  return parts.join(' <- ')
}

function send (obj) { protoOut(JSON.stringify(obj) + '\n') }

// `host:port:@KEY.ed25519~SEED` or `net:host:port~shs:KEY:SEED` -> `net:host:port~shs:KEY`
function pubAddressOfInvite (code) {
  const ref = require('ssb-ref')
  let c = String(code).trim()
  if (c.startsWith('"') && c.endsWith('"')) c = c.slice(1, -1)
  if (ref.isLegacyInvite(c)) {
    const a = ref.parseAddress(c.split('~')[0])
    return `net:${a.host}:${a.port}~shs:${a.key.slice(1, -8)}`
  }
  const parsed = ref.parseInvite(c)
  if (!parsed || !parsed.remote) throw new Error('cannot parse invite ' + c)
  return parsed.remote.replace(/(~shs:[^:;]+):[^;]*$/, '$1')
}

let stack
let stopping = false

function need (feed) {
  if (!require('ssb-ref').isFeed(feed)) throw new Error('`feed` must be a feed id, got ' + JSON.stringify(feed))
  return feed
}

function needBlob (blob) {
  if (!require('ssb-ref').isBlob(blob)) throw new Error('`blob` must be a blob id, got ' + JSON.stringify(blob))
  return blob
}

async function handle (req) {
  const a = stack.api
  switch (req.cmd) {
    case 'whoami': return { id: stack.ssb.id, address: ADDRESS }
    case 'publish': return p(a.publish, req.content)
    // content with recps is boxed by the stack itself (ssb-private1's boxer / ssb-db2 with ssb-box)
    case 'publishPrivate': return p(a.publish, Object.assign({}, req.content, { recps: req.recps }))
    case 'privateMessages': return p(a.privateMessages)
    case 'follow': return p(a.follow, need(req.feed))
    case 'unfollow': return p(a.unfollow, need(req.feed))
    case 'block': return p(a.block, need(req.feed))
    case 'replicate': return p(a.replicate, need(req.feed), req.on)
    case 'calls': return Object.assign({}, calls)
    case 'add': return p(a.add, req.msg)
    case 'connect': return p(a.connect, req.address)
    case 'disconnect': return p(a.disconnect, req.address)
    case 'room.connect': {
      // a room is dialled as such; ssb-room-client then asks room.metadata and subscribes to room.attendants
      return new Promise((resolve, reject) => stack.ssb.conn.connect(req.address, { type: 'room' }, (err, rpc) => {
        if (err) return reject(err)
        if (!rpc) return reject(new Error('ssb-conn did not connect to ' + req.address))
        resolve({ id: rpc.id })
      }))
    }
    case 'room.claimInvite': {
      // ssb-http-invite-client: an http(s) /join link or an ssb:experimental?action=claim-http-invite URI;
      // resolves with the room's multiserver address
      return p(stack.ssb.httpInviteClient.claim, String(req.uri))
    }
    case 'room.registerAlias': return p(stack.ssb.roomClient.registerAlias, need(req.room), String(req.alias))
    case 'room.revokeAlias': return p(stack.ssb.roomClient.revokeAlias, need(req.room), String(req.alias))
    case 'room.consumeAlias': {
      // an alias page's URL or its consume-alias link: reaches the alias's owner through the room
      const rpc = await p(stack.ssb.roomClient.consumeAliasUri, String(req.uri))
      return { id: rpc.id }
    }
    case 'room.attendants': {
      // the attendants ssb-room-client learnt of in a room (from its room.attendants stream), by room id
      const rooms = stack.ssb.tunnel.getRoomsMap()
      const room = rooms.get(req.room)
      return room ? Array.from(room.attendants) : null
    }
    case 'peers': return p(a.peers)
    case 'feed': return p(a.feed, need(req.feed), req.seq, req.keys)
    case 'latest': return p(a.latest, need(req.feed))
    case 'waitFor': {
      const deadline = Date.now() + (req.timeoutMs || 30000)
      let have = 0
      for (;;) {
        have = await p(a.latest, need(req.feed))
        if (have >= req.seq) return have
        if (Date.now() >= deadline) {
          throw new Error(`timeout: ${req.feed} at ${have}, wanted ${req.seq} within ${req.timeoutMs || 30000} ms`)
        }
        await sleep(25)
      }
    }
    case 'invite.create': {
      const opts = { uses: req.uses || 1 }
      if (req.note) opts.note = req.note
      return p(a.inviteCreate, opts)
    }
    case 'invite.accept': {
      const result = await p(a.inviteAccept, req.code)
      const pub = pubAddressOfInvite(req.code)
      // The invite connection used the invite's throw-away key; replicate over a connection
      // authenticated with our own key (design.md: "dials the pub again with its own key").
      if (req.redial !== false) {
        let lastErr
        for (let i = 0; i < 5; i++) {
          try { await p(a.connect, pub); lastErr = null; break } catch (e) { lastErr = e; await sleep(200) }
        }
        if (lastErr) throw new Error('invite accepted but dialling the pub failed: ' + lastErr.message)
      }
      return { accepted: !!result, pub }
    }
    // blobs (ssb-blobs in both stacks): bytes travel as base64
    case 'blobs.add': {
      const bytes = Buffer.from(String(req.base64 || ''), 'base64')
      return new Promise((resolve, reject) => pull(pull.values([bytes]), stack.ssb.blobs.add((err, id) => (err ? reject(err) : resolve(id)))))
    }
    case 'blobs.has': return p(stack.ssb.blobs.has, needBlob(req.blob))
    case 'blobs.get': return new Promise((resolve, reject) => pull(stack.ssb.blobs.get(needBlob(req.blob)), pull.collect((err, chunks) => {
      if (err) return reject(err)
      resolve(Buffer.concat(chunks).toString('base64'))
    })))
    case 'blobs.want': {
      // resolves once the blob is stored (ssb-blobs calls back when it arrives from a peer)
      const wanted = p(stack.ssb.blobs.want, needBlob(req.blob))
      const timeoutMs = req.timeoutMs || 30000
      let timer
      const timeout = new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`timeout: ${req.blob} did not arrive within ${timeoutMs} ms`)), timeoutMs)
      })
      try { return await Promise.race([wanted, timeout]) } finally { clearTimeout(timer) }
    }
    case 'stop':
      setImmediate(shutdown, 0)
      return true
    default:
      throw new Error('unknown command: ' + req.cmd)
  }
}

function shutdown (code) {
  if (stopping) return
  stopping = true
  const force = setTimeout(() => process.exit(code), 3000)
  force.unref()
  try {
    stack.api.close(() => process.exit(code))
  } catch (e) {
    process.exit(code)
  }
}

function listening (ssb) {
  // secret-stack binds in a setImmediate after create(), then emits this event
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('peer did not listen on ' + HOST + ':' + PORT)), 20000)
    ssb.once('multiserver:listening', () => { clearTimeout(t); resolve() })
  })
}

// replication RPCs other peers made on this one, by method (observability for tests)
const calls = { 'ebt.replicate': 0, createHistoryStream: 0 }
function countIncoming (ssb) {
  const count = (name) => function (fn, args) {
    if (this && this.id && this.id !== ssb.id) calls[name]++
    return fn.apply(this, args)
  }
  ssb.createHistoryStream.hook(count('createHistoryStream'))
  if (ssb.ebt) ssb.ebt.replicate.hook(count('ebt.replicate'))
}

async function main () {
  stack = STACK === 'classic' ? classicStack() : manyverseStack()
  countIncoming(stack.ssb)
  const isListening = listening(stack.ssb)
  await p(stack.api.ready)
  await isListening
  send({ ready: true, id: stack.ssb.id, address: ADDRESS, stack: STACK })

  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', (line) => {
    if (!line.trim()) return
    let req
    try { req = JSON.parse(line) } catch (e) { return send({ id: null, error: 'bad JSON: ' + e.message }) }
    handle(req).then(
      (ok) => send({ id: req.id, ok: ok === undefined ? null : ok }),
      (err) => send({ id: req.id, error: errorText(err) })
    )
  })
  rl.on('close', () => shutdown(0))
}

process.on('SIGTERM', () => shutdown(0))
process.on('SIGINT', () => shutdown(0))
process.on('uncaughtException', (e) => { console.error('uncaught', e); if (!stack) process.exit(1) })
process.on('unhandledRejection', (e) => { console.error('unhandled rejection', e) })

main().catch((e) => {
  console.error('peer failed to start:', e)
  send({ ready: false, error: e.message })
  process.exit(1)
})
