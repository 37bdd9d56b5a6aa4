#!/usr/bin/env python3
"""The soak's bookkeeping, one subcommand per question (see scripts/soak.sh).

stored JOURNAL OUT          object keys (tts/<uid>/<i>/<file>) the run journal says are stored -> OUT
refetched STORED STATS [ALLOWED]   objects of STORED (but those listed in ALLOWED) that the
                            simulator served since the stats reset; prints the count and a few keys
keys-of JOURNAL OUT HEX...  object keys of the journal's artifacts stored as the objects HEX -> OUT
tear JOURNAL                appends the first half of the journal's last record, no newline (torn write)
damage ARCHIVE N SEED       flips a byte in, or cuts, N random objects; prints their digests
objects-equal REF_DIR DIR   the run's objects equal the reference's; exit 1 if not
compare-manifests REF_MANIFESTS MANIFESTS   the newest manifests' jobs and failures are equal
accumulate TOTALS STATS     adds one /__stats snapshot's faults and requests into TOTALS (JSON)
compare REF_DIR DIR         the run's archive and manifest jobs equal the reference's; exit 1 if not
counts TOTALS DIR           adds the final manifest's retries and re-lists into TOTALS
summary TOTALS              prints faults by kind, requests, retries and re-lists
"""
import glob
import json
import os
import random
import sys
import urllib.parse


def key_of(source):
    # A journal source is the link without its query: .../obs/<bucket>/<object key>.
    path = urllib.parse.urlsplit(source).path
    parts = path.split("/", 3)
    return parts[3] if len(parts) == 4 and parts[1] == "obs" else path.lstrip("/")


def journal_artifacts(path):
    if not os.path.exists(path):
        return
    with open(path, "rb") as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # the torn last line of a killed writer
            if record.get("type") == "artifact" and record.get("artifact"):
                yield record["artifact"]


def journal_keys(path):
    return {key_of(a["source"]) for a in journal_artifacts(path)}


def manifest(folder, manifests=None):
    manifests = manifests or os.path.join(folder, "manifests")
    head = json.load(open(os.path.join(manifests, "HEAD.json")))
    return json.load(open(os.path.join(manifests, head["file"])))


def refetched(stored, served):
    again = sorted(k for k, v in served.items() if k in stored and v.get("requests", 0) > 0)
    print(len(again), " ".join(again[:3]))


def manifest_problems(ref, run):
    """What differs between the run's manifest and the reference's: (problems, artifacts, failures)."""
    (ra, rf), (a, f) = shape(ref), shape(run)
    problems = [] if run["complete"] else ["the final manifest is not complete"]
    if a != ra:
        missing, extra = sorted(set(ra) - set(a)), sorted(set(a) - set(ra))
        problems.append(f"artifacts differ: {len(missing)} missing {missing[:3]}, {len(extra)} extra {extra[:3]}")
    if f != rf:
        problems.append(f"failures differ: {sorted(set(f) ^ set(rf))[:5]}")
    return problems, a, f


def objects_equal(ref_dir, run_dir):
    ro, o = objects(ref_dir), objects(run_dir)
    if ro == o:
        return []
    return [f"objects differ: {len(set(ro) - set(o))} missing, {len(set(o) - set(ro))} extra"]


def shape(m):
    arts = sorted(f"{j['job_id']} {a['kind']} {a['file_index']} {a['sha256']} {a['size']}"
                  for j in m["jobs"] for a in j["artifacts"])
    fails = sorted(f"{f['job_id']} {f.get('kind')} {f.get('file_index')}" for f in m["failures"])
    return arts, fails


