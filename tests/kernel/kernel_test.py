#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""make test-kernel: vfsim serve against the real Linux virtio_fs driver.

Boots Debian bookworm's own kernel (linux-image-*-amd64, fetched with
apt-get download and unpacked under build/kernel/, never installed) under
qemu-system-x86_64 with TCG, a busybox initramfs built here, the guest's
RAM in a shared memfd and a vhost-user-fs-pci device on the socket of
`vfsim serve`. The guest runs the workload below, one shell step at a
time, prints each result on the serial console and powers off. Every
case is then checked from both ends: what the guest's commands returned,
and what the device's trace shows the real driver did.

The same workload runs in the simulator (`vfsim run`, guest variant
--variant, default 6.1, the release booted), and the per-step sequences of FUSE opcodes
the device received from the real driver and from the model are printed
side by side (docs/real-kernel.md explains the differences).

    tests/kernel/kernel_test.py [--vfsim build/vfsim] [--work build/kernel]
                                [--variant 6.1] [--keep]

Exit status: 0 every check held; 1 a check failed, or a prerequisite is
missing while CI is set; 77 a prerequisite is missing by hand (the
message says which).
"""
import argparse
import base64
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
MODULES = ["virtio", "virtio_ring", "virtio_pci_modern_dev",
           "virtio_pci_legacy_dev", "virtio_pci", "fuse", "virtiofs"]
BOOT_TIMEOUT = 420  # seconds for the whole boot, workload included
MARK = ".vfsim-mark-"

# The fault plan vfsim serve runs the boot with: each rule picks one
# operation on one file, so nothing else the driver sends is touched.
FAULTS = ";".join([
    "dev.stall:site=MKDIR/stall-trigger",
    "dev.bad-unique:site=LOOKUP/bad-unique",
    "dev.short:site=LOOKUP/short-reply",
    "dev.error:site=LOOKUP/err-here,arg=EACCES",
    "dev.late:site=LOOKUP/late-here,arg=2s",
    "dev.die:site=LOOKUP/die-here",
])
# The model cannot be sent SIGUSR1: its stall lasts 10 ms of virtual time.
MODEL_FAULTS = FAULTS.replace("dev.stall:site=MKDIR/stall-trigger",
                              "dev.stall:site=MKDIR/stall-trigger,arg=10ms")


class Step:
    """One shell step: its command, what its output must match, and the
    same work as the model's guest operations (None: not compared)."""

    def __init__(self, name, sh, expect, model, case, rc=0):
        self.name, self.sh, self.expect = name, sh, expect
        self.model, self.case, self.rc = model, case, rc


def rep(n, ops):
    return ["repeat %d" % n] + ["  " + o for o in ops] + ["end"]


