// js-libp2p side of servent's benchmark (bench/run.sh): the same roles and commands as
// io.servent.bench.ServentBenchPeer, so both stacks are measured the same way.
//
// Run with node >= 22 from bench/js, where run.sh links node_modules to interop/js/node_modules:
//   node bench.mjs server          → prints {"event":"ready","addr":"/ip4/127.0.0.1/tcp/…/p2p/…"}
//   node bench.mjs client ADDR     → prints {"event":"ready"}, then reads commands on stdin:
//     perf UP DOWN   one /perf/1.0.0 run on one stream → {"upload","download","seconds"}, timed from
//                    the first byte sent to the last byte received
//     setup N        N fresh connections, each timed from the dial to the first 32-byte echo round
//                    trip on a new stream → {"millis":[…],"failures":[…]}
//     quit
// Every command answers with one JSON line on stdout; logs go to stderr. Both roles run identify, as
// a default js-libp2p node does, and raise the connection manager's limits (the bench dials often).

import { randomBytes } from 'node:crypto'
import { createInterface } from 'node:readline'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { identify } from '@libp2p/identify'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'

const PERF = '/perf/1.0.0'
const ECHO = '/echo/1.0.0'
const CHUNK = 64 * 1024
const STREAM_LIMITS = { maxInboundStreams: 1024, maxOutboundStreams: 1024 }

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function log (...args) {
  process.stderr.write(`[bench.mjs] ${args.join(' ')}\n`)
}

async function write (stream, bytes) {
  if (!stream.send(bytes)) await stream.onDrain()
}

function bytesOf (chunk) {
  return chunk instanceof Uint8Array ? chunk : chunk.subarray()
}

/** Reads exact byte counts, then the rest, from a stream's async iterator. */
class Reader {
  constructor (stream) {
    this.it = stream[Symbol.asyncIterator]()
    this.buf = Buffer.alloc(0)
    // The iterator attaches its listeners on the first next(): start it now so nothing is missed.
    this.pending = this.it.next()
    this.pending.catch(() => {})
  }

  next () {
    const p = this.pending ?? this.it.next()
    this.pending = null
    return p
  }

  async exactly (n) {
    while (this.buf.length < n) {
      const { value, done } = await this.next()
      if (done) throw new Error(`stream ended after ${this.buf.length} of ${n} bytes`)
      const bytes = bytesOf(value)
      this.buf = Buffer.concat([this.buf, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)])
    }
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }

  async drain () {
    let total = this.buf.length
    this.buf = Buffer.alloc(0)
    for (;;) {
      const { value, done } = await this.next()
      if (done) return total
      total += value.byteLength
    }
  }
}

async function sendZeros (stream, count) {
  const zeros = new Uint8Array(CHUNK)
  for (let left = count; left > 0; left -= CHUNK) {
    await write(stream, left >= CHUNK ? zeros : zeros.subarray(0, left))
  }
}

function perfHandler (stream) {
  ;(async () => {
    const reader = new Reader(stream)
    const header = await reader.exactly(8)
    const download = Number(header.readBigUInt64BE(0))
    await reader.drain()
    await sendZeros(stream, download)
    await stream.close()
  })().catch(err => {
    log(`perf handler: ${err.message}`)
    stream.abort(err)
  })
}

function echoHandler (stream) {
  ;(async () => {
    for await (const chunk of stream) await write(stream, chunk)
    await stream.close()
  })().catch(err => {
    log(`echo handler: ${err.message}`)
    stream.abort(err)
  })
}

async function newNode (listen) {
  return createLibp2p({
    addresses: { listen },
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionManager: {
      maxConnections: 10_000,
      inboundConnectionThreshold: 10_000,
      maxIncomingPendingConnections: 1024
    },
    services: { identify: identify() }
  })
}

async function perf (node, target, upload, download) {
  const connection = await node.dial(target)
  const stream = await connection.newStream(PERF, STREAM_LIMITS)
  const reader = new Reader(stream)
  const start = performance.now()
  const header = Buffer.alloc(8)
  header.writeBigUInt64BE(BigInt(download))
  await write(stream, header)
  await sendZeros(stream, upload)
  await stream.close()
  const got = await reader.drain()
  const seconds = (performance.now() - start) / 1000
  if (got !== download) throw new Error(`asked for ${download} bytes, the server sent ${got}`)
  return { upload, download, seconds }
}

async function setup (node, target, count) {
  await node.hangUp(target)
  const millis = []
  const failures = []
  for (let i = 0; i < count; i++) {
    const payload = randomBytes(32)
    const start = performance.now()
    let connection
    try {
      connection = await node.dial(target, { force: true })
      const stream = await connection.newStream(ECHO, STREAM_LIMITS)
      const reader = new Reader(stream)
      await write(stream, payload)
      const reply = await reader.exactly(32)
      const elapsed = performance.now() - start
      if (!reply.equals(payload)) throw new Error('the echo differs from what was sent')
      await stream.close()
      millis.push(elapsed)
    } catch (err) {
      // A failed dial is reported, not retried: under heavy load js-libp2p's own timeouts fire.
      failures.push(`${err.name}: ${err.message} after ${(performance.now() - start).toFixed(0)} ms`)
    } finally {
      if (connection != null) await connection.close().catch(() => {})
    }
  }
  return { millis, failures }
}

async function main () {
  const [role, addr] = process.argv.slice(2)
  if (role !== 'server' && !(role === 'client' && addr != null)) {
    log('usage: bench.mjs server | client ADDR')
    process.exit(2)
  }
  const node = await newNode(role === 'server' ? ['/ip4/127.0.0.1/tcp/0'] : [])
  if (role === 'server') {
    await node.handle(PERF, perfHandler, STREAM_LIMITS)
    await node.handle(ECHO, echoHandler, STREAM_LIMITS)
  }
  await node.start()
  emit(role === 'server' ? { event: 'ready', addr: node.getMultiaddrs()[0].toString() } : { event: 'ready' })
  const target = addr == null ? null : multiaddr(addr)
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  const stop = async () => {
    await node.stop()
    process.exit(0)
  }
  // One command at a time, in order.
  let queue = Promise.resolve()
  lines.on('line', (line) => {
    const words = line.trim().split(/\s+/)
    queue = queue.then(async () => {
      try {
        if (words[0] === 'perf') emit(await perf(node, target, Number(words[1]), Number(words[2])))
        else if (words[0] === 'setup') emit(await setup(node, target, Number(words[1])))
        else if (words[0] === 'quit') await stop()
        else if (words[0] !== '') emit({ error: `unknown command: ${line}` })
      } catch (err) {
        log(`${line}: ${err.stack ?? err}`)
        emit({ error: `${err.message ?? err}` })
      }
    })
  })
  lines.on('close', () => { queue.then(stop) })
}

main().catch((err) => {
  log(`failed: ${err?.stack ?? err}`)
  emit({ event: 'error', error: `${err?.message ?? err}` })
  process.exit(1)
})
