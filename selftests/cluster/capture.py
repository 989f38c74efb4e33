# SPDX-License-Identifier: GPL-2.0 OR MIT
"""Capture TCP payloads on every interface of this network namespace (an
AF_PACKET socket, root), and put each TCP stream back together, to search
what crossed the wire.  Frames between two ports of a bridge are seen on
the ports (not on the bridge device), once coming in and once going out:
the incoming copy is kept."""
import socket
import struct
import threading

ETH_P_ALL = 0x0003


class Capture:
    def __init__(self, ports=None):
        """ports: keep only TCP segments from or to one of these ports."""
        self.ports = set(ports or ())
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                                  socket.htons(ETH_P_ALL))
        self.sock.settimeout(0.2)
        self.segments = {}      # (src, sport, dst, dport) -> {seq: payload}
        self.frames = 0
        self.bytes = 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while self.running:
            try:
                frame, addr = self.sock.recvfrom(65536)
            except socket.timeout:
                continue
            except OSError:
                break
            if addr[2] == socket.PACKET_OUTGOING:
                continue
            self._frame(frame)

    def _frame(self, frame):
        if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
            return
        ip = frame[14:]
        ihl = (ip[0] & 15) * 4
        total = struct.unpack("!H", ip[2:4])[0]
        if ip[9] != 6 or len(ip) < ihl + 20:
            return
        tcp = ip[ihl:total]
        sport, dport, seq = struct.unpack("!HHI", tcp[:8])
        if self.ports and sport not in self.ports and dport not in self.ports:
            return
        off = (tcp[12] >> 4) * 4
        payload = tcp[off:]
        if not payload:
            return
        key = (bytes(ip[12:16]), sport, bytes(ip[16:20]), dport)
        self.segments.setdefault(key, {})[seq] = bytes(payload)
        self.frames += 1
        self.bytes += len(payload)

    def stop(self):
        self.running = False
        self.thread.join(5)
        self.sock.close()

    def streams(self):
        """Each TCP stream's bytes, in sequence order (retransmissions
        once; wraps of the 32-bit sequence are not expected here)."""
        out = []
        for segs in list(self.segments.values()):
            data = bytearray()
            for seq in sorted(segs):
                data += segs[seq]
            out.append(bytes(data))
        return out

    def find(self, needle):
        """How many times needle appears in the streams captured."""
        return sum(s.count(needle) for s in self.streams())
