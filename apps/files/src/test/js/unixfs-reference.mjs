// Reference CIDs from js-ipfs-unixfs (an implementation servent did not write) for UnixFsRoundTripTest.
// Run: npm install ipfs-unixfs-importer@17 blockstore-core@7 && node unixfs-reference.mjs
import { importer } from 'ipfs-unixfs-importer'
import { fixedSize } from 'ipfs-unixfs-importer/chunker'
import { balanced } from 'ipfs-unixfs-importer/layout'
import { MemoryBlockstore } from 'blockstore-core/memory'

function data(n) { const b = new Uint8Array(n); for (let i = 0; i < n; i++) b[i] = (i * 31 + 7) % 251; return b }
async function cid(n, chunk, links) {
  const bs = new MemoryBlockstore()
  let last
  for await (const e of importer([{ content: data(n) }], bs, { cidVersion: 1, rawLeaves: true, chunker: fixedSize({ chunkSize: chunk }), layout: balanced({ maxChildrenPerNode: links }), reduceSingleLeafToSelf: true })) last = e
  return last.cid.toString()
}
const cases = [[0,16,174],[1,1,174],[174,1,174],[175,1,174],[174*174,1,174],[174*174+1,1,174],[1000,7,4],[5*1048576+3,1048576,174],[1048576,1048576,174],[100,10,3]]
for (const [n,c,l] of cases) console.log(`${n} ${c} ${l} ${await cid(n,c,l)}`)
