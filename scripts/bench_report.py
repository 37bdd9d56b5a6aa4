#!/usr/bin/env python3
"""Renders bench.sh's measurements (a TSV) as bench/results.md: medians, ranges, ratios against
ttsarchive, and the issue's targets marked met or not met, with the margin.

usage: bench_report.py RESULTS.tsv ELAPSED_SECONDS REPS BIN_DIR
TSV columns: section, label, rep, wall s, cpu s, peak RSS KiB, bytes, files, load before, load after
(the expiry section has its own "expiry-extra" lines).
"""
import os
import platform
import statistics
import subprocess
import sys
import time
import zlib

path, elapsed, reps, bindir = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
rows, extras = {}, []
for line in open(path):
    cols = line.rstrip("\n").split("\t")
    if cols[0] == "expiry-extra":
        extras.append(cols[1:])
        continue
    rows.setdefault((cols[0], cols[1]), []).append(cols[2:])


def num(value):
    try:
        return float(value)
    except ValueError:  # "-" (not applicable) or "hung>N" (killed after N s without finishing)
        return None


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def spread(values, hung=()):
    if hung:
        note = f"{len(hung)} of {len(values)} did not finish within {hung[0][5:]} s (killed)"
        done = [v for v in values if v is not None]
        return note + (f"; others {spread(done)}" if done else "")
    values = [v for v in values if v is not None]
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.2f}"
    return f"{statistics.median(values):.2f} [{min(values):.2f}–{max(values):.2f}]"


def fmt(value, pattern="{:.0f}"):
    return "–" if value is None else pattern.format(value)


def cmd(args, whole=False):
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=20).stdout.strip()
        return out if whole else out.splitlines()[0]
    except Exception:  # a missing tool is reported as such
        return "not installed"


def stats(samples):
    wall = [num(s[1]) for s in samples]
    hung = [s[1] for s in samples if s[1].startswith("hung")]
    bytes_, files = [num(s[4]) for s in samples], [num(s[5]) for s in samples]
    mbps = [b / w / 1e6 for b, w in zip(bytes_, wall) if b is not None and w]
    fps = [f / w for f, w in zip(files, wall) if f is not None and w]
    return {
        "wall": wall, "wall_med": med(wall), "mbps": med(mbps), "fps": med(fps),
        "cpu": med([num(s[2]) for s in samples]), "rss": max([num(s[3]) or 0 for s in samples]) / 1024 or None,
        "bytes": med(bytes_), "files": med(files), "hung": hung,
        "load": [num(s[v]) for s in samples for v in (6, 7) if num(s[v]) is not None],
    }


def load_range(s):
    # The machine is shared: a row measured at load 30 is not comparable with one at load 5.
    values = s["load"]
    return "–" if not values else f"{min(values):.1f}–{max(values):.1f}"


def isal_version():
    try:
        return subprocess.run(["dpkg-query", "-W", "-f", "${Version}", "libisal2"], capture_output=True, text=True, timeout=20).stdout.strip() or "not installed"
    except Exception:
        return "not installed"


loads = [float(s[v]) for samples in rows.values() for s in samples for v in (6, 7)]
model = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
mem_gib = int(open("/proc/meminfo").readline().split()[1]) / 1048576
out = []
w = out.append
w("# ttsarchive benchmarks")
w("")
w(f"Produced by `make bench` (`scripts/bench.sh`) on {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
  f"in {elapsed // 60} min {elapsed % 60} s. Every row below was measured in that one run, {reps} repetitions "
  "each (memory and expiry rows: see their sections); cells show the median, with [min–max] of the wall time.")
w("")
w(f"- Machine: {os.cpu_count()} cores ({model}), {mem_gib:.0f} GiB RAM, {platform.system()} {platform.release()}; "
  "loopback only, files on the same disk.")