def objects(folder):
    root = os.path.join(folder, "archive", "sha256")
    return sorted(os.path.relpath(p, root) for p in glob.glob(root + "/*/*.gz"))


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "stored":
        with open(args[1], "w") as out:
            out.write("\n".join(sorted(journal_keys(args[0]))))
    elif cmd == "refetched":
        allowed = set(open(args[2]).read().split()) if len(args) > 2 else set()
        refetched(set(open(args[0]).read().split()) - allowed, json.loads(args[1]).get("objects", {}))
    elif cmd == "keys-of":
        wanted = set(args[2:])
        with open(args[1], "w") as out:
            out.write("\n".join(sorted({key_of(a["source"]) for a in journal_artifacts(args[0]) if a["sha256"] in wanted})))
    elif cmd == "tear":
        with open(args[0], "rb") as f:
            lines = f.read().split(b"\n")
        complete = [l for l in lines[:-1] if l]
        if not complete or lines[-1]:
            sys.exit(1)  # empty, or already torn: a writer appends nothing after a partial line
        with open(args[0], "ab") as f:
            f.write(complete[-1][: max(1, len(complete[-1]) // 2)])
    elif cmd == "damage":
        rng = random.Random(int(args[2]))
        root = os.path.join(args[0], "sha256")
        paths = sorted(glob.glob(root + "/*/*.gz"))
        for path in rng.sample(paths, min(int(args[1]), len(paths))):
            size = os.path.getsize(path)
            with open(path, "r+b") as f:
                if rng.random() < 0.3:
                    f.truncate(size // 2)  # cut short
                else:
                    offset = rng.randrange(10, size)  # past the gzip header: deflate data or trailer
                    f.seek(offset)
                    byte = f.read(1)[0]
                    f.seek(offset)
                    f.write(bytes([byte ^ (1 << rng.randrange(8))]))
            print(os.path.basename(path)[:-3])
    elif cmd == "objects-equal":
        problems = objects_equal(args[0], args[1])
        for p in problems:
            print("soak: LOSS:", p)
        sys.exit(1 if problems else 0)
    elif cmd == "compare-manifests":
        problems, a, f = manifest_problems(manifest(None, args[0]), manifest(None, args[1]))
        for p in problems:
            print("soak: LOSS:", p)
        print(f"{len(a)} artifacts, {len(f)} persistent failures — "
              + ("equal to the reference" if not problems else "NOT equal to the reference"))
        sys.exit(1 if problems else 0)
    elif cmd == "accumulate":
        totals = json.load(open(args[0])) if os.path.exists(args[0]) else {"faults": {}, "requests": {}, "links_expired": 0}
        snap = json.loads(args[1])
        for group in ("faults", "requests"):
            for k, v in snap.get(group, {}).items():
                totals[group][k] = totals[group].get(k, 0) + v
        totals["links_expired"] += snap.get("links_expired", 0)
        json.dump(totals, open(args[0], "w"))
    elif cmd == "compare":
        problems, a, f = manifest_problems(manifest(args[0]), manifest(args[1]))
        problems += objects_equal(args[0], args[1])
        o = objects(args[1])
        tmp = os.path.join(args[1], "archive", "tmp")
        if os.path.isdir(tmp) and os.listdir(tmp):
            problems.append(f"archive/tmp holds {len(os.listdir(tmp))} leftovers")
        for p in problems:
            print("soak: LOSS:", p)
        print(f"soak: {len(a)} artifacts, {len(o)} objects, {len(f)} persistent failures — "
              + ("equal to the reference" if not problems else "NOT equal to the reference"))
        sys.exit(1 if problems else 0)
    elif cmd == "summary":
        totals = json.load(open(args[0]))
        print("faults by kind: " + ", ".join(f"{k}={v}" for k, v in sorted(totals["faults"].items())))
        print("simulator requests: " + ", ".join(f"{k}={v}" for k, v in sorted(totals["requests"].items()))
              + f", links refused as expired={totals['links_expired']}")
        print(f"ttsarchive (sum of every cycle's final manifest): retries={totals.get('retries', 0)}, "
              f"relists={totals.get('relists', 0)}")
    elif cmd == "counts":
        totals = json.load(open(args[0]))
        counts = manifest(args[1])["counts"]
        totals["retries"] = totals.get("retries", 0) + counts["retries"]
        totals["relists"] = totals.get("relists", 0) + counts["relists"]
        json.dump(totals, open(args[0], "w"))
    else:
        sys.exit(f"unknown subcommand {cmd}")


if __name__ == "__main__":
    main()
