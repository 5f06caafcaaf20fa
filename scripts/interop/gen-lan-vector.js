#!/usr/bin/env node
'use strict'
// Writes LAN-discovery announcements made by ssb-keys 8.5.0 exactly as ssb-lan makes them, for
// conch's LanAnnouncementTest:
//
//   node gen-lan-vector.js > ../../gossip/src/test/resources/lan/ssb-lan-vectors.json
//
// normal (UDP 26830) = secretBox({address}, caps) ‖ the 64 bytes of signObj(keys, {address}).signature
// legacy (UDP 8008)  = the address as UTF-8 text
// Keys come from fixed seeds (sha256 of a label), so the output never changes.

const crypto = require('crypto')
const ssbKeys = require('ssb-keys')

const MAIN_CAPS = '1KHLiKZvAvjbY1ziZEHMXawbCEIM6qwjCDm3VYRan/s='

function vector (label, host, port) {
  const seed = crypto.createHash('sha256').update(label).digest()
  const keys = ssbKeys.generate('ed25519', seed)
  const caps = Buffer.from(MAIN_CAPS, 'base64')
  const key = keys.public.replace(/\.ed25519$/, '')
  const address = `net:${host}:${port}~shs:${key}`
  const ciphertext = ssbKeys.secretBox({ address }, caps)
  const b64sig = ssbKeys.signObj(keys, { address }).signature
  const sig = Buffer.from(b64sig.replace(/\.sig\.ed25519$/, ''), 'base64')
  const normal = Buffer.concat([ciphertext, sig])
  // self-check the way ssb-lan reads it
  const opened = ssbKeys.secretUnbox(normal.subarray(0, normal.length - 64), caps)
  if (opened.address !== address) throw new Error('secretUnbox gave ' + JSON.stringify(opened))
  if (!ssbKeys.verifyObj({ public: keys.id }, { address, signature: b64sig })) throw new Error('signature does not verify')
  return {
    label,
    seed: seed.toString('base64'),
    id: keys.id,
    networkKey: MAIN_CAPS,
    address,
    normal: normal.toString('base64'),
    legacy: Buffer.from(address, 'utf8').toString('base64')
  }
}

const vectors = [
  vector('conch lan vector 1', '192.168.1.5', 8008),
  vector('conch lan vector 2', '10.0.0.42', 26831)
]
process.stdout.write(JSON.stringify({ generator: 'ssb-keys@' + require('ssb-keys/package.json').version, vectors }, null, 2) + '\n')