w(f"- Load: the machine is shared with other builders (Swift compiles). The 1-minute load average, sampled "
  f"before and after each measurement, ranged {min(loads):.1f}–{max(loads):.1f} (mean {statistics.mean(loads):.1f}) "
  "on 2 cores, so every figure here is a pessimistic one and ratios measured back to back are the meaningful part.")
linkage = ("Swift runtime and Foundation linked dynamically" if "libswiftCore" in cmd(["ldd", f"{bindir}/ttsarchive"], whole=True)
           else "Swift runtime and Foundation linked in")
w(f"- Software: release build ({bindir}, {linkage}); {cmd(['swift', '--version'])}; zlib {zlib.ZLIB_RUNTIME_VERSION}; "
  f"{cmd(['curl', '--version'])[:40]}; {cmd(['aria2c', '--version'])}; {cmd(['wget2', '--version'])[:30]}; "
  f"{cmd(['pigz', '--version'])}; ISA-L {isal_version()}.")
w("- Source: `ttsarchive-sim` (seed 42) on 127.0.0.1, the same world and the same links for every tool "
  "(links listed with `X-Auth-Token`). Wall time, CPU (user+sys of the whole process tree) and peak RSS "
  "(largest single process) from `/usr/bin/time`. MB = 10⁶ bytes of source (uncompressed) data.")
w("- Files: each row writes into a fresh folder; earlier rows' folders are moved aside and deleted only "
  "between sections, followed by a sync and a 65 s pause, because this ext4 (no journal) slows every file "
  "creation for a minute or more after many deletions and one row would otherwise pay for another's cleanup.")
w("")

targets = []


def night(section, title):
    labels = [k[1] for k in rows if k[0] == section]
    if not labels:
        w(f"## {title}\n\nnot measured\n")
        return None
    base = stats(rows[(section, labels[0])])
    w(f"## {title}")
    w("")
    sized = next((x for x in (stats(rows[(section, l)]) for l in labels) if x["bytes"]), base)
    w(f"{fmt(sized['files'])} files, {fmt((sized['bytes'] or 0) / 1e6, '{:.1f}')} MB of source bytes per repetition.")
    w("")
    w("| what | wall s | MB/s | files/s | CPU s | peak RSS MiB | time vs ttsarchive | load during |")
    w("|---|---|---|---|---|---|---|---|")
    result = {}
    for label in labels:
        s = stats(rows[(section, label)])
        result[label] = s
        ratio = s["wall_med"] / base["wall_med"] if base["wall_med"] and s["wall_med"] else None
        w(f"| {label} | {spread(s['wall'], s['hung'])} | {fmt(s['mbps'], '{:.1f}')} | {fmt(s['fps'])} | {fmt(s['cpu'], '{:.1f}')} "
          f"| {fmt(s['rss'], '{:.1f}')} | {fmt(ratio, '{:.2f}×')} | {load_range(s)} |")
    w("")
    return result


def label_of(result, prefix):
    return next((v for k, v in result.items() if k.startswith(prefix)), None)


def loads_note(a, b):
    # A ratio of two rows measured at very different loads says more about the neighbours.
    if not a["load"] or not b["load"]:
        return ""
    la, lb = statistics.mean(a["load"]), statistics.mean(b["load"])
    if max(la, lb) < 1.5 * min(la, lb) + 1:
        return ""
    return f"; measured at mean loads {la:.1f} and {lb:.1f}: not comparable"


def ratio_target(name, value, goal, met, shortfall, a, b):
    note = loads_note(a, b)
    if note:
        targets.append((name, value, goal, "**not comparable**", note.lstrip("; ") + ("" if met else f" ({shortfall})")))
    else:
        target(name, value, goal, met, "" if met else shortfall)


def target(name, value, goal, met, detail):
    targets.append((name, value, goal, "**met**" if met else "**not met**", detail))