STEPS = [
    # case 1: every operation the device implements, through the shell
    Step("ls", "ls /mnt", r"^dir\|faults\|hello\|many\|$",
         ["opendir / as d", "readdir d", "lookup /dir", "lookup /faults",
          "lookup /hello", "lookup /many", "releasedir d"], 1),
    Step("stat", "stat -c '%s %F' /mnt/hello", r"^12 regular file\|$",
         ["lookup /hello", "getattr /hello"], 1),
    Step("cat", "cat /mnt/hello", r"^hello world\|$",
         ["open /hello as h ro", "read h 0 4096", "flush h", "release h"], 1),
    Step("write", "echo new > /mnt/f1", r"^$",
         ["create /f1 as h", "write h 0 \"new\\n\"", "flush h", "release h"], 1),
    Step("append", "echo more >> /mnt/f1", r"^$",
         ["open /f1 as h wo", "write h 4 \"more\\n\"", "flush h", "release h"], 1),
    Step("read-back", "cat /mnt/f1", r"^new\|more\|$",
         ["open /f1 as h ro", "read h 0 4096", "flush h", "release h"], 1),
    Step("truncate", "truncate -s 2 /mnt/f1 && cat /mnt/f1", r"^ne$",
         ["setattr /f1 size=2", "open /f1 as h ro", "read h 0 4096",
          "flush h", "release h"], 1),
    Step("chmod", "chmod 600 /mnt/f1 && stat -c %a /mnt/f1", r"^600\|$",
         ["setattr /f1 mode=0600", "getattr /f1"], 1),
    Step("mkdir", "mkdir /mnt/d1 && ls -d /mnt/d1", r"^/mnt/d1\|$",
         ["mkdir /d1", "getattr /d1"], 1),
    Step("rename", "mv /mnt/f1 /mnt/d1/f2 && cat /mnt/d1/f2", r"^ne$",
         ["rename /f1 /d1/f2", "open /d1/f2 as h ro", "read h 0 4096",
          "flush h", "release h"], 1),
    Step("ls-dir", "ls /mnt/d1", r"^f2\|$",
         ["opendir /d1 as d", "readdir d", "releasedir d"], 1),
    Step("link", "ln /mnt/hello /mnt/hl", r"Operation not permitted",
         [], 1, rc=1),
    Step("symlink", "ln -s hello /mnt/sl", r"Function not implemented",
         [], 1, rc=1),
    Step("rm", "rm /mnt/d1/f2 && ls /mnt/d1", r"^$",
         ["unlink /d1/f2", "opendir /d1 as d", "readdir d",
          "releasedir d"], 1),
    Step("rmdir", "rmdir /mnt/d1 && ls /mnt/d1", r"No such file",
         ["rmdir /d1", "lookup /d1"], 1, rc=1),
    Step("dd", "dd if=/tmp/rand of=/mnt/big bs=1M 2>&1 | tail -1",
         r"4\+0 records out",
         ["create /big as h"] +
         ["write h %d size=1M" % (i << 20) for i in range(4)] +
         ["flush h", "release h"], 1),
    Step("sync", "sync", r"^$", [], 1),
    Step("dd-verify", "echo 1 > /proc/sys/vm/drop_caches && "
         "cmp /tmp/rand /mnt/big && echo same", r"^same\|$",
         ["open /big as h ro"] +
         ["read h %d 1M" % (i << 20) for i in range(4)] +
         ["flush h", "release h"], 1),
    Step("flock", "flock /mnt/hello -c 'echo locked'", r"^locked$",
         [], 1),
    Step("df", "df /mnt | tail -1", r"4194304", [], 1),
    Step("touch", "touch /mnt/hello && echo ok", r"^ok\|$", [], 1),
    Step("tree", "ls -R /mnt/dir && cat /mnt/dir/a",
         r"^/mnt/dir:\|a\|sub\|\|/mnt/dir/sub:\|b\|aaa\|$",
         ["opendir /dir as d", "readdir d", "releasedir d",
          "opendir /dir/sub as e", "readdir e", "releasedir e",
          "open /dir/a as h ro", "read h 0 4096", "flush h", "release h"], 1),
    # case 2: FORGETs reach hiprio, lookups balance at unmount
    Step("create-300",
         "i=1; while [ $i -le 300 ]; do : > /mnt/many/f$i || exit 1; "
         "i=$((i+1)); done; ls /mnt/many | wc -l", r"^300\|$",
         rep(300, ["create /many/f$i as h", "flush h", "release h"]), 2),
    Step("drop-caches", "echo 2 > /proc/sys/vm/drop_caches", r"^$",
         ["forget-all"], 2),
    Step("umount", "umount /mnt", r"^$", ["umount"], 2),
    # case 3: the device stalls; the driver fills both queues
    Step("remount", "mount -t virtiofs myfs /mnt", r"^$", ["mount"], 3),
    Step("warm-200",
         "i=1; while [ $i -le 200 ]; do stat /mnt/many/f$i > /dev/null "
         "|| exit 1; i=$((i+1)); done", r"^$",
         rep(200, ["lookup /many/f$i"]), 3),
    Step("stall",
         "mkdir /mnt/stall-trigger || exit 1; i=201; "
         "while [ $i -le 300 ]; do (stat /mnt/many/f$i > /dev/null || "
         "echo fail$i) & i=$((i+1)); done; "
         "echo 2 > /proc/sys/vm/drop_caches; "
         "echo @@STALLED > /dev/console; wait; "
         "echo 2 > /proc/sys/vm/drop_caches; echo flood-done",
         r"^flood-done$",
         ["mkdir /stall-trigger"] + rep(100, ["lookup /many/f$i"]) +
         ["forget-all"], 3),
    Step("umount-2", "umount /mnt", r"^$", ["umount"], 3),
    # case 5: malformed replies, a refusal, a late answer
    Step("remount-2", "mount -t virtiofs myfs /mnt", r"^$", ["mount"], 5),
    Step("bad-unique", "cat /mnt/faults/bad-unique; echo rc=$?", r"rc=",
         ["open /faults/bad-unique as h ro", "read h 0 4096", "flush h", "release h"], 5),
    Step("short-reply", "cat /mnt/faults/short-reply; echo rc=$?", r"rc=",
         ["open /faults/short-reply as h ro", "read h 0 4096", "flush h", "release h"], 5),
    Step("refused", "stat /mnt/faults/err-here", r"Permission denied",
         ["lookup /faults/err-here"], 5, rc=1),
    Step("late", "s=$(date +%s); cat /mnt/faults/late-here; e=$(date +%s); "
         "echo took=$((e-s))", r"^z\|took=[2-9]",
         ["open /faults/late-here as h ro", "read h 0 4096", "flush h", "release h"], 5),
    Step("dmesg-malformed", "dmesg | grep -i -E 'fuse|virtio' | tail -5; "
         "true", r"", None, 5),
    # case 4: the device dies with a request in flight
    Step("die",
         "echo 2 > /proc/sys/kernel/hung_task_timeout_secs; "
         "stat /mnt/faults/die-here > /dev/null 2>&1 & p=$!; sleep 4; "
         "echo state=$(grep State /proc/$p/status | tr -s '\\t ' ' '); "
         "echo wchan=$(cat /proc/$p/wchan); "
         "kill -9 $p; sleep 5; "
         "echo after-kill=$(grep State /proc/$p/status | tr -s '\\t ' ' ') "
         "wchan=$(cat /proc/$p/wchan); "
         "echo w > /proc/sysrq-trigger; "
         "dmesg | grep -E 'blocked for more than|task:stat|"
         "request_wait_answer|fuse_' | head -8",
         r"state=State: S \(sleeping\)\|wchan=request_wait_answer\|"
         r"after-kill=State: D \(disk sleep\) wchan=request_wait_answer\|"
         r".*blocked for more than", None, 4),
]


