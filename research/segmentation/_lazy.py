"""The cleaning rules and the RFM aggregation on a lazy engine (polars, DuckDB, Spark).

The same rules as :mod:`research.segmentation.cleaning`, in the same order and with the same
report, written as narwhals expressions (see :mod:`research.engines`) so that they run where
the data lives; only the report's counts and the per-customer table are collected. The pandas
path is the reference: tests check that both give the same table and the same counts.

Every order-dependent step has an explicit order (the netting of returns orders each group's
lines by time, purchases before returns, then by value), since a lazy engine has no row order.
"""

from __future__ import annotations

from dataclasses import dataclass

import narwhals as nw
import numpy as np
import pandas as pd

from research.engines import to_lazy
from research.engines._exprs import collect as _collect
from research.engines._exprs import is_blank, nan_as_null, period_number, strip
from research.engines._exprs import text_date_format as _date_format
from research.segmentation.cleaning import (
    _FIRST_DATE,
    _LAST_DATE,
    _RETURN_ACTIONS,
    _ZERO_ACTIONS,
    _customer_count_rows,
    _netting_rules,
    _observation_end,
    _returns_refused,
    _Rules,
)

# the columns of the lines, named apart from any column of the export
_C, _D, _V, _Q, _I, _P = "__cust", "__when", "__value", "__qty", "__inv", "__prod"
_ORDER = ["__when", "__isret", "__abs"]
_TOTAL = [*_ORDER, "__rid"]


@dataclass(frozen=True)
class LazyLines:
    """The purchase lines left by the cleaning rules, as lazy frames on their engine."""

    purchases: nw.LazyFrame  # __cust, __when, __value (net), [__inv]
    returned: nw.LazyFrame  # __cust, __value (the returns' own values)
    obs_end: pd.Timestamp
    engine: str
    report: list[dict[str, object]]
    rows_in: int
    rows_used: int
    customers: int
    has_returns: bool = True


# --------------------------------------------------------------------------------------------
# reading the mapped columns
# --------------------------------------------------------------------------------------------


def _check_columns(names: list[str], rules: _Rules, engine: str) -> list[str]:
    """The mapped columns, checked against the table's: as :func:`_mapped_columns`."""
    arguments = rules.mapped()
    rules.check_value_columns(names)
    used = list(arguments.values())
    missing = [f"{col!r} ({arg}=)" for arg, col in arguments.items() if col not in names]
    if missing:
        raise ValueError(
            f"transactions ({engine} table) has no column {', '.join(missing)}; its columns are "
            f"{names}. Pass the right name with that argument."
        )
    if len(used) != len(set(used)):
        raise ValueError(f"the column arguments must name different columns, got {used}")
    return used  # type: ignore[return-value]


def _id(col: str, dtype: nw.dtypes.DType) -> nw.Expr:
    """Ids with blank text made missing."""
    expr = nw.col(col)
    if dtype in (nw.Categorical, nw.Enum):
        expr = expr.cast(nw.String)
        dtype = nw.String()
    if dtype == nw.String:
        return nw.when(is_blank(expr)).then(None).otherwise(expr)
    return nan_as_null(expr, dtype)  # NaN is a missing id, as on the pandas path


def _number(col: str, dtype: nw.dtypes.DType) -> nw.Expr:
    """A value column as float: numbers, or numbers stored as text."""
    if dtype == nw.Boolean:
        raise TypeError(
            f"column {col!r} holds true/false values, not amounts or quantities: map the right "
            "column"
        )
    if dtype == nw.String:
        return strip(nw.col(col)).cast(nw.Float64)
    if not dtype.is_numeric():
        raise TypeError(f"column {col!r} must be numeric, not {dtype}")
    return nw.col(col).cast(nw.Float64)