audio = night("audio", "1. Audio-heavy night (WAV 0.5–5 MB + timestamp/SRT/action files), `--concurrency 8`")
w("Download-only rows (curl, aria2c, wget2) do not compress, hash, verify or store; the shell pipelines do "
  "not verify either (no Content-Length/MD5/WAV/SRT checks, no manifest); one compresses with `pigz -p2 -6` "
  "(zlib's default strategy), the other with ISA-L's `igzip -2` CLI, two processes at once (the deflate "
  "ttsarchive uses for audio). The compression limit is ttsarchive's own deflate settings "
  "(`scripts/bench_compress.c`, linked to the same library: ISA-L igzip level 2 for audio and other binary "
  "files and level 1 for text, fed in 64 KiB blocks through a 16 KiB output window) on the same bytes, "
  "already in memory, in 2 processes — no I/O, no hashing, no HTTP.")
w("")
small = night("small", "2. Small-file night (audio 1–4 KB + timestamp/SRT/action files)")
audio_nginx = night("audio-nginx", "2b. The audio night again, every file served by nginx")
small_nginx = night("small-nginx", "2c. The small-file night again, every file served by nginx")
if audio_nginx or small_nginx:
    w("In 2b and 2c the simulator only lists the jobs (`ttsarchive-sim --link-base`): every download, by every "
      "tool, goes to a second, independent server on loopback, nginx with one worker and `sendfile`, serving the "
      "same world's files (copied from the simulator with curl before the rows). So these figures do not "
      "depend on the simulator's own HTTP speed; the simulator's CPU is no longer part of the night. nginx sends "
      "no MD5 ETag, so there is no ETag for ttsarchive to check (and it does not compute an MD5 nobody checks); "
      "its other checks (length, WAV/MP3/SRT/JSON content, subtitle fit) run as usual. aria2c and the pigz "
      "pipeline are left out here.")
    w("")
for result, section in ((audio, "audio"), (small, "small"), (audio_nginx, "audio-nginx"), (small_nginx, "small-nginx")):
    if not result:
        continue
    tts, shell = label_of(result, "ttsarchive"), label_of(result, "shell")
    limit = label_of(result, "compression limit")
    if tts and shell and tts["wall_med"] and shell["wall_med"]:
        speedup = shell["wall_med"] / tts["wall_med"]
        ratio_target(f"{section}: ttsarchive ≥ 2× faster than the shell pipeline", f"{speedup:.2f}×", "≥ 2×",
                     speedup >= 2, f"short by {(2 - speedup) / 2:.0%} ({speedup:.2f}× of 2×)", tts, shell)
    elif tts and shell and tts["wall_med"] and shell["hung"]:
        targets.append((f"{section}: ttsarchive ≥ 2× faster than the shell pipeline",
                        f"shell pipeline did not finish within {shell['hung'][0][5:]} s; ttsarchive {tts['wall_med']:.1f} s",
                        "≥ 2×", "**not measured**", "no comparable pair" + loads_note(tts, shell)))
    if tts and not tts["wall_med"]:
        target(f"{section}: ttsarchive targets", "no ttsarchive run finished in time", "finish", False, "see the notes")
    if section.startswith("audio") and tts and limit and tts["mbps"]:
        share = tts["mbps"] / limit["mbps"]
        ratio_target(f"{section}: ≥ 80% of the 2-core compression limit", f"{share:.0%} ({tts['mbps']:.1f} of {limit['mbps']:.1f} MB/s)",
                     "≥ 80%", share >= 0.80, f"short by {80 - share * 100:.0f} points", tts, limit)
    curl = label_of(result, "curl --parallel")
    if section.startswith("audio") and tts and curl and tts["mbps"] and curl["mbps"]:
        share = tts["mbps"] / curl["mbps"]
        ratio_target(f"{section}: ≥ 85% of curl --parallel's throughput", f"{share:.0%} ({tts['mbps']:.1f} of {curl['mbps']:.1f} MB/s)",
                     "≥ 85%", share >= 0.85, f"short by {85 - share * 100:.0f} points", tts, curl)
    if section.startswith("small") and tts and tts["fps"]:
        target(f"{section}: ≥ 3,000 archived files/s", f"{tts['fps']:.0f} files/s", "≥ 3,000", tts["fps"] >= 3000,
               "" if tts["fps"] >= 3000 else f"short by {3000 - tts['fps']:.0f} files/s ({tts['fps'] / 3000:.0%} of the target)")

