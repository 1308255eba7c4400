#!/usr/bin/env python3
"""bundle_tool.py - open and re-seal kith bundles, for hostile-input tests.

Used by tests/e2e/bundles.sh to build bundles that only a member holding
the community key could make: correctly encrypted files whose *content* is
bad (a change whose signature no longer matches, a stream without its
final tag, a plaintext with a wrong END count).  Talks to libsodium through
ctypes, so it needs nothing but python3 and libsodium.so.

File layout (crdt/bundle.h):
  "KITHBNDL" version:u8(1) community_tag:8 stream_header:24
  chunk*   chunk = len:u32le ciphertext(len)   (plaintext <= 64 KiB)
Bundle key: crypto_kdf_derive_from_key(32, 1, "kith-com", community key).

usage:
  bundle_tool.py check                          exit 0 if libsodium loads
  bundle_tool.py decrypt BUNDLE COMMUNITY OUT   write the plaintext
  bundle_tool.py seal PLAIN COMMUNITY OUT [--no-final]
  bundle_tool.py replace BUNDLE COMMUNITY OUT OLD NEW
        decrypt, replace the text OLD by NEW (same length) once, re-seal
  bundle_tool.py poke BUNDLE COMMUNITY OUT OFFSET VALUE
        decrypt, set plaintext byte OFFSET (negative: from the end), re-seal
COMMUNITY is the data directory's 'community' file.  Exit 2 on misuse,
3 when libsodium is missing, 1 on any other failure.
"""
import ctypes
import hashlib
import ctypes.util
import os
import struct
import sys

MAGIC = b"KITHBNDL"
VERSION = 1
TAG_LEN = 8
CHUNK = 64 * 1024
SUBKEY_BUNDLE = 1
SUBKEY_TAG = 2


def load_sodium():
    name = ctypes.util.find_library("sodium")
    for cand in ([name] if name else []) + ["libsodium.so.23", "libsodium.so"]:
        try:
            lib = ctypes.CDLL(cand)
        except OSError:
            continue
        if lib.sodium_init() < 0:
            continue
        return lib
    return None


class Sodium:
    def __init__(self, lib):
        self.lib = lib
        lib.crypto_secretstream_xchacha20poly1305_headerbytes.restype = ctypes.c_size_t
        lib.crypto_secretstream_xchacha20poly1305_abytes.restype = ctypes.c_size_t
        lib.crypto_secretstream_xchacha20poly1305_statebytes.restype = ctypes.c_size_t
        lib.crypto_secretstream_xchacha20poly1305_tag_final.restype = ctypes.c_ubyte
        self.hlen = lib.crypto_secretstream_xchacha20poly1305_headerbytes()
        self.abytes = lib.crypto_secretstream_xchacha20poly1305_abytes()
        self.slen = lib.crypto_secretstream_xchacha20poly1305_statebytes()
        self.final = lib.crypto_secretstream_xchacha20poly1305_tag_final()

    def subkey(self, key, which):
        out = ctypes.create_string_buffer(32)
        rc = self.lib.crypto_kdf_derive_from_key(
            out, ctypes.c_size_t(32), ctypes.c_uint64(which), b"kith-com", key)
        if rc:
            raise RuntimeError("crypto_kdf_derive_from_key failed")
        return out.raw

    def tag(self, key):
        k = self.subkey(key, SUBKEY_TAG)
        out = ctypes.create_string_buffer(TAG_LEN)
        self.lib.crypto_generichash(out, ctypes.c_size_t(TAG_LEN), b"kith tag",
                                    ctypes.c_ulonglong(8), k,
                                    ctypes.c_size_t(32))
        return out.raw

    def decrypt(self, data, key):
        head = len(MAGIC) + 1 + TAG_LEN + self.hlen
        if len(data) < head or data[:len(MAGIC)] != MAGIC:
            raise RuntimeError("not a bundle")
        if data[len(MAGIC) + 1:len(MAGIC) + 1 + TAG_LEN] != self.tag(key):
            raise RuntimeError("bundle of another community")
        st = ctypes.create_string_buffer(self.slen)
        hdr = data[len(MAGIC) + 1 + TAG_LEN:head]
        if self.lib.crypto_secretstream_xchacha20poly1305_init_pull(
                st, hdr, self.subkey(key, SUBKEY_BUNDLE)):
            raise RuntimeError("bad stream header")
        pos, plain, final = head, b"", False
        while not final:
            if pos + 4 > len(data):
                raise RuntimeError("truncated")
            (n,) = struct.unpack("<I", data[pos:pos + 4])
            ct = data[pos + 4:pos + 4 + n]
            pos += 4 + n
            if len(ct) != n or n < self.abytes:
                raise RuntimeError("truncated chunk")
            out = ctypes.create_string_buffer(n)
            mlen = ctypes.c_ulonglong(0)
            tag = ctypes.c_ubyte(0)
            if self.lib.crypto_secretstream_xchacha20poly1305_pull(
                    st, out, ctypes.byref(mlen), ctypes.byref(tag), ct,
                    ctypes.c_ulonglong(n), None, ctypes.c_ulonglong(0)):
                raise RuntimeError("chunk does not decrypt")
            plain += out.raw[:mlen.value]
            final = tag.value == self.final
        return plain

    def seal(self, plain, key, final=True):
        st = ctypes.create_string_buffer(self.slen)
        hdr = ctypes.create_string_buffer(self.hlen)
        self.lib.crypto_secretstream_xchacha20poly1305_init_push(
            st, hdr, self.subkey(key, SUBKEY_BUNDLE))
        out = [MAGIC, bytes([VERSION]), self.tag(key), hdr.raw]
        chunks = [plain[i:i + CHUNK] for i in range(0, len(plain), CHUNK)]
        if not chunks:
            chunks = [b""]
        for i, m in enumerate(chunks):
            last = i == len(chunks) - 1
            ct = ctypes.create_string_buffer(len(m) + self.abytes)
            t = self.final if (last and final) else 0
            self.lib.crypto_secretstream_xchacha20poly1305_push(
                st, ct, None, m, ctypes.c_ulonglong(len(m)), None,
                ctypes.c_ulonglong(0), ctypes.c_ubyte(t))
            out.append(struct.pack("<I", len(ct.raw)))
            out.append(ct.raw)
        return b"".join(out)


