#!/usr/bin/env python3
"""The soak's bookkeeping, one subcommand per question (see scripts/soak.sh).

stored JOURNAL OUT          object keys (tts/<uid>/<i>/<file>) the run journal says are stored -> OUT
refetched STORED STATS      objects of STORED that the simulator served since the stats reset;
                            prints the count and the first few keys
accumulate TOTALS STATS     adds one /__stats snapshot's faults and requests into TOTALS (JSON)
compare REF_DIR DIR         the run's archive and manifest jobs equal the reference's; exit 1 if not
counts TOTALS DIR           adds the final manifest's retries and re-lists into TOTALS
summary TOTALS              prints faults by kind, requests, retries and re-lists
"""
import glob
import json
import os
import sys
import urllib.parse


def key_of(source):
    # A journal source is the link without its query: .../obs/<bucket>/<object key>.
    path = urllib.parse.urlsplit(source).path
    parts = path.split("/", 3)
    return parts[3] if len(parts) == 4 and parts[1] == "obs" else path.lstrip("/")


def journal_keys(path):
    keys = set()
    if not os.path.exists(path):
        return keys
    with open(path, "rb") as f:
        for line in f:
            try:
                record = json.loads(line)
            except ValueError:
                continue  # the torn last line of a killed writer
            if record.get("type") == "artifact" and record.get("artifact"):
                keys.add(key_of(record["artifact"]["source"]))
    return keys


def manifest(folder):
    head = json.load(open(os.path.join(folder, "manifests", "HEAD.json")))
    return json.load(open(os.path.join(folder, "manifests", head["file"])))


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
        stored = set(open(args[0]).read().split())
        served = json.loads(args[1]).get("objects", {})
        again = sorted(k for k, v in served.items() if k in stored and v.get("requests", 0) > 0)
        print(len(again), " ".join(again[:3]))
    elif cmd == "accumulate":
        totals = json.load(open(args[0])) if os.path.exists(args[0]) else {"faults": {}, "requests": {}, "links_expired": 0}
        snap = json.loads(args[1])
        for group in ("faults", "requests"):
            for k, v in snap.get(group, {}).items():
                totals[group][k] = totals[group].get(k, 0) + v
        totals["links_expired"] += snap.get("links_expired", 0)
        json.dump(totals, open(args[0], "w"))
    elif cmd == "compare":
        ref, run = manifest(args[0]), manifest(args[1])
        problems = []
        (ra, rf), (a, f) = shape(ref), shape(run)
        if not run["complete"]:
            problems.append("the final manifest is not complete")
        if a != ra:
            missing, extra = sorted(set(ra) - set(a)), sorted(set(a) - set(ra))
            problems.append(f"artifacts differ: {len(missing)} missing {missing[:3]}, {len(extra)} extra {extra[:3]}")
        if f != rf:
            problems.append(f"failures differ: {sorted(set(f) ^ set(rf))[:5]}")
        ro, o = objects(args[0]), objects(args[1])
        if ro != o:
            problems.append(f"objects differ: {len(set(ro) - set(o))} missing, {len(set(o) - set(ro))} extra")
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
