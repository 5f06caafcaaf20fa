'use strict'
// Node-side client of peer.js's line protocol (the Java harness speaks the same protocol).
const { spawn } = require('child_process')
const fs = require('fs')
const net = require('net')
const os = require('os')
const path = require('path')
const readline = require('readline')

function freePort () {
  return new Promise((resolve, reject) => {
    const s = net.createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

class Peer {
  // opts: { stack, dir?, port?, seed?, capsShs?, hops?, name?, log? (stderr file or 'inherit') }
  static async start (opts) {
    const peer = new Peer()
    peer.name = opts.name || opts.stack
    peer.dir = opts.dir || fs.mkdtempSync(path.join(os.tmpdir(), `conch-${opts.stack}-`))
    peer.port = opts.port || await freePort()
    const argv = [path.join(__dirname, 'peer.js'), '--stack', opts.stack, '--dir', peer.dir, '--port', String(peer.port)]
    if (opts.seed) argv.push('--seed', opts.seed)
    if (opts.capsShs) argv.push('--caps-shs', opts.capsShs)
    if (opts.hops) argv.push('--hops', String(opts.hops))
    const errOut = opts.log === 'inherit' ? 'inherit' : fs.openSync(opts.log || path.join(peer.dir, 'peer.log'), 'a')
    peer.proc = spawn(process.execPath, argv, { stdio: ['pipe', 'pipe', errOut] })
    peer.pending = new Map()
    peer.nextId = 1
    peer.exited = new Promise((resolve) => peer.proc.once('exit', (code, sig) => resolve(code === null ? sig : code)))
    const rl = readline.createInterface({ input: peer.proc.stdout })
    const ready = new Promise((resolve, reject) => {
      peer._ready = { resolve, reject }
      setTimeout(() => reject(new Error(`${peer.name}: no ready line within 60 s (see ${peer.dir}/peer.log)`)), 60000).unref()
    })
    peer.exited.then((code) => {
      const err = new Error(`${peer.name} exited (${code})`)
      peer._ready.reject(err)
      for (const { reject } of peer.pending.values()) reject(err)
      peer.pending.clear()
    })
    rl.on('line', (line) => {
      const msg = JSON.parse(line)
      if (msg.ready !== undefined) {
        if (msg.ready) { peer.id = msg.id; peer.address = msg.address; peer._ready.resolve() } else peer._ready.reject(new Error(msg.error))
        return
      }
      const p = peer.pending.get(msg.id)
      if (!p) return
      peer.pending.delete(msg.id)
      if (msg.error !== undefined) p.reject(new Error(`${peer.name} ${p.cmd}: ${msg.error}`))
      else p.resolve(msg.ok)
    })
    await ready
    return peer
  }

  call (cmd, params) {
    const id = this.nextId++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, cmd })
      this.proc.stdin.write(JSON.stringify(Object.assign({ id, cmd }, params)) + '\n')
    })
  }

  async stop () {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return this.exited
    try { await this.call('stop') } catch (e) { /* exited already */ }
    return this.exited
  }
}

module.exports = { Peer, freePort }
