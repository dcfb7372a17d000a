"""Charts of the message and headline analyses. Each takes the result of its analysis and draws
what it holds (intervals at the result's ``ci``), computing nothing of its own.

* :func:`plot_distinctive_terms`: the Fightin' Words chart, the words that set one group's
  texts apart from another's, by frequency and z-score
  (:class:`research.messages.DistinctiveTerms`);
* :func:`plot_claim_coverage`: per campaign claim, the share of marketing and of sales messages
  that carry it, pooled over campaigns (:class:`research.messages.ClaimPooling`);
* :func:`plot_headline_effects`: the click-through lift of each headline feature with its
  interval (:class:`research.messages.HeadlineEffects`).
"""

from __future__ import annotations

import itertools
import textwrap
from collections.abc import Sequence

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import LogLocator

from research._format import _bracket, _pct, _signed, ci_label
from research._plotting.axes import (
    _axes_or_new,
    _clean_spines,
    _estimates_with_intervals,
    _finish,
    _footnote,
    _interval_errors,
    _label_axes,
    _log_tick,
    _percent_axis,
    _plain,
    _require_result,
)
from research._plotting.labels import Z_CRITICAL, _pair_colors, _place_labels
from research._plotting.style import ANNOT_SIZE, COLORS
from research._validation import check_int
from research.messages.consistency import ClaimPooling
from research.messages.headlines import HeadlineEffects
from research.messages.terms import DistinctiveTerms

__all__ = [
    "plot_distinctive_terms",
    "plot_claim_coverage",
    "plot_headline_effects",
]


def _right_column(ax: Axes, header: str, entries: Sequence[tuple[float, str, str]]) -> None:
    """A column of texts right of the axes, one per row ``(y, text, gid)``, under a bold
    header (drawn above the first row)."""
    common = {
        "xycoords": ("axes fraction", "data"),
        "xytext": (8, 0),
        "textcoords": "offset points",
        "ha": "left",
        "va": "center",
        "fontsize": ANNOT_SIZE,
    }
    texts = [ax.annotate(header, (1, -0.9), fontweight="bold", color=COLORS["reference"], **common)]
    texts += [ax.annotate(text, (1, y), gid=gid, **common) for y, text, gid in entries]
    _plain(*texts)


# --------------------------------------------------------------------------------------------
# distinctive terms
# --------------------------------------------------------------------------------------------