def _date(
    frame: nw.LazyFrame, col: str, dtype: nw.dtypes.DType, rules: _Rules, engine: str
) -> tuple[nw.Expr, str | None, str | None]:
    """The date column as naive timestamps on the export's clock, the time zone to note in the
    report, and the zone an ``observation_end`` with a zone is converted to."""
    expr = nw.col(col)
    if dtype == nw.Datetime:
        zone = getattr(dtype, "time_zone", None)
        if zone is not None:
            naive = expr.dt.convert_time_zone(zone).dt.replace_time_zone(None)
            # Spark's TIMESTAMP holds instants shown on the session's clock (its only zone):
            # that clock is the export's, with nothing to note
            return naive, (None if engine == "pyspark" else zone), zone
        return expr, None, None
    if dtype == nw.Date:
        return expr.cast(nw.Datetime("us")), None, None
    if dtype == nw.String:
        fmt = _date_format(frame, col, rules.date_format, engine)
        return strip(expr).str.to_datetime(format=fmt), None, None
    raise TypeError(f"column {col!r} holds {dtype}, not dates")


def _lines(
    frame: nw.LazyFrame, schema: nw.Schema, rules: _Rules, engine: str
) -> tuple[nw.LazyFrame, dict]:
    """The mapped columns (checked, in ``schema``) under their internal names, with what was
    noted on reading them."""
    when, zone, end_zone = _date(frame, rules.date_col, schema[rules.date_col], rules, engine)
    if rules.price_col is not None:
        value = _number(rules.quantity_col, schema[rules.quantity_col]) * _number(  # type: ignore[arg-type]
            rules.price_col, schema[rules.price_col]
        )
        value_cols = [rules.quantity_col, rules.price_col]
    else:
        value = _number(rules.amount_col, schema[rules.amount_col])  # type: ignore[arg-type]
        value_cols = [rules.amount_col]
    columns = [_id(rules.customer_col, schema[rules.customer_col]).alias(_C), when.alias(_D)]
    columns.append(value.alias(_V))
    if rules.quantity_col is not None:
        columns.append(_number(rules.quantity_col, schema[rules.quantity_col]).alias(_Q))
        value_cols.append(rules.quantity_col)
    if rules.invoice_col is not None:
        columns.append(nw.col(rules.invoice_col).alias(_I))
    if rules.product_col is not None:
        # missing and blank products are one group (the pandas path's code -1), which the
        # joins of the netting need as a value: nulls never match in a join
        product = _id(rules.product_col, schema[rules.product_col]).cast(nw.String)
        columns.append(product.fill_null("").alias(_P))
    text = [c for c in dict.fromkeys(value_cols) if schema[c] == nw.String]
    return frame.select(*columns), {"zone": zone, "end_zone": end_zone, "text": text}


# --------------------------------------------------------------------------------------------
# the rules
# --------------------------------------------------------------------------------------------


def _count(mask: nw.Expr, name: str) -> list[nw.Expr]:
    """Rows and value (of the line) where ``mask`` holds, as two aggregations."""
    return [
        mask.cast(nw.Int64).sum().alias(f"{name}_rows"),
        nw.when(mask).then(nw.col(_V)).otherwise(0.0).sum().alias(f"{name}_amount"),
    ]


