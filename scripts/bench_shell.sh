#!/usr/bin/env bash
# The shell pipeline a user would write instead of ttsarchive, timed as one command by bench.sh:
# download every link (curl --parallel, 8 at once), hash the original bytes (sha256sum, both
# cores), compress (pigz -p2 -n at level 6: pigz has no Z_RLE, so this is zlib's default
# strategy, i.e. slower on audio than ttsarchive's Z_RLE), then rename into sha256/xx/<sum>.gz.
# No verification (Content-Length, MD5/ETag, WAV/SRT/JSON checks) and no manifest: it does less.
# With `igzip` as third argument it compresses with ISA-L's igzip CLI at level 2 instead, two
# processes at once (the deflate ttsarchive uses for audio; igzip -2 on text too).
# usage: bench_shell.sh CURL_CONFIG OUT_DIR [pigz|igzip]
set -euo pipefail
cfg=$1 out=$2 compressor=${3:-pigz}
rm -rf "$out"; mkdir -p "$out/dl" "$out/sha256"
(cd "$out/dl" && curl --parallel --parallel-max 8 --fail --silent --show-error -K "$cfg")
(cd "$out/dl" && find . -type f -print0 | xargs -0 -P2 -n 500 sha256sum) > "$out/sums"
if [ "$compressor" = igzip ]; then
  (cd "$out/dl" && find . -type f -print0 | xargs -0 -P2 -n 500 igzip -2 -n -q --rm)
else
  (cd "$out/dl" && find . -type f -print0 | xargs -0 pigz -p2 -n -6)
fi
for i in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do for j in 0 1 2 3 4 5 6 7 8 9 a b c d e f; do
  mkdir -p "$out/sha256/$i$j"
done; done
while read -r sum name; do
  mv -f "$out/dl/${name#./}.gz" "$out/sha256/${sum:0:2}/$sum.gz"
done < "$out/sums"
