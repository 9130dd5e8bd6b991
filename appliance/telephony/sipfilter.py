"""A kernel filter on the engine's SIP socket: packets from unknown sources never reach pjsua2.

NOTE: pjsua2 opens an inbound call's media sockets before the application hears of the call, so
refusing a scanner's INVITE in `onIncomingCall` is too late (a flood exhausts the engine's
sockets and it aborts). A classic BPF program attached with SO_ATTACH_FILTER drops those packets
in the kernel; it needs no privileges and replacing it is atomic.
"""

from __future__ import annotations

import ctypes
import ipaddress
import os
import socket
from collections.abc import Iterable
from pathlib import Path

__all__ = ("attach", "build_program", "find_udp_socket_fd", "parse_proc_net_udp")

SO_ATTACH_FILTER = 26
MAX_INSTRUCTIONS = 4096

# Classic BPF opcodes (linux/filter.h).
_LD_W_ABS = 0x20
_LD_H_ABS = 0x28
_LD_B_ABS = 0x30
_ALU_AND_K = 0x54
_JEQ_K = 0x15
_RET_K = 0x06
# Negative offsets reach the IP header from a socket filter; the data at offset 0 is the UDP header.
_SKF_NET_OFF = -0x100000 & 0xFFFFFFFF
_IPV4_SOURCE = _SKF_NET_OFF + 12
_UDP_PAYLOAD = 8
_ACCEPT = 0xFFFFFFFF
_DROP = 0
_INVITE = b"INVITE "


class _Instruction(ctypes.Structure):
    _fields_ = [("code", ctypes.c_uint16), ("jt", ctypes.c_uint8), ("jf", ctypes.c_uint8), ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_uint16), ("filter", ctypes.POINTER(_Instruction))]


def build_program(allowed: Iterable[str], *, drop_invites: bool = False) -> list[tuple[int, int, int, int]]:
    """Accept IPv4 packets whose source lies in one of `allowed`; drop everything else.

    With drop_invites, new INVITE requests are dropped even from allowed sources (their senders
    retransmit); responses and in-dialog requests still pass. The engine uses this for the half
    second in which ended calls' sockets are not yet free.
    """
    networks = sorted({ipaddress.IPv4Network(n, strict=False) for n in allowed}, key=str)
    accept_tail: list[tuple[int, int, int, int]] = []
    if drop_invites:
        # Compare the first 7 payload bytes with "INVITE " (4 + 2 + 1 bytes).
        word, half, byte = (int.from_bytes(_INVITE[:4]), int.from_bytes(_INVITE[4:6]), _INVITE[6])
        accept_tail = [
            (_LD_W_ABS, 0, 0, _UDP_PAYLOAD),
            (_JEQ_K, 0, 5, word),
            (_LD_H_ABS, 0, 0, _UDP_PAYLOAD + 4),
            (_JEQ_K, 0, 3, half),
            (_LD_B_ABS, 0, 0, _UDP_PAYLOAD + 6),
            (_JEQ_K, 0, 1, byte),
            (_RET_K, 0, 0, _DROP),
        ]
    accept_tail.append((_RET_K, 0, 0, _ACCEPT))

    program: list[tuple[int, int, int, int]] = []
    for index, network in enumerate(networks):
        # Each network is three instructions; on a match jump past the rest to the accept tail.
        remaining = len(networks) - index - 1
        program += [
            (_LD_W_ABS, 0, 0, _IPV4_SOURCE),
            (_ALU_AND_K, 0, 0, int(network.netmask)),
            (_JEQ_K, 3 * remaining + 1, 0, int(network.network_address)),
        ]
    program.append((_RET_K, 0, 0, _DROP))
    program += accept_tail
    if len(program) > MAX_INSTRUCTIONS:
        raise ValueError(f"{len(networks)} networks make a filter longer than the kernel's {MAX_INSTRUCTIONS}")
    if any(jt > 255 for _, jt, _, _ in program):
        raise ValueError("too many networks for one filter: merge them into wider prefixes")
    return program


def attach(fd: int, program: list[tuple[int, int, int, int]]) -> None:
    """Replace the filter on the socket behind `fd` (the kernel swaps it atomically)."""
    instructions = (_Instruction * len(program))(*[_Instruction(*i) for i in program])
    fprog = _Program(len(program), instructions)
    sock = socket.socket(fileno=os.dup(fd))
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, bytes(fprog))
    finally:
        sock.close()


def parse_proc_net_udp(text: str, port: int) -> set[int]:
    """Inodes of the UDP sockets bound to `port`, from the text of /proc/net/udp."""
    inodes = set()
    for line in text.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 10:
            continue
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port:
            inodes.add(int(fields[9]))
    return inodes


def find_udp_socket_fd(port: int) -> int:
    """The descriptor of this process's UDP socket on `port` (pjsua2 does not hand it out)."""
    inodes = parse_proc_net_udp(Path("/proc/net/udp").read_text(), port)
    for entry in Path("/proc/self/fd").iterdir():
        try:
            target = os.readlink(entry)
        except OSError:
            continue
        if target.startswith("socket:[") and int(target[8:-1]) in inodes:
            return int(entry.name)
    raise LookupError(f"no UDP socket of this process is bound to port {port}")