def _first_pass(lines: nw.LazyFrame, rules: _Rules, engine: str, float_ids: bool) -> pd.Series:
    """Rows, missing dates and values, the dates' range and the default end, in one pass."""
    has_id = ~nw.col(_C).is_null()
    fractional = (nw.col(_C) != nw.col(_C).round(0)).cast(nw.Int64).sum()
    stats = lines.select(
        *([fractional.alias("fractional_ids")] if float_ids else []),
        nw.len().alias("n"),
        nw.col(_D).null_count().alias("missing_dates"),
        (nw.col(_V).null_count() + nw.col(_V).is_nan().cast(nw.Int64).sum()).alias(
            "missing_values"
        ),
        *(
            [
                (nw.col(_Q).null_count() + nw.col(_Q).is_nan().cast(nw.Int64).sum()).alias(
                    "missing_qty"
                )
            ]
            if rules.quantity_col is not None
            else []
        ),
        nw.col(_V).abs().max().alias("largest"),
        nw.col(_D).min().alias("first"),
        nw.col(_D).max().alias("last"),
        nw.when(has_id).then(nw.col(_D)).otherwise(None).max().alias("end"),
    )
    row = _collect(stats, engine, "read the transactions").iloc[0]
    n = int(row["n"])
    if n == 0:
        raise ValueError("transactions is empty (0 rows): there is nothing to summarise")
    if row["missing_dates"]:
        raise ValueError(
            f"column {rules.date_col!r} has {int(row['missing_dates']):,} of {n:,} rows that are "
            "missing dates. Fix or drop them."
        )
    if rules.quantity_col is not None and row["missing_qty"]:
        raise ValueError(
            f"column {rules.quantity_col!r} has {int(row['missing_qty']):,} missing values of "
            f"{n:,} rows; fill or drop them first: an unknown quantity cannot be counted as a "
            "purchase of any size."
        )
    if row["missing_values"]:
        raise ValueError(
            f"{rules.value_name!r} has {int(row['missing_values']):,} missing values of {n:,} "
            "rows; fill or drop them first: an unknown amount cannot be counted as a purchase "
            "of any value."
        )
    if np.isinf(row["largest"]):
        raise ValueError(f"{rules.value_name!r} has infinite values: no purchase is worth infinity")
    first, last = pd.Timestamp(row["first"]), pd.Timestamp(row["last"])
    if first < _FIRST_DATE or last > _LAST_DATE:
        raise ValueError(
            f"column {rules.date_col!r} has dates outside {_FIRST_DATE:%Y-%m-%d} to "
            f"{_LAST_DATE:%Y-%m-%d} (from {first} to {last}): check the year"
        )
    return row


def _end(value: object, default: object, zone: str | None, customer_col: str) -> pd.Timestamp:
    """``observation_end`` on the export's clock, or the last date of a row with an id."""
    if value is None:
        if pd.isna(default):
            raise ValueError(f"none of the rows is a purchase with a customer id {customer_col!r}")
        return pd.Timestamp(default)
    return _observation_end(value, zone)


def _flags(lines: nw.LazyFrame, rules: _Rules, end: pd.Timestamp) -> nw.LazyFrame:
    """Per line: has an id, is a return, after the end, kept, a zero-value line."""
    has_id = ~nw.col(_C).is_null()
    is_ret = nw.col(_V) < 0
    if rules.quantity_col is not None:
        is_ret = is_ret | (nw.col(_Q) < 0)
    if rules.invoice_col is not None and rules.cancel_prefix:
        starts = nw.col(_I).cast(nw.String).str.starts_with(rules.cancel_prefix)
        is_ret = is_ret | starts.fill_null(False)
    after = has_id & (nw.col(_D) > nw.lit(end.to_pydatetime()))
    return lines.with_columns(
        __id=has_id,
        __isret=(is_ret & has_id),
        __after=after,
    ).with_columns(
        __keep=nw.col("__id") & ~nw.col("__after"),
    )


def _report_rows(counts: pd.Series, n: int, name: str, rule: str, action: str) -> dict:
    rows = int(counts[f"{name}_rows"])
    return {
        "rule": rule,
        "rows": rows,
        "share_of_rows": rows / n,
        "amount": float(counts[f"{name}_amount"]),
        "action": action,
    }


def _info(rule: str, action: str) -> dict:
    return {"rule": rule, "rows": 0, "share_of_rows": 0.0, "amount": np.nan, "action": action}


def _zone_action(zone: str, engine: str) -> str:
    if engine == "duckdb":  # DuckDB keeps the instants, not the zone they were written in
        return (
            f"read on DuckDB's session clock ({zone}): days and weeks are its own; give the "
            "export's zone with scan(time_zone=...) or SET TimeZone for the export's days"
        )
    return f"read on the export's clock ({zone}); days and weeks are its own"


