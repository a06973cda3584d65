#!/bin/sh
# make-fonts.sh -- regenerates the Vietnamese subsets of Noto Serif shipped
# beside the layout templates, from Debian's fonts-noto-core, with
# fontTools (python3-fonttools).
#
# Why subsets: libharu 2.3.0 builds, for every document and every face, a
# CID map by looking up all 65,536 BMP code points in the font's cmap, and
# re-compresses the whole glyf table when saving.  With the full Noto Serif
# (3,000+ glyphs) that cost about 28 ms per face per PDF, the bulk of a
# scorecard; the subsets below (Latin + Vietnamese + punctuation, hinting
# kept) take about 4 ms.  Measured figures: docs/layouts.md.
#
# Usage: templates/fonts/make-fonts.sh [SOURCE_DIR]
set -eu
src=${1:-/usr/share/fonts/truetype/noto}
here=$(cd "$(dirname "$0")" && pwd)
# Basic Latin, Latin-1, Latin Extended-A, Ơ ơ Ư ư, the combining marks
# Vietnamese uses, Latin Extended Additional's Vietnamese block (Ạ..ỹ),
# dashes, quotes, bullet, ellipsis, per mille, ₫ and №.  Every extra glyph
# costs time in every PDF, so the set is kept tight.
ranges="U+0020-007E,U+00A0-017F,U+01A0-01B0,U+0300-0303,U+0306,U+0309,U+031B,U+0323,U+1EA0-1EF9,U+2010-2026,U+2030,U+20AB,U+2116"
# Symbols Noto Serif lacks, from the same package: ≥ ≤ − → (Noto Sans Math)
# and ▲ ▼ (Noto Sans Symbols 2), without hinting so that their glyph
# programs cannot call into Noto Serif's font program after the merge.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 -m fontTools.subset "$src/NotoSansMath-Regular.ttf" --unicodes="U+2192,U+2212,U+2264,U+2265" \
  --layout-features='' --no-hinting --output-file="$tmp/math.ttf"
python3 -m fontTools.subset "$src/NotoSansSymbols2-Regular.ttf" --unicodes="U+25B2,U+25BC" \
  --layout-features='' --no-hinting --output-file="$tmp/arrows.ttf"
for face in Regular Bold; do
  python3 -m fontTools.subset "$src/NotoSerif-$face.ttf" --unicodes="$ranges" \
    --layout-features='*' --notdef-outline --output-file="$tmp/serif.ttf"
  python3 - "$tmp/serif.ttf" "$tmp/math.ttf" "$tmp/arrows.ttf" "$here/NotoSerif-$face-vn.ttf" <<'PY'
import sys
from fontTools.merge import Merger
font = Merger().merge(sys.argv[1:4])
font.save(sys.argv[4])
PY
done
echo "wrote $here/NotoSerif-Regular-vn.ttf and NotoSerif-Bold-vn.ttf" >&2
