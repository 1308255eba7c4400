// negentropy.mjs FILE_A FILE_B [FRAME_LIMIT] - reconcile two sets with
// negentropy (the NIP-77 implementation shipped in nostr-tools) and print
// one JSON line: {"bytes":..,"messages":..,"round_trips":..,"found":..}.
//
// Each file holds one element per line: "<id hex, 32 bytes> <head>"; the
// id is BLAKE2b-256(author || head as u64 le), written by recon_bench.c.
// Every element gets timestamp 0, so elements are ordered by id and range
// bounds are the shortest id prefixes (negentropy's cheapest encoding).
// A initiates, B responds.  bytes = binary message lengths (what the hex
// on a nostr relay decodes to), both directions; messages = non-null
// messages; round_trips = ceil(messages / 2), one-way trips halved the
// same way as recon_bench counts kith's; found = have + need ids reported
// by either side (must equal the number of differing elements).
//
// FRAME_LIMIT (default 1 MiB, kith's frame cap; nostr-tools' own default
// is 60000) bounds each message, as negentropy's frameSizeLimit.
import { readFileSync } from 'node:fs';
// nostr-tools exports NIP-77 as the `nip77` namespace of its main entry
// (lib/esm/nip77.js has no subpath export of its own).
import { nip77 } from 'nostr-tools';

const { Negentropy, NegentropyStorageVector } = nip77;

function load(path) {
  const st = new NegentropyStorageVector();
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    const [id] = line.split(' ');
    st.insert(0, id);
  }
  st.seal();
  return st;
}

const [fa, fb, lim] = process.argv.slice(2);
if (!fa || !fb) {
  console.error('usage: node negentropy.mjs FILE_A FILE_B [FRAME_LIMIT]');
  process.exit(2);
}
const limit = lim ? Number(lim) : 1 << 20;
const a = new Negentropy(load(fa), limit);
const b = new Negentropy(load(fb), limit);
let found = 0;
const count = () => { found++; };

let msg = a.initiate();
let bytes = msg.length / 2;
let messages = 1;
for (let turn = 0; ; turn++) {
  const side = turn % 2 === 0 ? b : a;
  const reply = side.reconcile(msg, count, count);
  if (reply === null) break;
  bytes += reply.length / 2;
  messages++;
  msg = reply;
  if (messages > 1000) throw new Error('negentropy did not converge');
}
console.log(JSON.stringify({
  bytes, messages, round_trips: Math.ceil(messages / 2), found,
}));
