#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""svg_check.py - check a ring picture as Graphviz drew it (SVG).

    svg_check.py [--max-width PT] [--max-height PT] [--max-texts N]
                 [--expect TEXT]... FILE.svg

Checks, reading the SVG as a viewer would (xml.etree):
  - the picture's size: width and height (points) and the number of texts
    at most the given bounds;
  - every text inside its box: the smallest cell (polygon) of the same
    node around the text's anchor holds the whole text, its width taken
    by the per-character rule of sim/virtio/ring_dot.h (RING_DOT_CHAR_EM_X100
    hundredths of the font size per character, read from that header so
    the picture and this check share one rule), its height as 0.8 of the
    font size above the baseline and 0.25 below;
  - a node titled "legend" exists, and each --expect TEXT is part of some
    text of the picture (--expect NAME::TEXT: of the file named NAME).
Prints one line "svg_check: FILE: ok: W x H pt, N texts" or one line per
problem; exit status 0 when all hold, 1 otherwise, 2 on a usage error.
"""
import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

NS = "{http://www.w3.org/2000/svg}"
HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.join(HERE, "..", "..", "sim", "virtio", "ring_dot.h")


def char_em():
    """The per-character width rule of ring_dot.h, in ems."""
    with open(HEADER) as f:
        m = re.search(r"#define RING_DOT_CHAR_EM_X100 (\d+)", f.read())
    if not m:
        sys.exit("svg_check: no RING_DOT_CHAR_EM_X100 in " + HEADER)
    return int(m.group(1)) / 100.0


def points(s):
    return float(re.sub(r"(pt|px)$", "", s))


def box(poly):
    xy = [tuple(map(float, p.split(","))) for p in poly.get("points").split()]
    xs, ys = [p[0] for p in xy], [p[1] for p in xy]
    return min(xs), min(ys), max(xs), max(ys)


def check(path, args, em):
    bad = []
    root = ET.parse(path).getroot()
    w, h = points(root.get("width")), points(root.get("height"))
    if w > args.max_width or h > args.max_height:
        bad.append("%g x %g pt is larger than %g x %g" %
                   (w, h, args.max_width, args.max_height))
    texts = []
    legend = False
    for g in root.iter(NS + "g"):
        if g.get("class") != "node":
            continue
        title = g.find(NS + "title")
        if title is not None and title.text == "legend":
            legend = True
        boxes = [box(p) for p in g.findall(NS + "polygon")]
        for t in g.findall(NS + "text"):
            s = "".join(t.itertext())
            texts.append(s)
            x, y = float(t.get("x")), float(t.get("y"))
            fs = float(t.get("font-size", "14"))
            tw = len(s) * em * fs
            anchor = t.get("text-anchor", "start")
            x0 = x if anchor == "start" else \
                x - tw / 2 if anchor == "middle" else x - tw
            ext = (x0, y - 0.8 * fs, x0 + tw, y + 0.25 * fs)
            around = [b for b in boxes
                      if b[0] <= x <= b[2] and b[1] <= y <= b[3]]
            if not around:
                bad.append("'%s' at (%g, %g) is in no box" % (s, x, y))
                continue
            b = min(around, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
            if ext[0] < b[0] or ext[1] < b[1] or ext[2] > b[2] or \
                    ext[3] > b[3]:
                bad.append("'%s' (%.1f..%.1f, %.1f..%.1f) leaves its box "
                           "(%.1f..%.1f, %.1f..%.1f)" %
                           (s, ext[0], ext[2], ext[1], ext[3], b[0], b[2],
                            b[1], b[3]))
    if len(texts) > args.max_texts:
        bad.append("%d texts, more than %d" % (len(texts), args.max_texts))
    if not legend:
        bad.append("no legend")
    for e in args.expect:
        if "::" in e:  # NAME::TEXT holds for the file named NAME only
            name, e = e.split("::", 1)
            if os.path.basename(path) != name:
                continue
        if not any(e in s for s in texts):
            bad.append("no text holds '%s'" % e)
    for b in bad:
        print("svg_check: %s: %s" % (path, b))
    if not bad:
        print("svg_check: %s: ok: %g x %g pt, %d texts" %
              (path, w, h, len(texts)))
    return not bad


def main():
    p = argparse.ArgumentParser(description="check a ring picture's SVG")
    p.add_argument("--max-width", type=float, default=float("inf"))
    p.add_argument("--max-height", type=float, default=float("inf"))
    p.add_argument("--max-texts", type=int, default=1 << 30)
    p.add_argument("--expect", action="append", default=[])
    p.add_argument("svg", nargs="+")
    args = p.parse_args()
    em = char_em()
    ok = True
    for path in args.svg:
        try:
            ok &= check(path, args, em)
        except (OSError, ET.ParseError, ValueError, TypeError) as e:
            print("svg_check: %s: %s" % (path, e))
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