def _top_rows(z: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Rows of the ``n`` largest z above 0 and of the ``n`` smallest below 0, most extreme
    first."""
    pos, neg = np.flatnonzero(z > 0), np.flatnonzero(z < 0)
    return pos[np.argsort(-z[pos], kind="stable")][:n], neg[np.argsort(z[neg], kind="stable")][:n]


def _term_points(
    ax: Axes,
    total: np.ndarray,
    z: np.ndarray,
    tops: Sequence[tuple[np.ndarray, str, str, str]],
) -> None:
    """Every term a small grey point; the top terms of each side ``(rows, colour, group,
    gid)`` coloured on top; dashed lines at z = ±1.96."""
    ax.scatter(
        total,
        z,
        s=9,
        color=COLORS["muted"],
        alpha=0.45,
        linewidths=0,
        zorder=2,
        gid="terms",
        label=f"other terms ({len(total):,} in all)",
    )
    for rows, color, name, gid in tops:
        if len(rows):
            ax.scatter(
                total[rows],
                z[rows],
                s=24,
                color=color,
                edgecolors="white",
                linewidths=0.5,
                zorder=4,
                gid=gid,
                label=f"favours {name} (top {len(rows)} labelled)",
            )
    for sign in (1, -1):
        ax.axhline(
            sign * Z_CRITICAL,
            color=COLORS["reference"],
            linestyle="--",
            linewidth=1,
            zorder=1,
            gid=f"z{'+' if sign > 0 else '-'}{Z_CRITICAL}",
            label="z = ±1.96 (5% level)" if sign > 0 else None,
        )
    ax.axhline(0, color="#cccccc", linewidth=0.8, zorder=1)


def _term_axes(ax: Axes, total: np.ndarray, z: np.ndarray, own: bool) -> None:
    """Log frequency axis, z axis with room for the ±1.96 lines, grid and legend."""
    ax.set_xscale("log")
    lo_x, hi_x = total.min(), total.max()
    ax.set_xlim(lo_x / 1.5, hi_x * 1.5 if hi_x > lo_x else hi_x * 3)
    few = hi_x / lo_x < 1e3
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if few else (1.0,)))
    ax.xaxis.set_major_formatter(_log_tick)
    ax.xaxis.set_minor_formatter(lambda x, pos: "")
    lo_y, hi_y = min(z.min(), -Z_CRITICAL), max(z.max(), Z_CRITICAL)
    pad = 0.07 * (hi_y - lo_y)
    ax.set_ylim(lo_y - pad, hi_y + pad)
    ax.grid(axis="both", which="major", alpha=0.2)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    if own:  # above the axes, clear of the points; a caller's axes has its title there
        ax.legend(
            loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=2, fontsize=ANNOT_SIZE, frameon=False
        )
    else:
        ax.legend(loc="best", fontsize=ANNOT_SIZE, frameon=True, edgecolor="none", framealpha=0.9)


def plot_distinctive_terms(
    terms: DistinctiveTerms,
    *,
    n: int = 15,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The Fightin' Words chart: each term's z-score against how often it is used.

    Every term of the result is a small grey point at its overall frequency (``count_a +
    count_b``, on a log axis) and its z-score (the log-odds ratio between the two groups over
    its standard deviation; Monroe, Colaresi & Quinn 2008). The ``n`` terms with the largest z
    on each side, those that most favour one group, are coloured by the group they favour and
    labelled; labels are placed so that they do not overlap (moved up or down with a leader
    line where the points crowd). Dashed lines at z = ±1.96 mark the 5% level. Korean, Japanese
    and Chinese terms need a CJK font (see :mod:`research._plotting.fonts`).

    Parameters
    ----------
    terms : DistinctiveTerms
        The result of :func:`research.messages.distinctive_terms` (its table, group names and
        token counts). Not modified.
    n : int, default 15
        Terms labelled on each side (fewer if fewer favour that group; 0 labels none).
    title : str, optional
        Chart title. Default names the groups and their tokens.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        All terms are a scatter collection with gid ``"terms"``; the labelled ones scatter
        collections with gids ``"top-a"`` and ``"top-b"`` and texts with gid
        ``"term-<term>"``; the dashed lines have gids ``"z+1.96"`` and ``"z-1.96"``.

    Raises
    ------
    TypeError
        ``terms`` is not a DistinctiveTerms.
    ValueError
        The result has no term, or ``n`` is not a non-negative integer.

    Examples
    --------
    >>> terms = distinctive_terms(messages.text, messages.team, group_a="sales",
    ...                           group_b="marketing")  # doctest: +SKIP
    >>> plot_distinctive_terms(terms, n=10)  # or terms.plot(n=10)  # doctest: +SKIP
    """
    _require_result(terms, DistinctiveTerms, "terms", "research.messages.distinctive_terms")
    n = check_int(n, "n", minimum=0)
    table = terms.table
    if table.empty:
        raise ValueError(
            f"terms has no term seen {terms.min_count}+ times: nothing to plot (lower min_count)"
        )
    total = (table["count_a"] + table["count_b"]).to_numpy(dtype=np.float64)
    z = table["z"].to_numpy(dtype=np.float64)
    words = table["term"].astype(str).to_numpy()
    group_a, group_b = terms.group_a, terms.group_b
    color_a, color_b = _pair_colors(group_a, group_b)
    top_a, top_b = _top_rows(z, n)

    own = ax is None
    fig, ax = _axes_or_new(ax, 7.0)
    _term_points(
        ax, total, z, [(top_a, color_a, group_a, "top-a"), (top_b, color_b, group_b, "top-b")]
    )
    _term_axes(ax, total, z, own)
    if title is None:
        title = (
            f"Words that set {group_a} apart from {group_b} ({terms.tokens_a:,} and "
            f"{terms.tokens_b:,} words)\n"
            f"Fightin' Words z-scores, the top {n} of each side labelled; dashed: |z| = 1.96"
        )
    _label_axes(
        fig,
        ax,
        own,
        title,
        "occurrences in both groups (log scale)",
        f"z-score: log-odds ratio / its SD\n(> 0 favours {group_a}, < 0 favours {group_b})",
    )
    # the labels, placed when the figure is drawn: the most distinctive terms first, both
    # sides in turn
    order = [i for pair in itertools.zip_longest(top_a, top_b) for i in pair if i is not None]
    if order:
        idx = np.array(order)
        side_color = np.where(z[idx] > 0, color_a, color_b)
        _place_labels(
            ax,
            total[idx],
            z[idx],
            words[idx].tolist(),
            side_color.tolist(),
            [f"term-{t}" for t in words[idx]],
        )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# claim coverage
# --------------------------------------------------------------------------------------------


def _claim_label(claim: str) -> str:
    return claim.replace("_", " ")


def _team_shares(ax: Axes, pooled: pd.DataFrame, y: np.ndarray) -> None:
    """Each team's share of each claim with its interval, the two teams side by side."""
    markers = {"marketing": "o", "sales": "D"}
    for offset, team in ((-0.16, "marketing"), (0.16, "sales")):
        share, low, high = (pooled[f"{team}_{c}"].to_numpy() for c in ("share", "low", "high"))
        shown = np.isfinite(share)
        bars = ax.errorbar(
            share[shown],
            y[shown] + offset,
            xerr=_interval_errors(share, low, high)[:, shown],
            fmt=markers[team],
            color=COLORS[team],
            ecolor=COLORS[team],
            elinewidth=1.5,
            capsize=3,
            markersize=6.5,
            zorder=3,
            label=f"{team} messages",
        )
        bars.lines[0].set_gid(team)


def _never_repeated_note(ax: Axes, never: list[str]) -> Text:
    note = _footnote(
        ax,
        textwrap.fill(
            "Sales never repeats: "
            + ", ".join(_claim_label(c) for c in never)
            + " (in none of the sales messages of the campaigns that make the claim)",
            110,
        ),
    )
    note.set_gid("never-repeated")
    return note


def _claims_title(pooling: ClaimPooling) -> str:
    pooled = pooling.table
    over = f", pooled over {pooling.n_campaigns} campaigns" if pooling.n_campaigns else ""
    title = f"Campaign claims in marketing and sales messages{over}"
    if len(pooled) and np.isfinite(pooled["gap"].iloc[0]):
        first = pooled.iloc[0]
        title += (
            f"\n{_claim_label(str(pooled.index[0]))}: {_pct(first['marketing_share'])} of "
            f"marketing vs {_pct(first['sales_share'])} of sales messages (the largest gap)"
        )
    return title


def plot_claim_coverage(
    pooling: ClaimPooling,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Per campaign claim: the share of marketing and of sales messages that carry it.

    The chart draws :func:`research.messages.pool_claims`: each claim pooled over the campaigns
    that make it, each team's share with its Wilson interval (at the result's ``ci``). Each
    claim is a row with two points, marketing's share and sales', claims sorted by the gap
    (marketing share - sales share), largest on top, with the gap in percentage points on the
    right. A note lists the claims sales never repeats (the result's ``never_repeated``:
    pooled sales share 0).

    Parameters
    ----------
    pooling : ClaimPooling
        The result of :func:`research.messages.pool_claims` (or ``ClaimCoverage.pool()``),
        drawn as it is.
    title : str, optional
        Chart title. Default names the claim with the largest gap.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The shares are error bar containers whose lines have gids ``"marketing"`` and
        ``"sales"`` (x: pooled share, y: row, claims top to bottom); the gaps texts with gid
        ``"gap-<claim>"``; the note a text with gid ``"never-repeated"``.

    Raises
    ------
    TypeError
        ``pooling`` is not a ClaimPooling.

    Examples
    --------
    >>> coverage = claim_coverage(messages, campaigns, leads, CLAIM_KEYWORDS)  # doctest: +SKIP
    >>> plot_claim_coverage(pool_claims(coverage, ci=0.9))  # doctest: +SKIP
    """
    _require_result(pooling, ClaimPooling, "pooling", "research.messages.pool_claims")
    pooled = pooling.table
    names = pooled.index.astype(str).to_numpy()
    k = len(names)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.6, 2.0 + 0.55 * k))
    y = np.arange(k, dtype=np.float64)
    _team_shares(ax, pooled, y)
    campaigns = pooled["campaigns"].to_numpy()
    ax.set_yticks(
        y,
        [
            f"{textwrap.shorten(_claim_label(c), 28)} ({int(m)} campaign{'s' if m != 1 else ''})"
            for c, m in zip(names, campaigns, strict=True)
        ],
    )
    ax.set_ylim(k - 0.5, -1.3)  # largest gap on top, room above for the legend
    ax.set_xlim(-0.015, 1.0)  # a 0% share shows whole, not cut by the axis
    _percent_axis(ax.xaxis)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left", ncols=2, fontsize=ANNOT_SIZE, frameon=False)
    gaps = [
        (yi, _signed(f"{100 * g:+.0f} pts") if np.isfinite(g) else "n/a", f"gap-{claim}")
        for yi, claim, g in zip(y, names, pooled["gap"].to_numpy(), strict=True)
    ]
    _right_column(ax, "gap", gaps)
    if pooling.never_repeated:
        _never_repeated_note(ax, pooling.never_repeated)
    xlabel = (
        "share of the team's messages that carry the claim "
        f"(%, Wilson {ci_label(pooling.ci)} interval)"
    )
    _label_axes(
        fig,
        ax,
        own,
        _claims_title(pooling) if title is None else title,
        xlabel,
        "claim (campaigns making it)",
    )
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# headlines: feature effects (research.messages.headlines)
# --------------------------------------------------------------------------------------------

#: Names and per-unit units of the features of
#: :func:`research.messages.headlines.headline_features`.
_HEADLINE_FEATURE_LABELS = {
    "n_words": ("words", "per word"),
    "n_chars": ("characters", "per character"),
    "question": ("question mark", None),
    "number": ("number", None),
    "second_person": ('"you", "your"', None),
    "exclamation": ("exclamation mark", None),
    "quote": ("quotation", None),
    "positive_words": ("positive words", "per word"),
    "negative_words": ("negative words", "per word"),
    "starts_with_this": ('starts with "This"', None),
}


def _feature_label(feature: str, unit: str | None) -> str:
    """'question mark (with vs without)', 'words (per word)'."""
    name, per = _HEADLINE_FEATURE_LABELS.get(feature, (feature.replace("_", " "), None))
    if unit is None or unit in ("", "nan", "<NA>"):
        return name
    if unit == "per unit" and per is not None:
        unit = per
    return f"{name} ({unit})"


def _bound(value: float) -> str:
    return f"{value:.1f}"


def _signed_bound(value: float) -> str:
    return f"{value:+.1f}"


def _lift_labels(
    ax: Axes, lift: np.ndarray, y: np.ndarray, low: np.ndarray, high: np.ndarray
) -> None:
    """Each lift and its interval written above its point, kept inside the axes: "+4.6%
    [3.1–6.0%]", and with both signs when the interval has a negative bound: "+1.1% [−0.4 to
    +2.6%]", "−10.3% [−12.7 to −8.0%]"."""
    ax.get_xlim()  # settles pending autoscaling before the limits are read
    to_axes = ax.transScale + ax.transLimits
    labels = []
    for xi, yi, lo, hi in zip(lift, y, low, high, strict=True):
        interval = _bracket(lo, hi, _signed_bound if min(lo, hi) < 0 else _bound, "%")
        where = to_axes.transform((xi, 0.0))[0]
        labels.append(
            ax.annotate(
                _signed(f"{xi:+.1f}% {interval}".rstrip()),
                (xi, yi),
                xytext=(0, 7),
                textcoords="offset points",
                ha="left" if where < 0.2 else "right" if where > 0.8 else "center",
                va="bottom",
                fontsize=ANNOT_SIZE,
                bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
            )
        )
    _plain(*labels)


def _effects_title(effects: HeadlineEffects) -> str:
    k = len(effects.table)
    return (
        f"Headline features and clicks: {len(effects.clear_features)} of {k} lifts have an "
        f"interval excluding 0\nlift vs headlines of the same test "
        f"({effects.n_tests_used:,} tests), other features held fixed"
    )


def plot_headline_effects(
    effects: HeadlineEffects,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The click-through lift of each headline feature, with its interval, against zero.

    One row per feature, largest lift on top: the lift as a percentage of the test's
    click-through rate with its interval (at the result's ``ci``), each labelled with its value,
    a solid line at 0 (no difference), the feature and the unit of its lift in the tick label
    ("question mark (with vs without)", "words (per word)"), and on the right the share of
    headlines that have each boolean feature.

    Parameters
    ----------
    effects : HeadlineEffects
        The result of :func:`research.messages.headlines.headline_effects`. Not modified.
    title : str, optional
        Chart title. Default counts the features whose interval excludes zero.
    ax : matplotlib.axes.Axes, optional
        Axes to draw on; default a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The lifts are an error bar container whose line has gid ``"lift"`` (x in percent, y:
        row, features top to bottom); the zero line has gid ``"zero"``; the shares texts with
        gid ``"share-<feature>"``.

    Raises
    ------
    TypeError
        ``effects`` is not a HeadlineEffects.

    Examples
    --------
    >>> plot_headline_effects(headline_effects(load_upworthy()))  # doctest: +SKIP
    """
    _require_result(effects, HeadlineEffects, "effects", "research.messages.headline_effects")
    table = effects.table.iloc[np.argsort(-effects.table["lift"].to_numpy(), kind="stable")]
    lift, low, high = (100 * table[c].to_numpy(dtype=np.float64) for c in ("lift", "low", "high"))
    features = table.index.astype(str).to_numpy()
    k = len(table)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.6, 1.9 + 0.55 * k))
    y = np.arange(k, dtype=np.float64)
    ax.axvline(0, color="#222222", linewidth=1.2, zorder=2, gid="zero", label="no difference (0%)")
    level = ci_label(effects.ci)
    _estimates_with_intervals(
        ax,
        lift,
        y,
        xerr=_interval_errors(lift, low, high),
        label=f"lift ({level} interval)",
        gid="lift",
    )
    finite = np.concatenate([low[np.isfinite(low)], high[np.isfinite(high)], lift, [0.0]])
    span = max(finite.max() - finite.min(), 1.0)
    ax.set_xlim(finite.min() - 0.08 * span, finite.max() + 0.08 * span)
    ax.set_ylim(k - 0.5, -1.3)  # largest lift on top, room above for the legend
    ax.set_yticks(y, [_feature_label(f, u) for f, u in zip(features, table["unit"], strict=True)])
    ax.xaxis.set_major_formatter(lambda x, pos: _signed(f"{x:+g}%") if x else "0%")
    _lift_labels(ax, lift, y, low, high)
    share = table["share_with"].to_numpy(dtype=np.float64)
    if np.isfinite(share).any():
        shares = [
            (yi, _pct(s), f"share-{f}")
            for yi, f, s in zip(y, features, share, strict=True)
            if np.isfinite(s)
        ]
        _right_column(ax, "headlines\nwith it", shares)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left", ncols=2, fontsize=ANNOT_SIZE, frameon=False)
    _label_axes(
        fig,
        ax,
        own,
        _effects_title(effects) if title is None else title,
        f"lift in click-through rate (% of the test's CTR; {level} interval)",
        "headline feature (unit of the lift)",
    )
    _footnote(ax, "Headlines, not their features, were randomised: the lifts are associations.")
    return _finish(fig)
