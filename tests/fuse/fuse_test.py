#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""make test-fuse: vfsim serve --fuse against this host's kernel.

Mounts the device's file system on /dev/fuse (`vfsim serve --fuse DIR
--dir HOSTDIR`), runs a shell workload on it (ordinary programs: cp, cat,
mkdir, mv, ln, rm, dd, cmp, find, ls, stat, flock), then fsx-style random
I/O: random reads, writes, truncates, reopens and fsyncs on a few files,
each checked against an in-memory reference model, with the whole file
compared every few operations and at the end. Last it sends SIGTERM and
checks that the mount is gone and the host directory was never touched.

    tests/fuse/fuse_test.py [--vfsim build/vfsim] [--work build/fuse]
                            [--ops 4000] [--seed 1]

Exit status: 0 every check held; 1 a check failed, or a prerequisite is
missing while CI is set; 77 a prerequisite is missing by hand.
"""
import argparse
import hashlib
import mmap
import os
import random
import shutil
import signal
import subprocess
import sys
import time


class Fail(Exception):
    pass


def log(*a):
    print(*a, flush=True)


def mounted(path):
    with open("/proc/self/mounts") as f:
        return any(line.split()[1] == path for line in f)


def sh(cmd, cwd):
    r = subprocess.run(["sh", "-c", cmd], cwd=cwd, capture_output=True,
                       text=True)
    return r.returncode, r.stdout + r.stderr


def tree_digest(root):
    h = hashlib.sha256()
    for d, dirs, files in sorted(os.walk(root)):
        dirs.sort()
        for name in sorted(files):
            p = os.path.join(d, name)
            h.update(os.path.relpath(p, root).encode())
            with open(p, "rb") as f:
                h.update(f.read())
    return h.hexdigest()


WORKLOAD = [
    # (command run in the mount, expected output, exit status)
    ("cat seed/readme", "seeded\n", 0),
    ("ls seed", "data\nreadme\nsub\n", 0),
    ("cat seed/sub/deep", "deep\n", 0),
    ("echo one > a && echo two >> a && cat a", "one\ntwo\n", 0),
    ("mkdir d && mv a d/b && cat d/b", "one\ntwo\n", 0),
    ("cp seed/data d/data && cmp seed/data d/data && echo same",
     "same\n", 0),
    ("dd if=/dev/urandom of=/tmp/vfsim-fuse-rand bs=1M count=3 "
     "2>/dev/null && cp /tmp/vfsim-fuse-rand big && "
     "cmp /tmp/vfsim-fuse-rand big && echo same", "same\n", 0),
    ("truncate -s 10 big && stat -c %s big", "10\n", 0),
    ("chmod 640 d/b && stat -c %a d/b", "640\n", 0),
    ("find d | sort", "d\nd/b\nd/data\n", 0),
    ("flock d/b -c 'echo locked'", "locked\n", 0),
    ("python3 -c \"import fcntl,os; f=os.open('d/b',os.O_RDWR); "
     "fcntl.lockf(f,fcntl.LOCK_EX); print('posix-locked')\"",
     "posix-locked\n", 0),
    ("rm d/b d/data && rmdir d && ls", "big\nseed\n", 0),
    ("rm big && ls", "seed\n", 0),
    ("df . | tail -1 | awk '{print $1}'", "vfsim\n", 0),
]


def fsx(mnt, ops, seed):
    """Random I/O on a few files against an in-memory model."""
    rnd = random.Random(seed)
    names = ["fsx%d" % i for i in range(3)]
    model = {n: bytearray() for n in names}
    fds = {n: os.open(os.path.join(mnt, n), os.O_RDWR | os.O_CREAT, 0o644)
           for n in names}
    maxlen = 1 << 20
    counts = {}
    try:
        for i in range(ops):
            n = rnd.choice(names)
            fd, m = fds[n], model[n]
            op = rnd.choice(["write", "write", "read", "read", "truncate",
                             "reopen", "fsync", "mapread"])
            counts[op] = counts.get(op, 0) + 1
            if op == "write":
                off = rnd.randrange(0, maxlen)
                data = bytes(rnd.getrandbits(8) for _ in
                             range(rnd.randrange(1, 70000)))
                data = data[:maxlen - off]
                os.pwrite(fd, data, off)
                if off > len(m):
                    m.extend(bytes(off - len(m)))
                m[off:off + len(data)] = data
            elif op in ("read", "mapread"):
                off = rnd.randrange(0, max(1, len(m) + 100))
                size = rnd.randrange(1, 100000)
                if op == "mapread" and m:
                    # through the page cache a mapping fills (READs)
                    with mmap.mmap(fd, len(m), prot=mmap.PROT_READ) as mp:
                        got = mp[off:off + size]
                else:
                    got = os.pread(fd, size, off)
                if got != bytes(m[off:off + size]):
                    raise Fail("fsx op %d: %s %s at %d+%d differs from the "
                               "model" % (i, op, n, off, size))
            elif op == "truncate":
                size = rnd.randrange(0, maxlen)
                os.ftruncate(fd, size)
                if size < len(m):
                    del m[size:]
                else:
                    m.extend(bytes(size - len(m)))
            elif op == "reopen":
                os.close(fd)
                fds[n] = os.open(os.path.join(mnt, n), os.O_RDWR)
            else:
                os.fsync(fd)
            if i % 200 == 199 or i == ops - 1:
                for k in names:
                    if os.fstat(fds[k]).st_size != len(model[k]):
                        raise Fail("fsx op %d: %s size %d, model %d" %
                                   (i, k, os.fstat(fds[k]).st_size,
                                    len(model[k])))
                    with open(os.path.join(mnt, k), "rb") as f:
                        if f.read() != bytes(model[k]):
                            raise Fail("fsx op %d: %s differs from the "
                                       "model" % (i, k))
    finally:
        for fd in fds.values():
            os.close(fd)
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    here = os.path.dirname(os.path.abspath(__file__))
    root = os.path.dirname(os.path.dirname(here))
    ap.add_argument("--vfsim", default=os.path.join(root, "build", "vfsim"))
    ap.add_argument("--work", default=os.path.join(root, "build", "fuse"))
    ap.add_argument("--ops", type=int, default=4000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    vfsim = os.path.abspath(args.vfsim)
    why = None
    if os.geteuid() != 0:
        why = "must run as root (mount(2) on /dev/fuse)"
    elif not os.path.exists("/dev/fuse"):
        why = "/dev/fuse is missing (modprobe fuse)"
    elif not os.access(vfsim, os.X_OK):
        why = "%s is not built (make)" % vfsim
    elif not shutil.which("flock"):
        why = "flock is missing (util-linux)"
    if why:
        log("test-fuse: cannot run: %s" % why)
        return 1 if os.environ.get("CI") else 77
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    host, mnt = os.path.join(work, "host"), os.path.join(work, "mnt")
    os.makedirs(os.path.join(host, "seed", "sub"))
    os.makedirs(mnt)
    with open(os.path.join(host, "seed", "readme"), "w") as f:
        f.write("seeded\n")
    with open(os.path.join(host, "seed", "sub", "deep"), "w") as f:
        f.write("deep\n")
    with open(os.path.join(host, "seed", "data"), "wb") as f:
        f.write(os.urandom(300000))
    os.symlink("/etc", os.path.join(host, "seed", "escape"))
    before = tree_digest(host)
    serve_log = open(os.path.join(work, "serve.log"), "w")
    serve = subprocess.Popen([vfsim, "serve", "--fuse", mnt, "--dir", host,
                              "--trace", "none"],
                             stdout=subprocess.DEVNULL, stderr=serve_log)
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
        log("  %s %s" % ("ok  " if cond else "FAIL", what))

    try:
        for _ in range(100):
            if mounted(mnt) or serve.poll() is not None:
                break
            time.sleep(0.05)
        check(mounted(mnt), "mounted on %s" % mnt)
        if not mounted(mnt):
            raise Fail("no mount")
        check(not os.path.lexists(os.path.join(mnt, "seed", "escape")),
              "the host's symbolic link is not served (no way out)")
        log("shell workload:")
        for cmd, want, rc in WORKLOAD:
            got_rc, out = sh(cmd, mnt)
            check(got_rc == rc and out == want,
                  "%-60s -> %d %r" % (cmd[:60], got_rc, out[:60]))
        log("fsx-style random I/O (%d operations, seed %d):" %
            (args.ops, args.seed))
        t = time.time()
        try:
            counts = fsx(mnt, args.ops, args.seed)
            check(True, "every read and every whole-file check matched the "
                  "model (%s) in %.1f s" % (
                      ", ".join("%s %d" % kv for kv in
                                sorted(counts.items())), time.time() - t))
        except (Fail, OSError) as e:
            check(False, "fsx: %s" % e)
    except Fail:
        pass
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=20)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()
        serve_log.close()
    check(serve.returncode == 0, "SIGTERM ended vfsim serve cleanly "
          "(status %s)" % serve.returncode)
    check(not mounted(mnt), "the mount is gone")
    check(tree_digest(host) == before, "the host directory is unchanged")
    if failures:
        log("test-fuse: %d check(s) failed (log in %s)" %
            (len(failures), serve_log.name))
        return 1
    log("test-fuse: every check held")
    return 0


if __name__ == "__main__":
    sys.exit(main())