mem = [k[1] for k in rows if k[0] == "memory"]
w("## 3. Memory")
w("")
if mem:
    w("| what | wall s | MB/s | files/s | CPU s | peak RSS MiB | load during |")
    w("|---|---|---|---|---|---|---|")
    for label in mem:
        s = stats(rows[("memory", label)])
        w(f"| {label} | {spread(s['wall'], s['hung'])} | {fmt(s['mbps'], '{:.1f}')} | {fmt(s['fps'])} | {fmt(s['cpu'], '{:.1f}')} | {fmt(s['rss'], '{:.1f}')} | {load_range(s)} |")
    w("")
    w(f"{len(rows[('memory', mem[0])])} repetition(s) each (BENCH_MEM_REPS): peak RSS barely moves between runs, and "
      "these rows are long. The listing rows' files/s column is jobs listed per second.")
else:
    w("not measured")
w("")

w("## 4. Expiry: links that outlive their hour, compressed to seconds")
w("")
if extras:
    exp = stats(rows[next(k for k in rows if k[0] == "expiry")])
    w("| link TTL s | wall s | jobs archived | jobs per link lifetime | links refreshed (relists) | links expired at the server | failures | complete |")
    w("|---|---|---|---|---|---|---|---|")
    for e, sample in zip(extras, rows[next(k for k in rows if k[0] == "expiry")]):
        jobs, relists, expired, _minted, failures, complete, _retries, ttl, _stored = e
        wall = float(sample[1])
        per = int(jobs) * float(ttl) / wall
        w(f"| {float(ttl):.0f} | {wall:.1f} | {jobs} | {per:.0f} | {relists} | {expired} | {failures} | {complete} |")
    w("")
    w("A bandwidth cap makes the night last several link lifetimes. \"Jobs per link lifetime\" is jobs archived × "
      "TTL ÷ wall time; \"links refreshed\" is the manifest's `counts.relists` (one ShowTtsJob `job_id=` call per job "
      "whose links were about to expire or had expired); \"links expired at the server\" counts download requests "
      "the simulator refused as expired (each one costs a re-list, not a failure).")
else:
    w("not measured")
w("")

for section in ("audio", "small", "audio-nginx", "small-nginx", "memory", "expiry"):
    for label in [k[1] for k in rows if k[0] == section and k[1].startswith("ttsarchive")]:
        rss = stats(rows[(section, label)])["rss"]
        if not rss:
            target(f"{section}: peak RSS < 64 MiB — {label}", "not measured", "< 64 MiB", False, "no run finished in time")
            continue
        target(f"{section}: peak RSS < 64 MiB — {label}", f"{rss:.1f} MiB (largest of the repetitions)", "< 64 MiB", rss < 64,
               "" if rss < 64 else f"over by {rss - 64:.1f} MiB ({rss / 64:.0%} of the budget)")
        if section in ("audio", "small", "audio-nginx", "small-nginx"):
            # Issue 20's tighter budget for the two nights.
            target(f"{section}: peak RSS < 48 MiB — {label}", f"{rss:.1f} MiB", "< 48 MiB", rss < 48,
                   "" if rss < 48 else f"over by {rss - 48:.1f} MiB")
w("## Targets")
w("")
w("| target | measured | goal | status | margin |")
w("|---|---|---|---|---|")
for name, value, goal, status, detail in targets:
    w(f"| {name} | {value} | {goal} | {status} | {detail or '—'} |")
w("")
print("\n".join(out))
