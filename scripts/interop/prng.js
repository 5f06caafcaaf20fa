'use strict'
// Small deterministic PRNG (sfc32, seeded through splitmix32) shared by the
// generators. Never use Math.random / Date.now in the generators: output must
// depend on the seed only.

function seedToU32 (seed) {
  const s = String(seed)
  if (/^-?\d+$/.test(s)) return Number(BigInt.asUintN(32, BigInt(s)))
  // FNV-1a over the UTF-16 code units of a non-numeric seed
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i)
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h
}

function makeRng (seed) {
  let sm = seedToU32(seed)
  function splitmix32 () {
    sm = (sm + 0x9e3779b9) | 0
    let z = sm
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
    return (z ^ (z >>> 16)) >>> 0
  }
  let a = splitmix32()
  let b = splitmix32()
  let c = splitmix32()
  let d = splitmix32()

  function u32 () {
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 15; i++) u32()

  const rng = {
    u32,
    // float in [0, 1)
    float () { return u32() / 4294967296 },
    // integer in [0, n)   (n <= 2^32)
    int (n) { return Math.floor((u32() / 4294967296) * n) },
    // integer in [lo, hi] inclusive
    range (lo, hi) { return lo + Math.floor((u32() / 4294967296) * (hi - lo + 1)) },
    chance (p) { return u32() / 4294967296 < p },
    pick (arr) { return arr[Math.floor((u32() / 4294967296) * arr.length)] },
    bytes (n) {
      const buf = Buffer.allocUnsafe(n)
      for (let i = 0; i < n; i += 4) {
        const x = u32()
        buf[i] = x & 0xff
        if (i + 1 < n) buf[i + 1] = (x >>> 8) & 0xff
        if (i + 2 < n) buf[i + 2] = (x >>> 16) & 0xff
        if (i + 3 < n) buf[i + 3] = x >>> 24
      }
      return buf
    },
    shuffle (arr) {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor((u32() / 4294967296) * (i + 1))
        const t = arr[i]; arr[i] = arr[j]; arr[j] = t
      }
      return arr
    }
  }
  return rng
}

module.exports = { makeRng, seedToU32 }