def _rule_counts(
    flagged: nw.LazyFrame, rules: _Rules, engine: str, n: int, end: pd.Timestamp, noted: dict
) -> list[dict]:
    """The report's rows up to the duplicates, in the order of the pandas path."""
    keep, is_ret = nw.col("__keep"), nw.col("__isret")
    zero = keep & ~is_ret & (nw.col(_V) == 0)
    counts = _collect(
        flagged.select(
            *_count(~nw.col("__id"), "missing"),
            *_count(nw.col("__after"), "after"),
            *_count(is_ret, "anyreturn"),
            *_count(is_ret & keep, "returned"),
            *_count(zero, "zero"),
        ),
        engine,
        "count the cleaning rules",
    ).iloc[0]
    if rules.returns == "error" and counts["anyreturn_rows"] > 0:
        raise ValueError(_returns_refused(int(counts["anyreturn_rows"]), n, rules))
    rows = []
    if noted["text"]:
        rows.append(
            _info(
                "numbers stored as text", f"read as numbers: {', '.join(map(repr, noted['text']))}"
            )
        )
    rows.append(
        _report_rows(
            counts,
            n,
            "missing",
            "missing customer id",
            "excluded: a purchase without a customer (or blank)",
        )
    )
    if noted["zone"] is not None:
        rows.append(_info("dates with time zones", _zone_action(noted["zone"], engine)))
    rows.append(
        _report_rows(
            counts,
            n,
            "after",
            "after observation_end",
            f"excluded: later than {end:%Y-%m-%d %H:%M}",
        )
    )
    action = _RETURN_ACTIONS["net" if rules.returns == "net" else "exclude"]
    rows.append(_report_rows(counts, n, "returned", "return or cancellation", action))
    rows.append(
        _report_rows(counts, n, "zero", "zero-value line", _ZERO_ACTIONS[rules.zero_amounts])
    )
    return rows


def _whole(value: object) -> int:
    """A count collected from an engine: 0 where an empty table gave null or NaN."""
    return int(value) if pd.notna(value) else 0  # type: ignore[arg-type]


def _dedupe(
    candidates: nw.LazyFrame, rules: _Rules, compared: list[str], engine: str, n: int
) -> tuple[nw.LazyFrame, dict, dict[str, int]]:
    """The purchase candidates without (rule "drop") or with their duplicates, the report's
    row, and the rows and customers the candidates leave (counted in the same pass: they are
    the purchases' counts unless returns are netted against them)."""
    keys = [_C, _D, _V] + [
        k
        for k, c in ((_Q, rules.quantity_col), (_I, rules.invoice_col), (_P, rules.product_col))
        if c is not None
    ]
    groups = candidates.group_by(keys).agg(nw.len().alias("__n"))
    extra = nw.col("__n") - 1
    counts = _collect(
        groups.select(
            extra.sum().alias("rows"),
            (extra * nw.col(_V)).sum().alias("amount"),
            nw.col("__n").sum().alias("lines"),
            nw.len().alias("distinct"),
            nw.col(_C).n_unique().alias("customers"),
        ),
        engine,
        "count the duplicate rows",
    ).iloc[0]
    dup = _whole(counts["rows"])
    left = {
        "rows": _whole(counts["distinct" if rules.duplicates == "drop" else "lines"]),
        "customers": _whole(counts["customers"]),
    }
    row = {
        "rule": "duplicate row",
        "rows": dup,
        "share_of_rows": dup / n,
        "amount": float(counts["amount"]) if dup else 0.0,
        "action": ("dropped" if rules.duplicates == "drop" else "kept (can be two real purchases)")
        + f"; rows compared on every mapped column: {', '.join(compared)}",
    }
    if rules.duplicates == "drop" and dup:
        candidates = candidates.unique(subset=keys, keep="any")
    return candidates, row, left