def community_key(path):
    """The key bundles use: a community with a genesis id (version 2)
    binds its key to it (crdt_community_bind: keyed BLAKE2b-256 of
    "kith community\\x02\\0" + id)."""
    key = genesis = None
    with open(path) as f:
        for line in f:
            if line.startswith("key "):
                key = bytes.fromhex(line.split()[1])
            elif line.startswith("genesis "):
                genesis = bytes.fromhex(line.split()[1])
    if key is None:
        raise RuntimeError("no key in %s" % path)
    if genesis is not None:
        key = hashlib.blake2b(b"kith community\x02\x00" + genesis,
                              digest_size=32, key=key).digest()
    return key


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    lib = load_sodium()
    if lib is None:
        print("bundle_tool: libsodium not found", file=sys.stderr)
        return 3
    na = Sodium(lib)
    cmd = argv[1]
    try:
        if cmd == "check":
            return 0
        if cmd == "decrypt" and len(argv) == 5:
            data = open(argv[2], "rb").read()
            plain = na.decrypt(data, community_key(argv[3]))
            open(argv[4], "wb").write(plain)
            return 0
        if cmd == "seal" and len(argv) in (5, 6):
            plain = open(argv[2], "rb").read()
            final = not (len(argv) == 6 and argv[5] == "--no-final")
            out = na.seal(plain, community_key(argv[3]), final)
            open(argv[4], "wb").write(out)
            return 0
        if cmd == "poke" and len(argv) == 7:
            key = community_key(argv[3])
            plain = bytearray(na.decrypt(open(argv[2], "rb").read(), key))
            off, val = int(argv[5]), int(argv[6], 0)
            plain[off] = val & 0xff
            open(argv[4], "wb").write(na.seal(bytes(plain), key))
            return 0
        if cmd == "replace" and len(argv) == 7:
            key = community_key(argv[3])
            plain = na.decrypt(open(argv[2], "rb").read(), key)
            old, new = argv[5].encode(), argv[6].encode()
            if len(old) != len(new) or plain.count(old) != 1:
                print("bundle_tool: '%s' must occur once and keep its length"
                      % argv[5], file=sys.stderr)
                return 1
            open(argv[4], "wb").write(na.seal(plain.replace(old, new), key))
            return 0
    except (OSError, RuntimeError, ValueError) as e:
        print("bundle_tool: %s" % e, file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