def log(*a):
    print(*a, flush=True)


class Missing(Exception):
    pass


def need(cond, what):
    if not cond:
        raise Missing(what)


def prerequisites(vfsim):
    need(os.geteuid() == 0, "must run as root (mounts, /dev/fuse, "
         "apt-get download)")
    for tool, pkg in [("qemu-system-x86_64", "qemu-system-x86"),
                      ("depmod", "kmod"), ("cpio", "cpio"),
                      ("apt-get", "apt"), ("dpkg-deb", "dpkg")]:
        need(shutil.which(tool), "%s is missing (apt-get install %s, or "
             "scripts/deps.sh kernel)" % (tool, pkg))
    need(os.path.exists("/bin/busybox") and "statically linked" in
         subprocess.run(["file", "-L", "/bin/busybox"], capture_output=True,
                        text=True).stdout if shutil.which("file") else
         os.path.exists("/bin/busybox"),
         "a static /bin/busybox is missing (apt-get install busybox-static)")
    need(os.access(vfsim, os.X_OK), "%s is not built (make)" % vfsim)


def fetch_kernel(work):
    """The bookworm kernel package, downloaded and unpacked once."""
    kdir = os.path.join(work, "linux")
    found = glob.glob(os.path.join(kdir, "boot", "vmlinuz-*"))
    if found:
        return kdir, os.path.basename(found[0])[len("vmlinuz-"):]
    dep = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                         capture_output=True, text=True).stdout
    m = re.search(r"Depends: (linux-image-[0-9][^\s]*-amd64)", dep)
    if not m:
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        dep = subprocess.run(["apt-cache", "depends", "linux-image-amd64"],
                             capture_output=True, text=True).stdout
        m = re.search(r"Depends: (linux-image-[0-9][^\s]*-amd64)", dep)
    need(m, "apt-cache knows no linux-image-amd64 (a Debian bookworm "
         "apt source is needed)")
    deb_dir = os.path.join(work, "deb")
    os.makedirs(deb_dir, exist_ok=True)
    log("kernel: apt-get download %s" % m.group(1))
    subprocess.run(["apt-get", "download", "-q", m.group(1)], cwd=deb_dir,
                   check=True, capture_output=True)
    deb = glob.glob(os.path.join(deb_dir, m.group(1) + "_*.deb"))[0]
    tmp = kdir + ".tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    subprocess.run(["dpkg-deb", "-x", deb, tmp], check=True)
    os.rename(tmp, kdir)
    found = glob.glob(os.path.join(kdir, "boot", "vmlinuz-*"))
    return kdir, os.path.basename(found[0])[len("vmlinuz-"):]


