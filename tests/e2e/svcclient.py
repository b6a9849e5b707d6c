#!/usr/bin/python3
# svcclient.py - a raw client of the tapgate service, for the tests of
# its protocol (tapgate(8), THE SERVICE): it sends what it is told,
# well-formed or not, and prints what came back.
#
#   svcclient.py SOCKET [--bridge=BR] [--vnet] [--raw=HEX] [--version=N]
#                [--extra=HEX] [--send-fd=PATH] [--no-shutdown]
#                [--close-after-send] [--idle] [--hold]
#
# Prints pid=, status=, nfds=, iff=, msg= lines. --idle connects and
# sends nothing, then waits for the service to give up. --hold keeps a
# received tap until stdin is closed.
import array, fcntl, os, socket, struct, sys

opts = {"bridge": "br0", "vnet": False, "raw": None, "version": 1,
        "extra": b"", "send_fd": None, "shutdown": True, "close": False,
        "idle": False, "hold": False}
sock_path = sys.argv[1]
for a in sys.argv[2:]:
    k, _, v = a[2:].partition("=")
    if k == "bridge": opts["bridge"] = v
    elif k == "vnet": opts["vnet"] = True
    elif k == "raw": opts["raw"] = bytes.fromhex(v)
    elif k == "version": opts["version"] = int(v)
    elif k == "extra": opts["extra"] = bytes.fromhex(v)
    elif k == "send-fd": opts["send_fd"] = v
    elif k == "no-shutdown": opts["shutdown"] = False
    elif k == "close-after-send": opts["close"] = True
    elif k == "idle": opts["idle"] = True
    elif k == "hold": opts["hold"] = True
    else: sys.exit("svcclient: unknown option " + a)

print("pid=%d" % os.getpid(), flush=True)
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.connect(sock_path)
if opts["idle"]:
    req = b""
elif opts["raw"] is not None:
    req = opts["raw"]
else:
    br = opts["bridge"].encode()
    req = b"tgq" + bytes([opts["version"], 1 if opts["vnet"] else 0, len(br), 0, 0]) + br
req += opts["extra"]
# The service may answer and close before it reads the request (an
# unmapped id): sending then fails, and the answer is still there.
try:
    if req:
        if opts["send_fd"]:
            fd = os.open(opts["send_fd"], os.O_RDONLY)
            s.sendmsg([req], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))])
        else:
            s.sendall(req)
    if opts["close"]:
        s.close()
        sys.exit(0)
    if opts["shutdown"] and not opts["idle"]:
        s.shutdown(socket.SHUT_WR)
except (BrokenPipeError, ConnectionResetError):
    print("send=broken", flush=True)

hdr, anc, flags, _ = s.recvmsg(8, socket.CMSG_SPACE(4 * 4))
fds = []
for level, typ, data in anc:
    if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
        fds += list(array.array("i", data[: len(data) - len(data) % 4]))
if len(hdr) < 8:
    print("status=none")
    print("nfds=%d" % len(fds))
    sys.exit(0)
status, mlen = hdr[4], hdr[6] | hdr[7] << 8
msg = b""
while len(msg) < mlen:
    chunk = s.recv(mlen - len(msg))
    if not chunk:
        break
    msg += chunk
print("magic=%s" % hdr[:4].hex())
print("status=%d" % status)
print("nfds=%d" % len(fds))
for fd in fds:
    ifr = bytearray(40)
    try:
        fcntl.ioctl(fd, 0x800454d2, ifr)  # TUNGETIFF
        print("iff=%s" % ifr[:16].split(b"\0")[0].decode())
    except OSError as e:
        print("iff=error%d" % e.errno)
print("msg=%s" % msg.decode(errors="replace"), flush=True)
if opts["hold"]:
    sys.stdin.read()
