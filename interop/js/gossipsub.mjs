// gossipsub commands for peer.mjs, for a peer started with --services gossipsub
// (@libp2p/gossipsub 17 with its defaults: StrictSign, message id = author key protobuf + seqno).
// peer.mjs hands every command whose name starts with "gossipsub-" to gossipsubCommand:
//   gossipsub-subscribe {topic}          → {ok}; from then on every message delivered is recorded
//   gossipsub-unsubscribe {topic}        → {ok}
//   gossipsub-publish {topic, data}      → {recipients: [peerId…]}; data is UTF-8 text
//   gossipsub-received {topic}           → {messages: [{from, seqno, data, msgId, via}…]}: every
//                                          delivery to the application, in order, duplicates included
//   gossipsub-mesh {topic}               → {peers}: the mesh peers of the topic
//   gossipsub-subscribers {topic}        → {peers}: the peers known to be subscribed to it
//   gossipsub-score {peer}               → {score}: this peer's score of another

const received = new Map() // topic → [{from, seqno, data, msgId, via}]
const listening = new WeakSet()

function pubsubOf (node) {
  const pubsub = node.services.pubsub
  if (pubsub == null) throw new Error('gossipsub is not running: start the peer with --services gossipsub')
  if (!listening.has(pubsub)) {
    listening.add(pubsub)
    pubsub.addEventListener('gossipsub:message', (evt) => {
      const { propagationSource, msgId, msg } = evt.detail
      const list = received.get(msg.topic) ?? []
      list.push({
        from: msg.from?.toString() ?? null,
        seqno: msg.sequenceNumber?.toString() ?? null,
        data: Buffer.from(msg.data).toString('utf8'),
        msgId,
        via: propagationSource.toString()
      })
      received.set(msg.topic, list)
    })
  }
  return pubsub
}

function topicOf (cmd) {
  if (typeof cmd.topic !== 'string' || cmd.topic === '') throw new Error('the command needs a "topic"')
  return cmd.topic
}

export async function gossipsubCommand (node, cmd) {
  const pubsub = pubsubOf(node)
  switch (cmd.cmd) {
    case 'gossipsub-subscribe':
      pubsub.subscribe(topicOf(cmd))
      return { ok: true }
    case 'gossipsub-unsubscribe':
      pubsub.unsubscribe(topicOf(cmd))
      return { ok: true }
    case 'gossipsub-publish': {
      const data = new TextEncoder().encode(String(cmd.data ?? ''))
      const result = await pubsub.publish(topicOf(cmd), data)
      return { recipients: result.recipients.map(String) }
    }
    case 'gossipsub-received':
      return { messages: received.get(topicOf(cmd)) ?? [] }
    case 'gossipsub-mesh':
      return { peers: pubsub.getMeshPeers(topicOf(cmd)).map(String) }
    case 'gossipsub-subscribers':
      return { peers: pubsub.getSubscribers(topicOf(cmd)).map(String) }
    case 'gossipsub-score':
      return { score: pubsub.getScore(String(cmd.peer)) }
    default:
      throw new Error(`unknown command ${JSON.stringify(cmd.cmd)}`)
  }
}