def _net(
    purchases: nw.LazyFrame, returned: nw.LazyFrame, rules: _Rules, engine: str, n: int
) -> tuple[nw.LazyFrame, list[dict]]:
    """Net the returns against the same group's purchases on or before them, last in, first
    out (as :func:`research.segmentation.cleaning._net_returns`, with window functions)."""
    group = [_C] if rules.product_col is None else [_C, _P]
    kept_cols = [c for c in purchases.collect_schema().names() if c.startswith("__")]
    affected_groups = returned.select(group).unique()
    events = nw.concat(
        [
            purchases.join(affected_groups, on=group, how="semi").with_columns(
                __isret=nw.lit(0), __step=nw.col(_V)
            ),
            returned.with_columns(__isret=nw.lit(1), __step=-nw.col(_V).abs()),
        ],
        how="diagonal",
    ).with_columns(__abs=nw.col("__step").abs())
    # identical lines tie on every key: a row number, drawn once per run, makes the order total,
    # so that every window (and the reversed one) sees the same sequence
    events = events.with_row_index("__rid", order_by=[*group, *_ORDER])
    is_ret = nw.col("__isret") == 1
    events = (
        events.with_columns(__s=nw.col("__step").cum_sum().over(*group, order_by=_TOTAL))
        .with_columns(__low=nw.col("__s").cum_min().over(*group, order_by=_TOTAL))
        .with_columns(__floor=nw.when(nw.col("__low") < 0).then(nw.col("__low")).otherwise(0.0))
        .with_columns(__h=nw.col("__s") - nw.col("__floor"))
        .with_columns(
            __lowest=nw.col("__h").cum_min(reverse=True).over(*group, order_by=_TOTAL),
            __prev=nw.col("__floor").shift(1).over(*group, order_by=_TOTAL).fill_null(0.0),
        )
        .with_columns(
            __kept=nw.col("__lowest") - (nw.col("__h") - nw.col("__step")),
            __excess=nw.when(is_ret).then(nw.col("__prev") - nw.col("__floor")).otherwise(0.0),
        )
        .with_columns(
            __kept=nw.when(nw.col("__kept") < 0)
            .then(0.0)
            .when(nw.col("__kept") > nw.col(_V))
            .then(nw.col(_V))
            .otherwise(nw.col("__kept"))
        )
        .with_columns(
            __netted=nw.when(is_ret).then(0.0).otherwise(nw.col(_V) - nw.col("__kept")),
            __short=is_ret
            & (
                nw.col("__excess")
                > 1e-9 * nw.when(nw.col("__abs") > 1).then(nw.col("__abs")).otherwise(1.0)
            ),
        )
        .with_columns(
            __cancel=~is_ret
            & (nw.col("__netted") > 0)
            & ((nw.col(_V) - nw.col("__netted")) <= 1e-9 * nw.col(_V).abs())
        )
    )
    counts = _collect(
        events.select(
            (nw.col("__netted") > 0).cast(nw.Int64).sum().alias("netted_rows"),
            nw.col("__netted").sum().alias("netted"),
            nw.col("__cancel").cast(nw.Int64).sum().alias("cancel_rows"),
            nw.when(nw.col("__cancel")).then(nw.col(_V)).otherwise(0.0).sum().alias("cancel"),
            nw.col("__short").cast(nw.Int64).sum().alias("short_rows"),
            nw.when(nw.col("__short")).then(nw.col("__excess")).otherwise(0.0).sum().alias("short"),
        ),
        engine,
        "net the returns",
    ).iloc[0]

    def negated(total: object) -> float:
        return 0.0 - (total if pd.notna(total) else 0.0)  # type: ignore[operator]

    report = _netting_report(
        rules.product_col,
        n,
        (
            (counts["netted_rows"], negated(counts["netted"])),
            (counts["cancel_rows"], counts["cancel"]),
            (counts["short_rows"], negated(counts["short"])),
        ),
    )
    netted = events.filter(~is_ret & ~nw.col("__cancel")).with_columns(
        (nw.col(_V) - nw.col("__netted")).alias(_V)
    )
    untouched = purchases.join(affected_groups, on=group, how="anti")
    left = nw.concat([untouched.select(kept_cols), netted.select(kept_cols)], how="vertical")
    return left, report


