"""The shared look of the charts: sizes and palette."""

from __future__ import annotations

import seaborn as sns

# --------------------------------------------------------------------------------------------
# shared look: sizes and palette
# --------------------------------------------------------------------------------------------

#: Width of every figure, in inches: readable on a report page or a laptop screen.
FIG_WIDTH = 9.0


TITLE_SIZE = 13


PANEL_TITLE_SIZE = 11


LABEL_SIZE = 11


TICK_SIZE = 10


ANNOT_SIZE = 9


_CB = sns.color_palette("colorblind").as_hex()


#: Colours with a fixed meaning across the charts (seaborn's colour-blind safe palette).
COLORS = {
    "main": _CB[0],  # lines and points
    "customers": _CB[0],
    "value": _CB[1],
    "chosen": _CB[3],  # the chosen k
    "stable": _CB[2],
    "unclear": _CB[8],
    "dissolved": _CB[3],
    "reference": "#555555",
    "muted": "#9a9a9a",  # text of empty cells
    "empty": "#efefef",  # fill of empty cells
    "sales": _CB[0],  # the two teams of the message charts
    "marketing": _CB[1],
}


#: Light categorical palette for segments (ColorBrewer Set3 without its grey, which is kept
#: for empty cells), light enough for black text on top.
SEGMENT_PALETTE = [c for c in sns.color_palette("Set3", 12).as_hex() if c != "#d9d9d9"]
