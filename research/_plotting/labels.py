"""Label placement without overlaps (the distinctive-terms chart)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.text import Annotation, Text

from research._plotting.axes import _plain
from research._plotting.fonts import _font_family
from research._plotting.style import ANNOT_SIZE, COLORS

# --------------------------------------------------------------------------------------------
# 10. messages: distinctive terms and claim coverage (research.messages)
# --------------------------------------------------------------------------------------------

#: |z| above which a term's log-odds ratio differs from 0 at the 5% level (two-sided).
Z_CRITICAL = 1.96


def _pair_colors(group_a: str, group_b: str) -> tuple[str, str]:
    """Colours of two groups: the teams' own colours for sales and marketing, else blue and
    orange."""
    teams = ("sales", "marketing")
    a = COLORS[group_a] if group_a in teams else COLORS["main"]
    b = COLORS[group_b] if group_b in teams else COLORS["value"]
    return (a, b) if a != b else (COLORS["main"], COLORS["value"])


def _boxes_overlap(boxes: np.ndarray, others: np.ndarray) -> np.ndarray:
    """For boxes (k, 4) and others (n, 4), rows x0, y0, x1, y1: which pairs overlap, (k, n)."""
    b, o = boxes[:, None, :], others[None, :, :]
    return (
        (b[..., 0] < o[..., 2])
        & (o[..., 0] < b[..., 2])
        & (b[..., 1] < o[..., 3])
        & (o[..., 1] < b[..., 3])
    )


def _segments_hit_boxes(starts: np.ndarray, ends: np.ndarray, boxes: np.ndarray) -> np.ndarray:
    """Which segments (k, 2) -> (k, 2) pass through which boxes (n, 4): (k, n), by
    Liang-Barsky clipping."""
    d = (ends - starts)[:, None, :]
    s = starts[:, None, :]
    lo, hi = boxes[None, :, :2], boxes[None, :, 2:]
    t0 = np.zeros((len(starts), len(boxes)))
    t1 = np.ones_like(t0)
    outside = np.zeros(t0.shape, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        for p, q in ((-d, s - lo), (d, hi - s)):
            for axis in (0, 1):
                pk = np.broadcast_to(p[..., axis], t0.shape)
                qk = q[..., axis]
                t = qk / pk
                outside |= (pk == 0) & (qk < 0)
                t0 = np.where(pk < 0, np.maximum(t0, t), t0)
                t1 = np.where(pk > 0, np.minimum(t1, t), t1)
    return ~outside & (t0 <= t1)


def _segments_cross(a: np.ndarray, b: np.ndarray, c: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Which segments a -> b (k, 2) properly cross which segments c -> d (n, 2): (k, n)."""

    def turn(p: np.ndarray, q: np.ndarray, r: np.ndarray) -> np.ndarray:
        return (q[..., 0] - p[..., 0]) * (r[..., 1] - p[..., 1]) - (q[..., 1] - p[..., 1]) * (
            r[..., 0] - p[..., 0]
        )

    a, b, c, d = a[:, None, :], b[:, None, :], c[None, :, :], d[None, :, :]
    return (turn(a, b, c) * turn(a, b, d) < 0) & (turn(c, d, a) * turn(c, d, b) < 0)


def _label_places(
    points: np.ndarray,
    sizes: np.ndarray,
    frame: np.ndarray,
    fixed: np.ndarray,
    scale: float,
    marker_radius: float,
) -> list[tuple[float, float, float, bool]]:
    """Where each label goes, in pixels: (side, gap, shift up, leader line) per label.

    ``points`` (n, 2) and label ``sizes`` (n, 2: width, height) are in pixels, ``frame`` is the
    box labels must stay in and ``fixed`` (m, 4) boxes they must not cover (the legend);
    ``scale`` is pixels per point. See :func:`_place_labels` for the search.
    """
    search = _PlaceSearch(points, sizes, frame, fixed, scale, marker_radius)
    # one by one in the given order, then each moved to its best place given all the others,
    # a few times over: this undoes most crossings left by the first, greedy pass
    for i in range(len(points)):
        search.put(i, search.best_place(i))
    for _ in range(3):
        changed = False
        for i in range(len(points)):
            search.placed_box[i] = np.nan
            j = search.best_place(i)
            changed |= j != search.choice[i]
            search.put(i, j)
        if not changed:
            break
    return [
        (
            float(search.side[j]),
            float(search.dx[j]),
            float(search.k[j] * sizes[i, 1] / 2),
            bool(search.has_leader[j]),
        )
        for i, j in enumerate(search.choice)
    ]