def clean_lazy(source: object, rules: _Rules) -> LazyLines:
    """:func:`clean_transactions` on a table of another engine (or a path of files)."""
    frame, engine = to_lazy(source)
    schema = frame.collect_schema()
    compared = _check_columns(schema.names(), rules, engine)
    lines, noted = _lines(frame, schema, rules, engine)
    float_ids = schema[rules.customer_col].is_float()
    stats = _first_pass(lines, rules, engine, float_ids)
    n = int(stats["n"])
    if float_ids and not stats["fractional_ids"]:  # 1000.0 is customer 1000, as on pandas
        lines = lines.with_columns(nw.col(_C).cast(nw.Int64))
    end = _end(rules.observation_end, stats["end"], noted["end_zone"], rules.customer_col)
    flagged = _flags(lines, rules, end)
    report = _rule_counts(flagged, rules, engine, n, end, noted)
    keep, is_ret = nw.col("__keep"), nw.col("__isret")
    candidate = keep & ~is_ret
    if rules.zero_amounts == "exclude":
        candidate = candidate & (nw.col(_V) != 0)
    internal = [c for c in lines.collect_schema().names()]
    purchases, dup_row, left = _dedupe(
        flagged.filter(candidate).select(internal), rules, compared, engine, n
    )
    report.append(dup_row)
    returned = flagged.filter(is_ret & keep).select(internal)
    if rules.returns == "net" and int(
        next(r["rows"] for r in report if r["rule"] == "return or cancellation")
    ):
        purchases, net_rows = _net(purchases, returned, rules, engine, n)
        report.extend(net_rows)
        left = None  # the netting may cancel purchases: counted again
    elif rules.returns == "net":
        report.extend(_netting_report(rules.product_col, n, ((0, 0.0),) * 3))
    zero = flagged.filter(keep & ~is_ret & (nw.col(_V) == 0)).select(_C)
    return _finish(purchases, returned, zero, report, end, engine, rules, n, left)


def _netting_report(
    product_col: str | None, n: int, counted: tuple[tuple[object, object], ...]
) -> list[dict]:
    """The report's three netting rows (:func:`_netting_rules`) from their (rows, amount)."""
    rows = []
    for (rule, action), (k, amount) in zip(_netting_rules(product_col), counted, strict=True):
        k = _whole(k)
        value = float(amount) if pd.notna(amount) else 0.0  # type: ignore[arg-type]
        rows.append(
            {"rule": rule, "rows": k, "share_of_rows": k / n, "amount": value, "action": action}
        )
    return rows


def _finish(
    purchases: nw.LazyFrame,
    returned: nw.LazyFrame,
    zero: nw.LazyFrame,
    report: list[dict],
    end: pd.Timestamp,
    engine: str,
    rules: _Rules,
    n: int,
    left: dict[str, int] | None = None,
) -> LazyLines:
    """The counts of customers and purchase rows; the lines, still lazy.

    ``left``: the rows and customers already counted with the duplicates (None after a
    netting, which may cancel purchases: one aggregation counts them then); the customers with
    returns (or zero-value lines) but no purchase need an anti-join each, run only when there
    are such lines."""
    if left is None:
        found = _collect(
            purchases.select(nw.len().alias("rows"), nw.col(_C).n_unique().alias("customers")),
            engine,
            "count the customers",
        ).iloc[0]
        left = {key: _whole(found[key]) for key in found.index}
    counts = dict(left)
    reported = {row["rule"]: row["rows"] for row in report}
    bought = purchases.select(_C).unique()
    for key, lines, rule in (
        ("returns_only", returned, "return or cancellation"),
        ("zero_only", zero, "zero-value line"),
    ):
        counts[key] = 0
        if key == "zero_only" and rules.zero_amounts == "keep":
            continue  # zero-value lines are purchases then: every such customer bought
        if reported[rule]:
            only = lines.select(_C).unique().join(bought, on=_C, how="anti")
            counts[key] = int(
                _collect(only.select(nw.len()), engine, "count the customers").iloc[0, 0]
            )
    rows_used = int(counts["rows"])
    if rows_used == 0:
        raise ValueError(
            f"none of the {n:,} rows is a purchase on or before {end:%Y-%m-%d}; check "
            f"observation_end and the sign of {rules.value_name!r}"
        )
    report.extend(
        _customer_count_rows(counts["returns_only"], counts["zero_only"], rules.zero_amounts)
    )
    return LazyLines(
        purchases=purchases,
        returned=returned.select(_C, _V),
        obs_end=end,
        engine=engine,
        report=report,
        rows_in=n,
        rows_used=rows_used,
        customers=int(counts["customers"]),
        has_returns=bool(reported["return or cancellation"]),
    )