def guest_script():
    """The init script: load the modules, mount, run every step."""
    lines = [
        "#!/bin/busybox sh",
        "/bin/busybox --install -s /bin",
        "export PATH=/bin:/usr/bin",
        "mount -t proc proc /proc; mount -t sysfs sys /sys",
        "mount -t devtmpfs dev /dev; mount -t tmpfs tmp /tmp",
        "echo '@@ boot' $(cut -d' ' -f1 /proc/uptime)",
        "modprobe virtio_pci && modprobe virtiofs || echo '@@ modprobe failed'",
        "dd if=/dev/urandom of=/tmp/rand bs=1M count=4 2>/dev/null",
        "step() { id=$1; shift",
        "  [ -n \"$MARKS\" ] && stat /mnt/%s$id > /dev/null 2>&1" % MARK,
        "  out=$(sh -c \"$*\" 2>&1); rc=$?",
        "  echo \"@@R $id rc=$rc out=$(echo \"$out\" | tr '\\n' '|' | "
        "base64 -w0)\"",
        "}",
        "mount -t virtiofs myfs /mnt && echo '@@ mounted' && MARKS=1",
    ]
    for i, s in enumerate(STEPS):
        if s.name in ("remount", "remount-2"):
            # no marker before a mount: there is no file system to ask
            lines.append("MARKS=")
        q = s.sh.replace("'", "'\\''")
        lines.append("step %d '%s'" % (i, q))
        if s.name in ("umount", "umount-2"):
            lines.append("MARKS=")
        if s.name in ("remount", "remount-2"):
            lines.append("MARKS=1")
    lines += ["echo '@@ done' $(cut -d' ' -f1 /proc/uptime)",
              # -n: no sync(), which would wait on the dead device
              "poweroff -n -f"]
    return "\n".join(lines) + "\n"


def add_binary(root, path):
    """Copy a dynamically linked program and the libraries it loads."""
    need(path, "flock (util-linux) is missing")
    libs = subprocess.run(["ldd", path], capture_output=True, text=True,
                          check=True).stdout
    files = [path] + re.findall(r"(/\S+\.so[.\d]*)", libs)
    for f in files:
        dst = os.path.join(root, f.lstrip("/"))
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy(f, dst)


def build_initramfs(work, kdir, kver):
    root = os.path.join(work, "initramfs")
    shutil.rmtree(root, ignore_errors=True)
    for d in ["bin", "proc", "sys", "dev", "mnt", "tmp"]:
        os.makedirs(os.path.join(root, d))
    shutil.copy("/bin/busybox", os.path.join(root, "bin", "busybox"))
    # busybox-static has no flock applet: util-linux's, with its libraries
    add_binary(root, shutil.which("flock"))
    mroot = os.path.join(kdir, "lib", "modules", kver)
    for mod in MODULES:
        src = glob.glob(os.path.join(mroot, "kernel", "**", mod + ".ko*"),
                        recursive=True)
        need(src, "module %s missing from the kernel package" % mod)
        rel = os.path.relpath(src[0], kdir)
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        shutil.copy(src[0], os.path.join(root, rel))
    for f in ["modules.order", "modules.builtin", "modules.builtin.modinfo"]:
        if os.path.exists(os.path.join(mroot, f)):
            shutil.copy(os.path.join(mroot, f),
                        os.path.join(root, "lib", "modules", kver, f))
    subprocess.run(["depmod", "-b", root, kver], check=True)
    with open(os.path.join(root, "init"), "w") as f:
        f.write(guest_script())
    os.chmod(os.path.join(root, "init"), 0o755)
    out = os.path.join(work, "initramfs.cpio")
    files = subprocess.run(["find", "."], cwd=root, capture_output=True,
                           text=True, check=True).stdout
    with open(out, "wb") as f:
        subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], cwd=root,
                       input=files.encode(), stdout=f, check=True)
    return out


