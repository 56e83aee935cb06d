// The kad-dht commands of peer.mjs (start the peer with --services kad-dht). Kept in their own
// module so peer.mjs needs only a one-line hook. Every command answers with "millis" and, for
// lookups, "queries" (requests js sent), so tests can compare both implementations.
//
//   kad-find-peer {peer, useCache?}      → {peer, addrs}: a network lookup unless useCache is true
//   kad-closest {key}                    → {peers}: getClosestPeers of the hex key
//   kad-provide {cid}                    → {ok, peers}: peers that got the ADD_PROVIDER
//   kad-find-providers {cid, max?}       → {providers: [{peer, addrs}]}
//   kad-put {key, value}                 → {ok, peers}: peers that confirmed the PUT_VALUE
//   kad-get {key}                        → {value, from: [peer…]}: the best value and who sent values
//   kad-routing-table                    → {size, peers, mode}
//   kad-mode {mode: "client"|"server"}   → {mode}
// Keys and values are hex; cids are strings (CIDv0 or v1).

import { peerIdFromString } from '@libp2p/peer-id'
// A dependency of @libp2p/kad-dht (pinned by the lockfile), used to hand it CID objects.
import { CID } from 'multiformats/cid'

function dht (node) {
  const service = node.services.dht
  if (service == null) throw new Error('this peer runs no DHT: start it with --services kad-dht')
  return service
}

const hex = (bytes) => Buffer.from(bytes).toString('hex')
const fromHex = (text, name) => {
  if (typeof text !== 'string' || !/^([0-9a-f]{2})*$/i.test(text)) throw new Error(`"${name}" must be hex`)
  return Uint8Array.from(Buffer.from(text, 'hex'))
}
const peerJson = (info) => ({ peer: info.id.toString(), addrs: (info.multiaddrs ?? []).map(String) })

/** Runs a DHT query, counting the requests it sends; `onEvent` may return true to stop early. */
async function query (events, onEvent) {
  let queries = 0
  for await (const event of events) {
    if (event.name === 'SEND_QUERY') queries++
    if (onEvent(event) === true) break
  }
  return queries
}

export async function runKad (node, cmd, signal) {
  const start = performance.now()
  const result = await run(node, cmd, signal)
  return { ...result, millis: performance.now() - start }
}

async function run (node, cmd, signal) {
  const d = dht(node)
  switch (cmd.cmd) {
    case 'kad-find-peer': {
      const id = peerIdFromString(cmd.peer)
      let found = null
      const queries = await query(d.findPeer(id, { signal, useCache: cmd.useCache === true }), (e) => {
        if (e.name === 'FINAL_PEER' && e.peer.id.equals(id)) {
          found = e.peer
          return true
        }
      })
      if (found == null) throw new Error(`peer ${cmd.peer} not found`)
      return { ...peerJson(found), queries }
    }
    case 'kad-closest': {
      const peers = []
      const queries = await query(d.getClosestPeers(fromHex(cmd.key, 'key'), { signal }), (e) => {
        if (e.name === 'FINAL_PEER') peers.push(e.peer.id.toString())
      })
      return { peers, queries }
    }
    case 'kad-provide': {
      const peers = new Set()
      const queries = await query(d.provide(CID.parse(cmd.cid), { signal }), (e) => {
        if (e.name === 'SEND_QUERY' && e.messageName === 'ADD_PROVIDER') peers.add(e.to.toString())
      })
      return { ok: true, peers: [...peers], queries }
    }
    case 'kad-find-providers': {
      const max = cmd.max ?? 20
      const providers = new Map()
      const queries = await query(d.findProviders(CID.parse(cmd.cid), { signal }), (e) => {
        if (e.name !== 'PROVIDER') return
        for (const p of e.providers) providers.set(p.id.toString(), peerJson(p))
        return providers.size >= max
      })
      return { providers: [...providers.values()], queries }
    }
    case 'kad-put': {
      const peers = []
      const queries = await query(d.put(fromHex(cmd.key, 'key'), fromHex(cmd.value, 'value'), { signal }), (e) => {
        if (e.name === 'PEER_RESPONSE') peers.push(e.from.toString())
      })
      return { ok: true, peers, queries }
    }
    case 'kad-get': {
      let value = null
      const from = []
      const queries = await query(d.get(fromHex(cmd.key, 'key'), { signal }), (e) => {
        if (e.name === 'VALUE') {
          value = e.value
          from.push(e.from.toString())
        }
      })
      if (value == null) throw new Error(`no value for ${cmd.key}`)
      return { value: hex(value), from, queries }
    }
    case 'kad-routing-table': {
      const peers = [...d.routingTable.kb.toIterable()].map(p => p.peerId.toString())
      return { size: d.routingTable.size, peers, mode: await d.getMode() }
    }
    case 'kad-mode': {
      await d.setMode(cmd.mode)
      return { mode: await d.getMode() }
    }
    default: throw new Error(`unknown command ${JSON.stringify(cmd.cmd)}`)
  }
}