# --------------------------------------------------------------------------------------------
# the aggregation
# --------------------------------------------------------------------------------------------


def aggregate_lazy(lines: LazyLines, time_unit: str, with_invoices: bool) -> pd.DataFrame:
    """Per customer: the periods, purchases, spend, dates and returns (collected).

    One pass groups the purchase lines by customer and period (the occasions, with their
    value, lines and first and last times); a second groups the occasions by customer, the
    first period's value taken by an ordered aggregate. Returns and invoices, when there are
    any, are grouped apart and joined."""
    purchases = lines.purchases.with_columns(__period=period_number(nw.col(_D), time_unit))
    occasions = purchases.group_by(_C, "__period").agg(
        nw.col(_V).sum().alias("__occ"),
        nw.len().alias("__lines"),
        nw.col(_D).min().alias("__first"),
        nw.col(_D).max().alias("__last"),
    )
    # the first occasion's value: an ordered aggregate (periods are distinct per customer),
    # since a window over the occasions does not spill to disk on DuckDB; narwhals has no
    # ordered aggregate for Spark, whose windows spill
    if lines.engine == "pyspark":
        occasions = occasions.with_columns(__fp=nw.col("__period").min().over(_C))
        is_first = nw.col("__period") == nw.col("__fp")
        first_value = nw.when(is_first).then(nw.col("__occ")).otherwise(0.0).sum()
    else:
        first_value = nw.col("__occ").first(order_by="__period")
    table = occasions.group_by(_C).agg(
        nw.col("__occ").sum().alias("spend"),
        nw.col("__lines").sum().alias("n_purchases"),
        nw.col("__first").min().alias("first_purchase"),
        nw.col("__last").max().alias("last_purchase"),
        nw.col("__period").min().alias("first_period"),
        nw.col("__period").max().alias("last_period"),
        nw.len().alias("occasions"),
        first_value.alias("first_amount"),
    )
    if with_invoices:
        # distinct invoices, a line without one counting as a purchase of its own (n_unique
        # counts the missing id once, as polars does on every engine)
        nulls = nw.col(_I).null_count()
        distinct = nw.col(_I).n_unique() - (nulls > 0).cast(nw.Int64) + nulls
        invoices = purchases.group_by(_C).agg(distinct.alias("__invoices"))
        table = (
            table.join(invoices, on=_C)
            .with_columns(nw.col("__invoices").alias("n_purchases"))
            .drop("__invoices")
        )
    if lines.has_returns:
        returns = lines.returned.group_by(_C).agg(nw.col(_V).abs().sum().alias("returned_amount"))
        table = table.join(returns, on=_C, how="left")
    else:
        table = table.with_columns(returned_amount=nw.lit(0.0))
    # sorted by id where the data lives (in parallel, out of core), as the pandas path sorts
    return _collect(table.sort(_C), lines.engine, "summarise the customers")


def collect_purchases(lines: LazyLines, customer_col: str, date_col: str) -> pd.DataFrame:
    """The purchase lines in memory, in customer and time order (numbered from 0)."""
    table = _collect(
        lines.purchases.select(_C, _D, _V).sort(_C, _D, _V), lines.engine, "collect the lines"
    )
    return pd.DataFrame(
        {
            customer_col: table[_C].to_numpy(),
            date_col: table[_D].to_numpy(dtype="datetime64[ns]"),
            "amount": table[_V].to_numpy(dtype=np.float64),
        }
    )
