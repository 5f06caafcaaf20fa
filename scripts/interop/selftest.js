#!/usr/bin/env node
'use strict'
// Node-only proof that peer.js drives both real stacks: replication both ways, either side
// dialling, live propagation, explicit replication of an unfollowed feed, and invites from a
// classic pub redeemed by both stacks.
//
//   node selftest.js [--messages 50] [--timeout-ms 60000] [--keep]
//
// Prints one line per phase with its wall time, then a summary; exit code 0 iff all passed.
// Peer logs (stderr) go to <peer dir>/peer.log; --keep leaves the temp dirs for inspection.
const assert = require('assert')
const fs = require('fs')
const { Peer } = require('./peer-client')

const argv = process.argv.slice(2)
function opt (name, def) {
  const i = argv.indexOf('--' + name)
  return i >= 0 ? argv[i + 1] : def
}
const N = Number(opt('messages', 50))
const TIMEOUT = Number(opt('timeout-ms', 60000))
const KEEP = argv.includes('--keep')

const results = []
const started = []

async function phase (name, fn) {
  const t0 = process.hrtime.bigint()
  let detail = ''
  let ok = true
  try {
    detail = (await fn()) || ''
  } catch (e) {
    ok = false
    detail = e.stack || e.message
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6
  results.push({ name, ok, ms })
  console.log(`${ok ? 'PASS' : 'FAIL'} ${ms.toFixed(0).padStart(6)} ms  ${name}${detail ? '  ' + detail : ''}`)
  if (!ok) throw new Error('phase failed: ' + name)
}

async function start (stack, name) {
  const p = await Peer.start({ stack, name })
  started.push(p)
  return p
}

async function publishMany (peer, n, tag) {
  for (let i = 1; i <= n; i++) {
    await peer.call('publish', { content: { type: 'post', text: `${tag} #${i} ✓ <b>&amp;</b> \u0000?`, i } })
  }
}

async function sameFeed (a, b, feed, expectLen) {
  const [fa, fb] = await Promise.all([a.call('feed', { feed }), b.call('feed', { feed })])
  assert.strictEqual(fa.length, expectLen, `${a.name} holds ${fa.length} of ${feed}`)
  assert.strictEqual(fb.length, expectLen, `${b.name} holds ${fb.length} of ${feed}`)
  assert.deepStrictEqual(fa, fb, `${a.name} and ${b.name} disagree on ${feed}`)
  fa.forEach((m, i) => assert.strictEqual(m.sequence, i + 1))
}

async function replicationRun (dialler, dialled) {
  const [x, y] = [dialler, dialled]
  const tag = `${x.name} dials ${y.name}`
  await phase(`${tag}: start both peers`, async () => {
    const [a, b] = await Promise.all([start(x.stack, x.name), start(y.stack, y.name)])
    x.peer = a; y.peer = b
    return `${a.name} ${a.id.slice(0, 9)}… :${a.port}, ${b.name} ${b.id.slice(0, 9)}… :${b.port}`
  })
  const a = x.peer; const b = y.peer
  await phase(`${tag}: mutual follow + ${N} posts each`, async () => {
    await Promise.all([a.call('follow', { feed: b.id }), b.call('follow', { feed: a.id })])
    await Promise.all([publishMany(a, N, a.name), publishMany(b, N, b.name)])
  })
  const want = N + 1 // the contact message + N posts
  await phase(`${tag}: connect and replicate ${want}+${want} messages`, async () => {
    await a.call('connect', { address: b.address })
    await Promise.all([
      a.call('waitFor', { feed: b.id, seq: want, timeoutMs: TIMEOUT }),
      b.call('waitFor', { feed: a.id, seq: want, timeoutMs: TIMEOUT })
    ])
  })
  await phase(`${tag}: both hold both feeds, identical`, async () => {
    await sameFeed(a, b, a.id, want)
    await sameFeed(a, b, b.id, want)
  })
  await phase(`${tag}: live: one post each way while connected`, async () => {
    const ms = []
    for (const [from, to, seq] of [[a, b, want + 1], [b, a, want + 1]]) {
      const t0 = Date.now()
      await from.call('publish', { content: { type: 'post', text: 'live from ' + from.name } })
      await to.call('waitFor', { feed: from.id, seq, timeoutMs: TIMEOUT })
      ms.push(`${from.name}→${to.name} ${Date.now() - t0} ms`)
    }
    return `(publish→held, polled every 25 ms: ${ms.join(', ')})`
  })
  await phase(`${tag}: which replication RPCs were served`, async () => {
    const [ca, cb] = await Promise.all([a.call('calls'), b.call('calls')])
    return `${a.name} served ${JSON.stringify(ca)}; ${b.name} served ${JSON.stringify(cb)}`
  })
  await phase(`${tag}: disconnect`, async () => {
    assert.deepStrictEqual(await a.call('peers'), [b.id])
    await a.call('disconnect', { address: b.address })
    for (let i = 0; ; i++) {
      const [pa, pb] = await Promise.all([a.call('peers'), b.call('peers')])
      if (pa.length === 0 && pb.length === 0) break
      if (i > 200) throw new Error(`still connected: ${JSON.stringify([pa, pb])}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  })
  await phase(`${tag}: stop`, async () => {
    const codes = await Promise.all([a.stop(), b.stop()])
    assert.deepStrictEqual(codes, [0, 0])
  })
}

async function unfollowedRun (stack) {
  // `replicate` = ask the stack to replicate a feed outside its follow graph
  let src, dst
  await phase(`${stack} replicates an unfollowed feed via \`replicate\``, async () => {
    [src, dst] = await Promise.all([start('classic', 'source-classic'), start(stack, `${stack}-nofollow`)])
    await publishMany(src, 5, 'src')
    await dst.call('replicate', { feed: src.id })
    await dst.call('connect', { address: src.address })
    await dst.call('waitFor', { feed: src.id, seq: 5, timeoutMs: TIMEOUT })
  })
  await Promise.all([src.stop(), dst.stop()])
}

async function capsAndSeedRun () {
  const capsShs = Buffer.alloc(32, 7).toString('base64')
  const seedA = 'a1'.repeat(32)
  let a, b, main
  await phase('test-network caps + seeds: classic and manyverse replicate', async () => {
    [a, b, main] = await Promise.all([
      Peer.start({ stack: 'classic', name: 'caps-classic', capsShs, seed: seedA }),
      Peer.start({ stack: 'manyverse', name: 'caps-manyverse', capsShs }),
      Peer.start({ stack: 'manyverse', name: 'main-net-manyverse' })
    ])
    started.push(a, b, main)
    const again = require('ssb-keys').generate('ed25519', Buffer.from(seedA, 'hex')).id
    assert.strictEqual(a.id, again)
    await b.call('follow', { feed: a.id })
    await publishMany(a, 3, 'caps')
    await b.call('connect', { address: a.address })
    await b.call('waitFor', { feed: a.id, seq: 3, timeoutMs: TIMEOUT })
    return `seeded id ${a.id}`
  })
  await phase('test-network caps: a main-net peer cannot connect', async () => {
    try {
      await main.call('connect', { address: a.address })
    } catch (e) {
      return 'refused: ' + e.message.split('\n')[0]
    }
    throw new Error('main-net peer connected to a test-network peer')
  })
  await Promise.all([a.stop(), b.stop(), main.stop()])
}

async function stdinCloseRun () {
  for (const stack of ['classic', 'manyverse']) {
    await phase(`${stack}: exits when its stdin closes`, async () => {
      const p = await start(stack, stack + '-orphan')
      p.proc.stdin.end()
      const code = await Promise.race([p.exited, new Promise((resolve) => setTimeout(resolve, 10000, 'still running'))])
      assert.strictEqual(code, 0)
    })
  }
}

async function inviteRun () {
  let pub, mv, mv2, cl
  await phase('invite: classic pub (10 posts) creates a 1-use invite', async () => {
    pub = await start('classic', 'pub')
    await publishMany(pub, 10, 'pub')
    pub.code = await pub.call('invite.create', { uses: 1 })
    assert.match(pub.code, /^127\.0\.0\.1:\d+:@.+\.ed25519~.+$/)
    return pub.code
  })
  await phase('invite: manyverse newcomer redeems it', async () => {
    mv = await start('manyverse', 'newcomer-manyverse')
    const r = await mv.call('invite.accept', { code: pub.code })
    return JSON.stringify(r)
  })
  await phase('invite: pub and manyverse newcomer replicate each other', async () => {
    // pub: 10 posts + contact {following, pub:true} for the newcomer = 11
    // newcomer: contact {following, autofollow} for the pub + `pub` announcement = 2
    await Promise.all([
      mv.call('waitFor', { feed: pub.id, seq: 11, timeoutMs: TIMEOUT }),
      pub.call('waitFor', { feed: mv.id, seq: 2, timeoutMs: TIMEOUT })
    ])
    await sameFeed(pub, mv, pub.id, 11)
    await sameFeed(pub, mv, mv.id, 2)
    const last = (await mv.call('feed', { feed: pub.id, seq: 11 }))[0]
    assert.deepStrictEqual(last.content, { type: 'contact', contact: mv.id, following: true, pub: true })
  })
  await phase('invite: a second manyverse peer is refused the used-up code', async () => {
    mv2 = await start('manyverse', 'second-manyverse')
    try {
      await mv2.call('invite.accept', { code: pub.code })
    } catch (e) {
      return 'refused: ' + e.message.split('\n')[0]
    }
    throw new Error('used-up invite was accepted')
  })
  await phase('invite: classic newcomer redeems a second invite and replicates', async () => {
    const code = await pub.call('invite.create', { uses: 1 })
    cl = await start('classic', 'newcomer-classic')
    await cl.call('invite.accept', { code })
    await Promise.all([
      cl.call('waitFor', { feed: pub.id, seq: 12, timeoutMs: TIMEOUT }),
      pub.call('waitFor', { feed: cl.id, seq: 2, timeoutMs: TIMEOUT })
    ])
  })
  await Promise.all([pub.stop(), mv.stop(), mv2.stop(), cl.stop()])
}

async function main () {
  const t0 = Date.now()
  console.log(`selftest: node ${process.version}, ${N} posts per feed, waitFor timeout ${TIMEOUT} ms`)
  let failed = false
  try {
    await replicationRun({ stack: 'classic', name: 'classic' }, { stack: 'manyverse', name: 'manyverse' })
    await replicationRun({ stack: 'manyverse', name: 'manyverse' }, { stack: 'classic', name: 'classic' })
    await replicationRun({ stack: 'classic', name: 'classic-a' }, { stack: 'classic', name: 'classic-b' })
    await replicationRun({ stack: 'manyverse', name: 'manyverse-a' }, { stack: 'manyverse', name: 'manyverse-b' })
    await unfollowedRun('classic')
    await unfollowedRun('manyverse')
    await inviteRun()
    await capsAndSeedRun()
    await stdinCloseRun()
  } catch (e) {
    failed = true
  } finally {
    await Promise.all(started.map((p) => p.stop().catch(() => {})))
    if (!KEEP && !failed) for (const p of started) fs.rmSync(p.dir, { recursive: true, force: true })
    if (failed || KEEP) console.log('peer dirs (logs in peer.log):', started.map((p) => p.dir).join(' '))
  }
  const passed = results.filter((r) => r.ok).length
  console.log(`${failed ? 'FAILED' : 'OK'}: ${passed}/${results.length} phases passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`)
  process.exit(failed ? 1 : 0)
}

main()