def boot(args, kdir, kver, initrd):
    """One boot: serve and QEMU, SIGUSR1 when the guest has stalled."""
    out = os.path.join(args.work, "real")
    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    sock = os.path.join(out, "vhost-user.sock")
    serial = os.path.join(out, "serial.log")
    serve_log = open(os.path.join(out, "serve.log"), "w")
    serve = subprocess.Popen(
        [args.vfsim, "serve", "--socket", sock, "--fs",
         os.path.join(HERE, "workload.vfs"), "--faults", FAULTS,
         "--trace", "jsonl", "--out", out, "--once"],
        stdout=subprocess.DEVNULL, stderr=serve_log)
    for _ in range(100):
        if os.path.exists(sock) or serve.poll() is not None:
            break
        time.sleep(0.05)
    need(os.path.exists(sock), "vfsim serve did not start (see %s)" %
         serve_log.name)
    qemu_cmd = [
        "qemu-system-x86_64", "-machine", "q35,accel=tcg", "-cpu", "max",
        "-smp", "2", "-m", "512M",
        "-object", "memory-backend-memfd,id=mem,size=512M,share=on",
        "-numa", "node,memdev=mem",
        "-chardev", "socket,id=vfs,path=" + sock,
        "-device", "vhost-user-fs-pci,chardev=vfs,tag=myfs",
        "-kernel", os.path.join(kdir, "boot", "vmlinuz-" + kver),
        "-initrd", initrd,
        "-append", "console=ttyS0 panic=-1 quiet",
        "-display", "none", "-no-reboot", "-monitor", "none",
        "-serial", "file:" + serial]
    with open(os.path.join(out, "qemu.cmd"), "w") as f:
        f.write(" ".join(qemu_cmd) + "\n")
    start = time.time()
    qemu = subprocess.Popen(qemu_cmd, stdout=open(
        os.path.join(out, "qemu.log"), "w"), stderr=subprocess.STDOUT)
    resumed = None
    while qemu.poll() is None and time.time() - start < BOOT_TIMEOUT:
        time.sleep(0.2)
        text = open(serial, errors="replace").read() \
            if os.path.exists(serial) else ""
        if resumed is None and "@@STALLED" in text:
            # Let the driver fill both queues, then end the stall.
            time.sleep(3)
            serve.send_signal(signal.SIGUSR1)
            resumed = time.time()
    elapsed = time.time() - start
    timed_out = qemu.poll() is None
    if timed_out:
        qemu.kill()
    qemu.wait()
    serve.send_signal(signal.SIGTERM)
    try:
        serve.wait(timeout=20)
    except subprocess.TimeoutExpired:
        serve.kill()
        serve.wait()
    serve_log.close()
    return out, elapsed, timed_out, serve.returncode


