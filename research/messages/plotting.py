"""Charts of the message and headline analyses.

* :func:`plot_distinctive_terms`: the Fightin' Words chart, the words that set one group's
  texts apart from another's, by frequency and z-score
  (:func:`research.messages.distinctive_terms`);
* :func:`plot_claim_coverage`: per campaign claim, the share of marketing and of sales messages
  that carry it, pooled over campaigns (:func:`research.messages.claim_coverage`);
* :func:`plot_headline_effects`: the click-through lift of each headline feature with its
  interval (:func:`research.messages.headlines.headline_effects`);
"""

from __future__ import annotations

import itertools
import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import (
    LogLocator,
)

from research._format import (
    _pct,
    _signed,
)
from research._plotting.axes import (
    _axes_or_new,
    _clean_spines,
    _estimates_with_intervals,
    _finish,
    _footnote,
    _interval_errors,
    _label_axes,
    _log_tick,
    _optional_values,
    _percent_axis,
    _plain,
    _require_frame,
)
from research._plotting.labels import Z_CRITICAL, _pair_colors, _place_labels
from research._plotting.style import ANNOT_SIZE, COLORS
from research._validation import (
    nonnegative_values,
    numeric_values,
    require_columns,
    require_rows,
)
from research.messages.consistency import ClaimPooling, pool_claims
from research.messages.log import TEAMS

__all__ = [
    "plot_distinctive_terms",
    "plot_claim_coverage",
    "plot_headline_effects",
]


