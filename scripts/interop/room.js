#!/usr/bin/env node
'use strict'
// A real ssb-room 1.3.0 server (rooms 1: tunnel.announce / tunnel.endpoints / tunnel.connect), driven like peer.js
// over JSON lines on stdin/stdout.
//
//   node room.js --dir DIR --port PORT [--name NAME]
//
// It is ssb-room's own plugin set (its index.js) without the HTTP pages: ssb-master, ssb-logging, ssb-conn, the
// tunnel server and the createHistoryStream shim, on ssb-room's pinned secret-stack, bound to 127.0.0.1.
// stdout carries ONLY protocol lines (first line: {"ready":true,"id","address"}); every log goes to stderr.
// Commands: whoami, endpoints (the attendants the room relays to), stop. Exits when stdin closes or on SIGTERM.

const protoOut = process.stdout.write.bind(process.stdout)
process.stdout.write = (chunk, enc, cb) => process.stderr.write(chunk, enc, cb)
for (const k of ['log', 'info', 'warn', 'debug', 'trace']) console[k] = console.error.bind(console)

const fs = require('fs')
const path = require('path')
const readline = require('readline')
const { createRequire } = require('module')
const { parseArgs } = require('util')
const ssbKeys = require('ssb-keys')
const ssbCaps = require('ssb-caps')

const { values: args } = parseArgs({ options: { dir: { type: 'string' }, port: { type: 'string' }, name: { type: 'string' } } })
const PORT = Number(args.port)
if (!args.dir || !Number.isInteger(PORT) || PORT <= 0 || PORT > 65535) {
  process.stderr.write('usage: room.js --dir DIR --port PORT [--name NAME]\n')
  process.exit(2)
}
const DIR = path.resolve(args.dir)
fs.mkdirSync(DIR, { recursive: true })
const keys = ssbKeys.generate('ed25519')
fs.writeFileSync(path.join(DIR, 'secret'), JSON.stringify(keys, null, 2), { mode: 0o600 })
// tunnel.isRoom answers {name, description} from this file (and plain true without it)
if (args.name) fs.writeFileSync(path.join(DIR, 'roomcfg'), JSON.stringify({ name: args.name, description: '' }))

const HOST = '127.0.0.1'
const ADDRESS = `net:${HOST}:${PORT}~shs:${keys.public.replace(/\.ed25519$/, '')}`

// ssb-room's own secret-stack (6.3.0, nested under it), as its index.js uses
const roomRequire = createRequire(require.resolve('ssb-room/package.json'))
const SecretStack = roomRequire('secret-stack')
const room = SecretStack({ appKey: ssbCaps.shs })
  .use(require('ssb-master'))
  .use(require('ssb-logging'))
  .use(require('ssb-conn'))
  .use(roomRequire('./tunnel/server'))
  .use(roomRequire('./ssb-shims'))({
    path: DIR,
    keys,
    host: HOST,
    port: PORT,
    manifest: roomRequire('./manifest'),
    logging: { level: 'info' },
    // ssb-config's timers, which ssb-room's config.js gets: without `timers` secret-stack cuts a connection idle
    // for 5 s (with them, after 600 s)
    timers: { connection: 0, reconnect: 5e3, ping: 5 * 60e3, handshake: 5e3 },
    conn: { autostart: false },
    connections: {
      incoming: { net: [{ scope: ['public', 'local', 'device'], transform: 'shs', port: PORT, host: HOST }] },
      outgoing: { net: [{ transform: 'shs' }] }
    }
  })

const send = (obj) => protoOut(JSON.stringify(obj) + '\n')

let endpoints = []
require('pull-stream')(room.tunnel.endpoints(), require('pull-stream').drain((ids) => { endpoints = ids }))

let stopping = false
function shutdown (code) {
  if (stopping) return
  stopping = true
  setTimeout(() => process.exit(code), 3000).unref()
  room.close(true, () => process.exit(code))
}

async function handle (req) {
  switch (req.cmd) {
    case 'whoami': return { id: room.id, address: ADDRESS }
    case 'endpoints': return endpoints
    case 'stop': setImmediate(shutdown, 0); return true
    default: throw new Error('unknown command: ' + req.cmd)
  }
}

room.once('multiserver:listening', () => {
  send({ ready: true, id: room.id, address: ADDRESS })
  const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
  rl.on('line', (line) => {
    if (!line.trim()) return
    let req
    try { req = JSON.parse(line) } catch (e) { return send({ id: null, error: 'bad JSON: ' + e.message }) }
    handle(req).then((ok) => send({ id: req.id, ok: ok === undefined ? null : ok }),
      (err) => send({ id: req.id, error: String((err && err.message) || err) }))
  })
  rl.on('close', () => shutdown(0))
})

process.on('SIGTERM', () => shutdown(0))
process.on('SIGINT', () => shutdown(0))
