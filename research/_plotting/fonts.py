"""Fonts for Korean, Japanese and Chinese text in charts.

matplotlib ships no font with their glyphs. The first chart drawn looks for one
(:func:`cjk_fonts`): a system font with all three scripts, e.g. "Noto Sans CJK JP" from the
Debian package ``fonts-noto-cjk``, or else the Nanum Gothic and IPAex Gothic fonts installed
with the package (koreanize-matplotlib, matplotlib-fontja), and appends them to
``rcParams["font.family"]`` as fallbacks for the glyphs the main font lacks
(:func:`use_cjk_fonts`). Importing the package changes nothing in matplotlib.
"""

from __future__ import annotations

import dataclasses
import functools
import importlib.util
from collections.abc import Sequence
from pathlib import Path

import matplotlib.pyplot as plt
from matplotlib import font_manager

# --------------------------------------------------------------------------------------------
# fonts: Korean, Japanese and Chinese text
# --------------------------------------------------------------------------------------------

#: Font families with Hangul, kana and Han glyphs, in order of preference. Debian's
#: ``fonts-noto-cjk`` package installs the Noto Sans CJK families (each has all three scripts).
CJK_FONT_CANDIDATES = (
    "Noto Sans CJK JP",
    "Noto Sans CJK KR",
    "Noto Sans CJK SC",
    "Noto Sans CJK TC",
    "Noto Sans CJK HK",
    "Source Han Sans",
    "Source Han Sans JP",
    "Source Han Sans KR",
)


_CJK_FILE_PREFIXES = ("NotoSansCJK", "SourceHanSans")


#: Fonts shipped inside PyPI packages the project depends on, used when the system has none of
#: the candidates: Nanum Gothic (Hangul) from koreanize-matplotlib and IPAex Gothic (kana and
#: kanji) from matplotlib-fontja. Only their font files are read; the packages are not imported
#: (importing them would change matplotlib's settings).
_PACKAGED_CJK_FONTS = (
    ("koreanize_matplotlib", ("fonts/NanumGothic.ttf", "fonts/NanumGothicBold.ttf")),
    ("matplotlib_fontja", ("fonts/ipaexg.ttf",)),
)


def _packaged_font(package: str, files: Sequence[str]) -> str | None:
    """Register the font ``files`` inside ``package`` (if installed); their family name.

    A family without a bold face (IPAex Gothic has none) gets its regular face registered as
    its bold too, so bold text (titles) draws its CJK glyphs in the regular weight instead of
    matplotlib logging "findfont: Failed to find font weight bold" at every such text.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return None
    paths = [Path(spec.origin).parent / f for f in files]
    if not all(p.is_file() for p in paths):
        return None
    manager = font_manager.fontManager
    try:
        for path in paths:
            manager.addfont(str(path))
        name = font_manager.FontProperties(fname=str(paths[0])).get_name()
    except (OSError, RuntimeError, ValueError):  # unreadable file: do without it
        return None
    faces = [f for f in manager.ttflist if f.name == name]
    if not any(font_manager.weight_dict.get(f.weight, f.weight) == 700 for f in faces):
        regular = next(f for f in faces if Path(f.fname) == paths[0])
        manager.ttflist.append(dataclasses.replace(regular, weight="bold"))
    return name


def _find_cjk_fonts() -> tuple[str, ...]:
    """The font families to fall back on for CJK glyphs: one of :data:`CJK_FONT_CANDIDATES`
    if matplotlib can use it, else the packaged fonts that are installed, else none."""

    def known() -> str | None:
        names = {f.name for f in font_manager.fontManager.ttflist}
        return next((name for name in CJK_FONT_CANDIDATES if name in names), None)

    name = known()
    if name is None:
        # A font installed after matplotlib cached its list of fonts is not in that list (the
        # cache is not refreshed by itself): add the system's CJK font files to it.
        for path in font_manager.findSystemFonts():
            if Path(path).name.startswith(_CJK_FILE_PREFIXES):
                try:
                    font_manager.fontManager.addfont(path)
                except (OSError, RuntimeError, ValueError):  # unreadable file: skip it
                    continue
        name = known()
    if name is not None:
        return (name,)
    packaged = (_packaged_font(package, files) for package, files in _PACKAGED_CJK_FONTS)
    return tuple(dict.fromkeys(f for f in packaged if f is not None))


@functools.cache
def cjk_fonts() -> tuple[str, ...]:
    """The installed fonts used, in this order, for Korean, Japanese and Chinese glyphs.

    Looked for once, on the first chart drawn (not on import): empty when there are none, and
    such text then draws as empty boxes. The package's dependencies bring two (Nanum Gothic,
    IPAex Gothic); on Debian ``apt-get install fonts-noto-cjk`` brings one with all three
    scripts, which is preferred.
    """
    return _find_cjk_fonts()


def use_cjk_fonts() -> None:
    """Append :func:`cjk_fonts` to ``rcParams["font.family"]`` as fallbacks after the main font
    (used only for the glyphs it lacks). Called by every chart before it draws; does nothing
    when they are already there, so a user's own font settings are kept in front."""
    family = list(plt.rcParams["font.family"])
    missing = [f for f in cjk_fonts() if f not in family]
    if missing:
        plt.rcParams["font.family"] = [*family, *missing]


def _font_family() -> list[str]:
    """The current font families with the CJK fallback fonts, for texts that may need them."""
    family = list(plt.rcParams["font.family"])
    family += [f for f in cjk_fonts() if f not in family]
    return family