def read_jsonl(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def drop_last_lookup(ops):
    """Take the marker's own LOOKUP out of a step's list (a FORGET from
    the hiprio worker may have been popped after it)."""
    for i in range(len(ops) - 1, -1, -1):
        if ops[i] == "LOOKUP":
            del ops[i]
            return


def split_real(events):
    """The opcodes the device popped per step, from the marker LOOKUPs
    (fuse.args of name .vfsim-mark-N) of the real run. Popped, not served:
    a request the fault plan refuses never reaches the server."""
    seqs, cur = {"mount": []}, "mount"
    for ev in events:
        if ev.get("kind") == "dev.pop":
            seqs[cur].append(ev.get("opcode"))
        elif ev.get("kind") == "fuse.args":
            m = re.search(r"name=" + re.escape(MARK) + r"(\d+)",
                          ev.get("detail", ""))
            if m:
                drop_last_lookup(seqs[cur])
                cur = int(m.group(1))
                seqs[cur] = []
    return seqs


def model_scenario(variant):
    with open(os.path.join(HERE, "workload.vfs")) as f:
        text = f.read()
    text = re.sub(r"^machine ", "machine variant=%s cpus=2 " % variant, text,
                  flags=re.M)
    lines = [text]
    for rule in MODEL_FAULTS.split(";"):
        lines.append("fault " + rule)
    lines.append("task guest")
    lines.append("  mount")
    marks = True
    for i, s in enumerate(STEPS):
        if s.model is None:
            break
        if s.name in ("remount", "remount-2"):
            marks = False
        if marks:
            lines.append("  lookup /%s%d" % (MARK, i))
        lines += ["  " + o for o in s.model]
        if s.name in ("umount", "umount-2"):
            marks = False
        if s.name in ("remount", "remount-2"):
            marks = True
    lines += ["  umount", "end", "run"]
    return "\n".join(lines) + "\n"


def split_model(events):
    """The model's opcodes per step: a marker is the LOOKUP popped just
    before the scn.op event of a `lookup /.vfsim-mark-N`."""
    seqs, cur = {"mount": []}, "mount"
    for ev in events:
        if ev.get("kind") == "dev.pop":
            seqs[cur].append(ev.get("opcode"))
        elif ev.get("kind") == "scn.op" and ev.get("func") == "lookup":
            m = re.search(re.escape(MARK) + r"(\d+)", ev.get("detail", ""))
            if m:
                drop_last_lookup(seqs[cur])
                cur = int(m.group(1))
                seqs[cur] = []
    return seqs


def cell(ops):
    """A table cell: the sequence, or its counts when it is long."""
    if len(ops) <= 16:
        return squeeze(ops) or "-"
    counts = {}
    for op in ops:
        counts[op] = counts.get(op, 0) + 1
    return "%d requests: %s" % (len(ops), ", ".join(
        "%s %d" % (k, v) for k, v in sorted(counts.items())))


def squeeze(ops):
    """LOOKUP LOOKUP -> LOOKUPx2, CREATE RELEASE CREATE RELEASE ->
    (CREATE RELEASE)x2: repeats of runs of up to four opcodes."""
    out, i = [], 0
    while i < len(ops):
        best = (1, 1)  # (run length, repeats)
        for k in range(1, 5):
            n = 1
            while ops[i:i + k] == ops[i + n * k:i + (n + 1) * k]:
                n += 1
            if n > 1 and n * k > best[0] * best[1]:
                best = (k, n)
        k, n = best
        unit = " ".join(ops[i:i + k])
        if n == 1:
            out.append(unit)
        else:
            out.append(("(%s)x%d" if k > 1 else "%sx%d") % (unit, n))
        i += k * n
    return " ".join(out)


def step_of(i):
    return STEPS[i] if isinstance(i, int) and i < len(STEPS) else None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vfsim", default=os.path.join(ROOT, "build", "vfsim"))
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "kernel"))
    ap.add_argument("--variant", default="6.1",
                    help="guest variant the model runs (default 6.1, the "
                    "release booted)")
    args = ap.parse_args()
    args.vfsim = os.path.abspath(args.vfsim)
    os.makedirs(args.work, exist_ok=True)
    try:
        prerequisites(args.vfsim)
        kdir, kver = fetch_kernel(args.work)
        initrd = build_initramfs(args.work, kdir, kver)
    except (Missing, subprocess.CalledProcessError) as e:
        log("test-kernel: cannot run: %s" % e)
        return 1 if os.environ.get("CI") else 77
    log("test-kernel: kernel %s, model variant %s" % (kver, args.variant))
    out, elapsed, timed_out, serve_rc = boot(args, kdir, kver, initrd)
    serial = open(os.path.join(out, "serial.log"), errors="replace").read()
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)
        log("  %s %s" % ("ok  " if cond else "FAIL", what))

    m_boot = re.search(r"@@ boot ([\d.]+)", serial)
    m_done = re.search(r"@@ done ([\d.]+)", serial)
    log("boot: %.1f s wall clock for the boot and the workload; guest "
        "uptime %s s at the first line of init, %s s at the end" %
        (elapsed, m_boot.group(1) if m_boot else "?",
         m_done.group(1) if m_done else "?"))
    check(not timed_out, "the guest powered off within %d s" % BOOT_TIMEOUT)
    check("@@ mounted" in serial, "the guest mounted the tag")
    results = {}
    for m in re.finditer(r"@@R (\d+) rc=(\d+) out=(\S*)", serial):
        results[int(m.group(1))] = (
            int(m.group(2)),
            base64.b64decode(m.group(3)).decode(errors="replace"))
    log("guest side (command, exit status, output):")
    for i, s in enumerate(STEPS):
        if i not in results:
            check(False, "case %d step %s: no result on the console" %
                  (s.case, s.name))
            continue
        rc, text = results[i]
        text = text[:-1] if text.endswith("|") else text
        check(rc == s.rc and (re.search(s.expect, text) or
                              re.search(s.expect, text + "|")),
              "case %d %-16s rc=%d %s" % (s.case, s.name, rc,
                                          text[:100].replace("\n", "|")))
    events = read_jsonl(os.path.join(out, "trace.jsonl"))
    log("device side (the trace of vfsim serve):")
    kinds = [e.get("kind") for e in events]
    ops = [e.get("opcode") for e in events if e.get("kind") == "dev.pop"]
    check(ops.count("INIT") == 3, "three sessions (INIT): %d" %
          ops.count("INIT"))
    pops = [e for e in events if e.get("kind") == "dev.pop"]
    forgets = [e for e in pops if e.get("opcode") == "FORGET"]
    check(forgets and all(e.get("queue") == "hiprio" for e in forgets),
          "%d FORGETs, every one on hiprio" % len(forgets))
    ends = [e.get("detail", "") for e in events
            if e.get("kind") == "fuse.session_end"]
    check(len(ends) >= 2 and all("lookups outstanding=0 " in d
                                  for d in ends[:2]),
          "lookups balanced at both unmounts: %s" % ends[:2])
    stall = [e.get("detail", "") for e in events
             if e.get("kind") == "dev.stall_end"]
    check(stall and "hiprio" in stall[0] and stall[0].count("(full)") == 2,
          "at the stall's end both rings were full: %s" %
          (stall[0] if stall else "no stall ended"))
    idx = kinds.index("dev.stall_end") if stall else len(events)
    after = [e for e in events[idx:] if e.get("kind") == "dev.pop" and
             e.get("opcode") == "FORGET"]
    check(len(after) >= 100, "%d FORGETs sent once the device resumed" %
          len(after))
    faults = [e.get("detail", "") for e in events if e.get("kind") ==
              "fault"]
    for point in ["dev.bad-unique", "dev.short", "dev.error", "dev.late",
                  "dev.die"]:
        check(any(point + " " in d for d in faults),
              "fault %s fired on the real driver's request" % point)
    check(serve_rc == 0, "vfsim serve ended cleanly (status %s)" % serve_rc)
    # the model
    model_dir = os.path.join(args.work, "model")
    os.makedirs(model_dir, exist_ok=True)
    scn = os.path.join(model_dir, "workload-model.vfs")
    with open(scn, "w") as f:
        f.write(model_scenario(args.variant))
    run = subprocess.run([args.vfsim, "run", scn, "--trace", "jsonl"],
                         capture_output=True, text=True)
    with open(os.path.join(model_dir, "trace.jsonl"), "w") as f:
        f.write(run.stdout)
    check(run.returncode == 0, "the model ran the workload (vfsim run %s: "
          "status %d %s)" % (scn, run.returncode, run.stderr.strip()[:200]))
    real = split_real(events)
    model = split_model([json.loads(line) for line in
                         run.stdout.splitlines() if line.strip()])
    log("")
    log("FUSE opcodes per step: the real %s driver and the model (%s)" %
        (kver, args.variant))
    log("| step | real driver | model | same |")
    log("|---|---|---|---|")
    same = compared = 0
    for key in ["mount"] + list(range(len(STEPS))):
        s = step_of(key)
        if s is not None and (s.model is None or
                              s.name.startswith("remount")):
            continue
        r, mo = real.get(key, []), model.get(key, [])
        eq = r == mo
        same += eq
        compared += 1
        name = s.name if s else "mount"
        # a step with no marker (a mount) is counted with the one before
        nxt = step_of(key + 1) if isinstance(key, int) else None
        if nxt is not None and nxt.name.startswith("remount"):
            name += ", " + nxt.name
        log("| %s | %s | %s | %s |" % (name, cell(r), cell(mo),
                                      "yes" if eq else "no"))
    log("%d of %d steps send the same opcode sequence" % (same, compared))
    log("")
    for line in serial.splitlines():
        if line.startswith("@@R"):
            continue
    if failures:
        log("test-kernel: %d check(s) failed; the run is in %s" %
            (len(failures), out))
        return 1
    log("test-kernel: every check held (run in %s)" % out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