def plot_distinctive_terms(
    table: pd.DataFrame,
    *,
    n: int = 15,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The Fightin' Words chart: each term's z-score against how often it is used.

    Every term of the table is a small grey point at its overall frequency (``count_a +
    count_b``, on a log axis) and its z-score (the log-odds ratio between the two groups over
    its standard deviation; Monroe, Colaresi & Quinn 2008). The ``n`` terms with the largest z
    on each side, those that most favour one group, are coloured by the group they favour and
    labelled; labels are placed so that they do not overlap (moved up or down with a leader
    line where the points crowd). Dashed lines at z = ±1.96 mark the 5% level. Korean, Japanese
    and Chinese terms need a CJK font (see :mod:`research._plotting.fonts`).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.messages.distinctive_terms`: one row per term with columns
        ``term``, ``count_a``, ``count_b`` and ``z`` (positive favours group A); the group
        names are ``table.attrs["group_a"]`` and ``["group_b"]`` (default "group A" and
        "group B"). Not modified.
    n : int, default 15
        Terms labelled on each side (fewer if fewer favour that group; 0 labels none).
    title : str, optional
        Chart title. Default names the groups.
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
    ValueError
        A column is missing, the table is empty, a count is negative or missing, a z-score is
        missing, no term has a count, or ``n`` is not a non-negative integer.

    Examples
    --------
    >>> terms = distinctive_terms(messages.text, messages.team, group_a="sales",
    ...                           group_b="marketing")  # doctest: +SKIP
    >>> plot_distinctive_terms(terms, n=10)  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["term", "count_a", "count_b", "z"], "table")
    require_rows(frame, "table")
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"n must be a non-negative integer, got {n!r}")
    count_a = nonnegative_values(frame, "count_a", "table")
    count_b = nonnegative_values(frame, "count_b", "table")
    z = numeric_values(frame, "z", "table")
    terms = frame["term"].astype(str).to_numpy()
    total = count_a + count_b
    used = total > 0  # a log axis cannot show a term used 0 times
    if not used.any():
        raise ValueError(f"no term of the table ({len(frame):,} rows) has a count: nothing to plot")
    group_a = str(frame.attrs.get("group_a", "group A"))
    group_b = str(frame.attrs.get("group_b", "group B"))
    color_a, color_b = _pair_colors(group_a, group_b)
    rows = np.flatnonzero(used)
    pos, neg = rows[z[rows] > 0], rows[z[rows] < 0]
    top_a = pos[np.argsort(-z[pos], kind="stable")][:n]
    top_b = neg[np.argsort(z[neg], kind="stable")][:n]

    own = ax is None
    fig, ax = _axes_or_new(ax, 7.0)
    ax.scatter(
        total[used],
        z[used],
        s=9,
        color=COLORS["muted"],
        alpha=0.45,
        linewidths=0,
        zorder=2,
        gid="terms",
        label=f"other terms ({int(used.sum()):,} in all)",
    )
    for top, color, name, gid in (
        (top_a, color_a, group_a, "top-a"),
        (top_b, color_b, group_b, "top-b"),
    ):
        if len(top):
            ax.scatter(
                total[top],
                z[top],
                s=24,
                color=color,
                edgecolors="white",
                linewidths=0.5,
                zorder=4,
                gid=gid,
                label=f"favours {name} (top {len(top)} labelled)",
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

    ax.set_xscale("log")
    lo_x, hi_x = total[used].min(), total[used].max()
    ax.set_xlim(lo_x / 1.5, hi_x * 1.5 if hi_x > lo_x else hi_x * 3)
    few = hi_x / lo_x < 1e3
    ax.xaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0) if few else (1.0,)))
    ax.xaxis.set_major_formatter(_log_tick)
    ax.xaxis.set_minor_formatter(lambda x, pos: "")
    lo_y, hi_y = min(z[used].min(), -Z_CRITICAL), max(z[used].max(), Z_CRITICAL)
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

    if title is None:
        tokens = ""
        if "tokens_a" in frame.attrs and "tokens_b" in frame.attrs:
            tokens = (
                f" ({int(frame.attrs['tokens_a']):,} and {int(frame.attrs['tokens_b']):,} words)"
            )
        title = (
            f"Words that set {group_a} apart from {group_b}{tokens}\n"
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
            terms[idx].tolist(),
            side_color.tolist(),
            [f"term-{t}" for t in terms[idx]],
        )
    return _finish(fig)


def _claim_label(claim: str) -> str:
    return claim.replace("_", " ")


def plot_claim_coverage(
    table: pd.DataFrame | ClaimPooling,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Per campaign claim: the share of marketing and of sales messages that carry it.

    The chart draws :func:`research.messages.pool_claims`: each claim pooled over the campaigns
    that make it, each team's share with its Wilson interval (at the result's ``ci``; 95% when
    a coverage table is given). Each claim is a row with two points, marketing's share and
    sales', claims sorted by the gap (marketing share - sales share), largest on top, with the
    gap in percentage points on the right. A note lists the claims sales never repeats (the
    result's ``never_repeated``: pooled sales share 0).

    Parameters
    ----------
    table : pandas.DataFrame or ClaimPooling
        Output of :func:`research.messages.claim_coverage` (columns ``claim``,
        ``marketing_messages``, ``marketing_with``, ``sales_messages`` and ``sales_with``;
        ``campaign_id``, if present, counts the campaigns per claim; not modified), pooled here
        by :func:`research.messages.pool_claims`; or that function's result, drawn as it is.
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
    ValueError
        A column is missing, the table is empty, or a count is missing, negative, or larger
        than the team's messages.

    Examples
    --------
    >>> coverage = claim_coverage(messages, campaigns, leads, CLAIM_KEYWORDS)  # doctest: +SKIP
    >>> plot_claim_coverage(pool_claims(coverage, ci=0.9))  # doctest: +SKIP
    """
    pooling = table if isinstance(table, ClaimPooling) else pool_claims(table)
    pooled = pooling.table
    names = pooled.index.to_numpy()
    gap = pooled["gap"].to_numpy()
    stats = {
        team: tuple(pooled[f"{team}_{c}"].to_numpy() for c in ("share", "low", "high"))
        for team in TEAMS
    }
    campaigns_per = pooled["campaigns"].to_numpy()
    all_campaigns = pooling.n_campaigns
    k = len(names)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.6, 2.0 + 0.55 * k))
    y = np.arange(k, dtype=np.float64)
    markers = {"marketing": "o", "sales": "D"}
    for offset, team in ((-0.16, "marketing"), (0.16, "sales")):
        share, low, high = stats[team]
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
    ax.set_yticks(
        y,
        [
            f"{textwrap.shorten(_claim_label(c), 28)} ({int(m)} campaign{'s' if m != 1 else ''})"
            for c, m in zip(names, campaigns_per, strict=True)
        ],
    )
    ax.set_ylim(k - 0.5, -1.3)  # largest gap on top, room above for the legend
    ax.set_xlim(-0.015, 1.0)  # a 0% share shows whole, not cut by the axis
    _percent_axis(ax.xaxis)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left", ncols=2, fontsize=ANNOT_SIZE, frameon=False)
    # the gap, in percentage points, in a column right of the axes
    header = ax.annotate(
        "gap",
        (1, -0.9),
        xycoords=("axes fraction", "data"),
        xytext=(8, 0),
        textcoords="offset points",
        ha="left",
        va="center",
        fontsize=ANNOT_SIZE,
        fontweight="bold",
        color=COLORS["reference"],
    )
    texts = [header]
    for yi, claim, g in zip(y, names, gap, strict=True):
        texts.append(
            ax.annotate(
                _signed(f"{100 * g:+.0f} pts") if np.isfinite(g) else "n/a",
                (1, yi),
                xycoords=("axes fraction", "data"),
                xytext=(8, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=ANNOT_SIZE,
                gid=f"gap-{claim}",
            )
        )
    _plain(*texts)
    never = pooling.never_repeated
    if never:
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

    if title is None:
        pooled_over = f", pooled over {all_campaigns} campaigns" if all_campaigns else ""
        title = f"Campaign claims in marketing and sales messages{pooled_over}"
        if np.isfinite(gap[0]):
            title += (
                f"\n{_claim_label(names[0])}: {_pct(stats['marketing'][0][0])} of marketing "
                f"vs {_pct(stats['sales'][0][0])} of sales messages (the largest gap)"
            )
    xlabel = (
        f"share of the team's messages that carry the claim (%, Wilson {pooling.ci:.0%} interval)"
    )
    _label_axes(fig, ax, own, title, xlabel, "claim (campaigns making it)")
    return _finish(fig)


# --------------------------------------------------------------------------------------------
# 11. headlines: feature effects (research.messages.headlines)
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


def plot_headline_effects(
    table: pd.DataFrame,
    *,
    title: str | None = None,
    ax: Axes | None = None,
) -> Figure:
    """The click-through lift of each headline feature, with its interval, against zero.

    One row per feature, largest lift on top: the lift as a percentage of the test's
    click-through rate with its interval, each labelled with its value, a solid line at 0 (no
    difference), the feature and the unit of its lift in the tick label ("question mark (with
    vs without)", "words (per word)"), and on the right the share of headlines that have the
    feature, where the table gives it (boolean features).

    Parameters
    ----------
    table : pandas.DataFrame
        Output of :func:`research.messages.headlines.headline_effects`: indexed by feature,
        with columns
        ``lift``, ``low`` and ``high`` (shares: 0.05 is 5%), and optionally ``unit``,
        ``share_with`` and ``n_tests``. Not modified.
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
    ValueError
        A column is missing, the table is empty, or a lift is missing.

    Examples
    --------
    >>> plot_headline_effects(headline_effects(load_upworthy()))  # doctest: +SKIP
    """
    frame = _require_frame(table, "table")
    require_columns(frame, ["lift", "low", "high"], "table")
    require_rows(frame, "table")
    lift = 100 * numeric_values(frame, "lift", "table")
    low = 100 * _optional_values(frame, "low")
    high = 100 * _optional_values(frame, "high")
    share = _optional_values(frame, "share_with") if "share_with" in frame.columns else None
    units = frame["unit"].astype(str).to_numpy() if "unit" in frame.columns else [None] * len(frame)
    features = frame.index.astype(str).to_numpy()
    order = np.argsort(-lift, kind="stable")  # largest lift on top
    lift, low, high, features = (a[order] for a in (lift, low, high, features))
    units = [units[i] for i in order]
    if share is not None:
        share = share[order]
    k = len(order)

    own = ax is None
    fig, ax = _axes_or_new(ax, max(3.6, 1.9 + 0.55 * k))
    y = np.arange(k, dtype=np.float64)
    ax.axvline(0, color="#222222", linewidth=1.2, zorder=2, gid="zero", label="no difference (0%)")
    _estimates_with_intervals(
        ax, lift, y, xerr=_interval_errors(lift, low, high), label="lift (95% interval)", gid="lift"
    )
    finite = np.concatenate([low[np.isfinite(low)], high[np.isfinite(high)], lift, [0.0]])
    span = max(finite.max() - finite.min(), 1.0)
    ax.set_xlim(finite.min() - 0.08 * span, finite.max() + 0.08 * span)
    ax.set_ylim(k - 0.5, -1.3)  # largest lift on top, room above for the legend
    ax.set_yticks(y, [_feature_label(f, u) for f, u in zip(features, units, strict=True)])
    ax.xaxis.set_major_formatter(lambda x, pos: _signed(f"{x:+g}%") if x else "0%")
    ax.get_xlim()  # settles pending autoscaling before the limits are read
    to_axes = ax.transScale + ax.transLimits
    labels = []
    for xi, yi, lo, hi in zip(lift, y, low, high, strict=True):
        interval = f" [{lo:+.1f}, {hi:+.1f}]" if np.isfinite(lo) and np.isfinite(hi) else ""
        where = to_axes.transform((xi, 0.0))[0]
        labels.append(
            ax.annotate(
                _signed(f"{xi:+.1f}%{interval}"),
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
    if share is not None and np.isfinite(share).any():
        column = [
            ax.annotate(
                "headlines\nwith it",
                (1, -0.9),
                xycoords=("axes fraction", "data"),
                xytext=(8, 0),
                textcoords="offset points",
                ha="left",
                va="center",
                fontsize=ANNOT_SIZE,
                fontweight="bold",
                color=COLORS["reference"],
            )
        ]
        for yi, feature, s in zip(y, features, share, strict=True):
            if np.isfinite(s):
                column.append(
                    ax.annotate(
                        _pct(s),
                        (1, yi),
                        xycoords=("axes fraction", "data"),
                        xytext=(8, 0),
                        textcoords="offset points",
                        ha="left",
                        va="center",
                        fontsize=ANNOT_SIZE,
                        gid=f"share-{feature}",
                    )
                )
        _plain(*column)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    _clean_spines(ax)
    ax.legend(loc="upper left", ncols=2, fontsize=ANNOT_SIZE, frameon=False)

    if title is None:
        clear = int(np.sum((low > 0) | (high < 0)))
        tests = ""
        n_tests = frame.attrs.get("n_tests_used")
        if n_tests is None and "n_tests" in frame.columns:
            n_tests = frame["n_tests"].max()
        if n_tests is not None and np.isfinite(n_tests):
            tests = f" ({int(n_tests):,} tests)"
        title = (
            f"Headline features and clicks: {clear} of {k} lifts have an interval excluding 0\n"
            f"lift vs headlines of the same test{tests}, other features held fixed"
        )
    _label_axes(
        fig,
        ax,
        own,
        title,
        "lift in click-through rate (% of the test's CTR; 95% interval)",
        "headline feature (unit of the lift)",
    )
    _footnote(ax, "Headlines, not their features, were randomised: the lifts are associations.")
    return _finish(fig)