class _PlaceSearch:
    """The state of :func:`_label_places`' search: the places tried (the same for every
    label: side, 1 right or -1 left; gap; shift up in half label heights), and where each
    label is placed so far."""

    def __init__(
        self,
        points: np.ndarray,
        sizes: np.ndarray,
        frame: np.ndarray,
        fixed: np.ndarray,
        scale: float,
        marker_radius: float,
    ) -> None:
        n_labels = len(points)
        self.points, self.sizes, self.frame, self.fixed = points, sizes, frame, fixed
        r = marker_radius * scale
        self.pad_x, self.pad_y = 2.5 * scale, 1.0 * scale
        self.near = 4.0 * scale  # gap between a point and a label right beside it
        self.markers = np.column_stack([points - r, points + r])
        self.h_max = float(sizes[:, 1].max()) if n_labels else 0.0
        side, dx, k = np.meshgrid(
            [1.0, -1.0],
            [self.near] + [d * scale for d in (16, 32, 52, 76)],
            np.arange(-16, 17),
            indexing="ij",
        )
        self.side, self.dx, self.k = side.ravel(), dx.ravel(), k.ravel()
        self.has_leader = (self.k != 0) | (self.dx != self.near)
        self.placed_box = np.full((n_labels, 4), np.nan)
        self.placed_centre = np.full((n_labels, 2), np.nan)
        self.choice = np.zeros(n_labels, dtype=np.int64)

    def candidates(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Boxes and centres of every place for label i, and how near each is."""
        (px, py), (w, h) = self.points[i], self.sizes[i]
        frame, side, dx, k = self.frame, self.side, self.dx, self.k
        dy = k * h / 2
        x0 = np.where(side > 0, px + dx, px - dx - w)
        boxes = np.column_stack(
            [
                x0 - self.pad_x,
                py + dy - h / 2 - self.pad_y,
                x0 + w + self.pad_x,
                py + dy + h / 2 + self.pad_y,
            ]
        )
        centres = np.column_stack([x0 + w / 2, py + dy])
        # nearest first; the side with more room, and moving away from the middle (z = 0)
        first = 1.0 if frame[2] - px >= px - frame[0] else -1.0
        away = 1.0 if py >= (frame[1] + frame[3]) / 2 else -1.0
        base = np.hypot(dx - self.near, dy) + (side != first) * h + (np.sign(k) == -away) * h / 4
        return boxes, centres, base

    def best_place(self, i: int) -> int:
        """The cheapest free place for label i given the others; right beside its point on the
        side that fits when none is free."""
        boxes, centres, base = self.candidates(i)
        n_labels, frame = len(self.points), self.frame
        others = np.ones(n_labels, dtype=bool)
        others[i] = False
        placed = others & ~np.isnan(self.placed_box[:, 0])
        labels = np.vstack([self.placed_box[placed], self.fixed])
        lines = placed & self.has_leader[self.choice]
        marks = self.markers[others]
        ok = (
            (boxes[:, 0] >= frame[0])
            & (boxes[:, 2] <= frame[2])
            & (boxes[:, 1] >= frame[1])
            & (boxes[:, 3] <= frame[3])
        )
        ok &= ~_boxes_overlap(boxes, np.vstack([labels, marks])).any(axis=1)
        if lines.any():
            ok &= ~_segments_hit_boxes(self.placed_centre[lines], self.points[lines], boxes).any(
                axis=0
            )
        cost = np.where(ok, base, np.inf)
        cost += self._leader_penalty(i, centres, labels, lines, marks)
        best = int(np.argmin(cost))
        if np.isfinite(cost[best]):
            return best
        beside = np.flatnonzero(~self.has_leader)
        fits = [
            j
            for j in beside
            if ((boxes[j, :2] >= frame[:2]).all() and (boxes[j, 2:] <= frame[2:]).all())
        ]
        return int(fits[0] if fits else beside[np.argmin(base[beside])])

    def _leader_penalty(
        self,
        i: int,
        centres: np.ndarray,
        labels: np.ndarray,
        lines: np.ndarray,
        marks: np.ndarray,
    ) -> np.ndarray:
        """A leader line runs from the label's centre to its point: one that crosses another
        label or leader counts as far away, one over another labelled point a little further."""
        ends = np.broadcast_to(self.points[i], centres.shape)
        through = _segments_hit_boxes(centres, ends, labels).sum(axis=1)
        crossed = np.zeros(len(centres))
        if lines.any():
            crossed = _segments_cross(
                centres, ends, self.placed_centre[lines], self.points[lines]
            ).sum(axis=1)
        over = _segments_hit_boxes(centres, ends, marks).sum(axis=1)
        penalty = (12 * through + 6 * crossed + 2 * over) * self.h_max
        return np.where(self.has_leader, penalty, 0.0)

    def put(self, i: int, j: int) -> None:
        boxes, centres, _ = self.candidates(i)
        self.choice[i] = j
        self.placed_box[i], self.placed_centre[i] = boxes[j], centres[j]


class _LabelPlacer(Artist):
    """Places point labels when the axes is drawn, so on the final layout at the final dpi.

    Added to the axes just below the labels, it is drawn right before them: it measures the
    labels, finds their places (:func:`_label_places`) and moves them there, unless nothing that
    matters (axes box, limits, dpi, legend) has changed since the last draw.
    """

    def __init__(self, labels: list[Annotation], xy: np.ndarray, marker_radius: float) -> None:
        super().__init__()
        self._labels = labels
        self._xy = xy
        self._marker_radius = marker_radius
        self._key: tuple | None = None
        self.set_in_layout(False)

    def draw(self, renderer) -> None:
        ax = self.axes
        if ax is None or not self._labels:
            return
        scale = renderer.points_to_pixels(1.0)
        legend = ax.get_legend()
        fixed = np.empty((0, 4))
        if legend is not None and legend.get_visible():
            fixed = np.array([legend.get_window_extent(renderer).extents])
        key = (tuple(ax.bbox.extents), ax.get_xlim(), ax.get_ylim(), scale, tuple(fixed.ravel()))
        if key != self._key:
            sizes = np.array([Text.get_window_extent(t, renderer).size for t in self._labels])
            frame = ax.bbox.extents + np.array([2.0, 2.0, -2.0, -2.0])
            places = _label_places(
                ax.transData.transform(self._xy), sizes, frame, fixed, scale, self._marker_radius
            )
            for label, (side, dx, dy, leader) in zip(self._labels, places, strict=True):
                label.xyann = (side * dx / scale, dy / scale)
                label.set_horizontalalignment("left" if side > 0 else "right")
                if label.arrow_patch is not None:
                    label.arrow_patch.set_visible(leader)
            self._key = key
        self.stale = False


def _place_labels(
    ax: Axes,
    xs: np.ndarray,
    ys: np.ndarray,
    texts: Sequence[str],
    colors: Sequence[str],
    gids: Sequence[str],
    *,
    marker_radius: float = 4.0,
    fontsize: float = ANNOT_SIZE,
) -> list[Annotation]:
    """Label points so that labels do not overlap: a greedy search, then a few passes of repair.

    A label goes right or left beside its point if that place is free; otherwise it is moved
    up or down by half a label height at a time and further out, with a thin leader line back
    to its point. Each label takes the nearest place that overlaps no other label, labelled
    point, leader line or the legend and stays inside the axes, where a leader line that
    crosses another label or leader counts as far away (and one that passes over another
    labelled point a little further): labels first one by one in the given order, then each
    moved to its best place given all the others, up to three times over. The places are
    found when the figure is drawn (by a :class:`_LabelPlacer`), in pixels on the laid-out
    figure, so they hold however the figure is laid out or saved. Labels are left out of the
    layout.
    """
    family = _font_family()
    labels = []
    for x, y, text, color, gid in zip(xs, ys, texts, colors, gids, strict=True):
        label = ax.annotate(
            text,
            (x, y),
            xytext=(4.0, 0.0),  # right beside the point until placed
            textcoords="offset points",
            ha="left",
            va="center",
            fontsize=fontsize,
            fontfamily=family,
            color=color,
            gid=gid,
            zorder=5,
            annotation_clip=False,
            bbox={"facecolor": "white", "alpha": 0.7, "edgecolor": "none", "pad": 0.5},
            # from the label towards its point, cut at the label's edge; hidden unless needed
            arrowprops={
                "arrowstyle": "-",
                "color": color,
                "linewidth": 0.6,
                "alpha": 0.8,
                "shrinkA": 0,
                "shrinkB": marker_radius - 1,
            },
        )
        label.arrow_patch.set_visible(False)
        label.set_in_layout(False)
        _plain(label)
        labels.append(label)
    placer = _LabelPlacer(labels, np.column_stack([xs, ys]).astype(np.float64), marker_radius)
    placer.set_zorder(4.99)
    ax.add_artist(placer)
    return labels
