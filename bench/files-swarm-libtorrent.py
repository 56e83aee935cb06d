#!/usr/bin/python3
"""libtorrent side of bench/files-swarm.sh (Debian's python3-libtorrent, run with /usr/bin/python3).

  make <file> <out.torrent>                 a torrent with 1 MiB pieces (servent's block size)
  seed <torrent> <dir holding the file>     prints "ready <port>", seeds until killed
  get  <torrent> <dest dir> <port>...       downloads from 127.0.0.1:<port>..., prints "done bytes=… seconds=… mbps=…"

Settings are libtorrent's defaults (LT_PROFILE=high: its high_performance_seed() preset) except what a
loopback swarm needs: no DHT/LSD/UPnP/NAT-PMP, listening on 127.0.0.1 only, several peers allowed
on one IP (all seeders are 127.0.0.1), and TCP only (servent runs on TCP; uTP is LEDBAT-paced).
"""
import os
import sys
import time

import libtorrent as lt


def session():
    settings = lt.high_performance_seed() if os.environ.get("LT_PROFILE") == "high" else {}
    settings.update({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "allow_multiple_connections_per_ip": True,
        # TCP, as servent uses: uTP's LEDBAT backs off on the queuing delay of a busy loopback.
        "enable_outgoing_utp": False,
        "enable_incoming_utp": False,
        "alert_mask": lt.alert.category_t.error_notification,
    })
    return lt.session(settings)


def make(path, out):
    fs = lt.file_storage()
    lt.add_files(fs, path)
    t = lt.create_torrent(fs, 1 << 20)
    lt.set_piece_hashes(t, os.path.dirname(os.path.abspath(path)))
    with open(out, "wb") as f:
        f.write(lt.bencode(t.generate()))


def seed(torrent, directory):
    s = session()
    p = lt.add_torrent_params()
    p.ti = lt.torrent_info(torrent)
    p.save_path = directory
    p.flags |= lt.torrent_flags.seed_mode
    s.add_torrent(p)
    print("ready", s.listen_port(), flush=True)
    while True:
        time.sleep(3600)


def get(torrent, dest, ports):
    s = session()
    p = lt.add_torrent_params()
    p.ti = lt.torrent_info(torrent)
    p.save_path = dest
    t0 = time.monotonic()
    h = s.add_torrent(p)
    for port in ports:
        h.connect_peer(("127.0.0.1", int(port)))
    while True:
        st = h.status()
        if st.is_seeding:
            break
        if st.errc.value() != 0:
            raise SystemExit("libtorrent error: " + st.errc.message())
        time.sleep(0.02)
    seconds = time.monotonic() - t0
    size = p.ti.total_size()
    print("done bytes=%d seconds=%.3f mbps=%.1f" % (size, seconds, size / seconds / 1e6), flush=True)


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "make":
        make(sys.argv[2], sys.argv[3])
    elif cmd == "seed":
        seed(sys.argv[2], sys.argv[3])
    elif cmd == "get":
        get(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        raise SystemExit("make, seed or get")
