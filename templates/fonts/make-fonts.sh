#!/bin/sh
# make-fonts.sh -- regenerates the Vietnamese subsets of Noto Serif shipped
# beside the layout templates, from Debian's fonts-noto-core, with
# fontTools (python3-fonttools).
#
# Why subsets: libharu 2.3.0 embeds, in every PDF, the used glyphs plus the
# whole hmtx, loca and hinting tables of each face, and compresses them
# again for every file.  The subsets below (Latin + Vietnamese +
# punctuation) have no hinting and no OpenType layout features: libharu
# shapes nothing and PDF viewers rasterise without the TrueType hints
# (poppler draws the same pixels), so both were bytes and time in every
# file for nothing -- 489 glyphs instead of 742, glyf 35 KB instead of 80 KB,
# embedded faces 13-15 KB -> about 7 KB each.  Measured figures:
# docs/layouts.md ("Speed").
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
    --layout-features='' --no-hinting --notdef-outline --output-file="$tmp/serif.ttf"
  python3 - "$tmp/serif.ttf" "$tmp/math.ttf" "$tmp/arrows.ttf" "$here/NotoSerif-$face-vn.ttf" <<'PY'
import sys
from fontTools.merge import Merger
from fontTools.ttLib import newTable
from fontTools.ttLib.tables import ttProgram
font = Merger().merge(sys.argv[1:4])
# A one-instruction prep (SVTCA, harmless): libharu 2.3.0 writes the
# tables it needs in a fixed order ending with prep and fails (error
# 0x1033) when a missing last table starts exactly at a 4 KB boundary of
# its buffer; a non-empty prep never starts at the end.
prep = newTable('prep')
prep.program = ttProgram.Program()
prep.program.fromBytecode(b'\x00')
font['prep'] = prep
font.save(sys.argv[4])
PY
done
echo "wrote $here/NotoSerif-Regular-vn.ttf and NotoSerif-Bold-vn.ttf" >&2
