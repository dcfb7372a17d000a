"""``research score``: lead scores, tiers and reason codes from a lead export, and a scorer
saved for new leads.

Two ways to run it:

* **fit** (``--target COL``): fit a :class:`~research.conversion.LeadScorer` (``--model
  logistic`` or ``gbm``) on the leads, leaving out the ``--post-outcome`` columns; unless
  ``--no-evaluate``, first judge it on the latest leads (a chronological holdout: fit on the
  first 80% in time order, score the last 20%) and print its AUC with a bootstrap interval on
  stderr; then score every lead with the model fitted on all of them, and ``--save FILE``
  writes that scorer (skops).
* **score with a saved scorer** (``--model-file FILE``, or ``--model FILE.skops``): score new
  leads, no ``--target`` needed. With ``--target``, the line on stderr says how well the
  saved scorer ranks these leads.

The output has one row per lead, in the file's order, indexed by ``--id-col`` (else the row's
position in the file, 0 for the first): ``score`` (the probability to convert), ``tier`` (A
for the best-scored 10% of the leads in the file, then B 20%, C 30%, D 40%), ``up_1`` ...
(the factors pushing the score up the most, strongest first, e.g. ``Source = Referral (+0.78
log-odds)``) and ``down_1`` ... (those pushing it down), and the target when given.
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from research.cli._common import (
    UserError,
    add_column,
    add_decimal,
    add_output,
    note,
    read_table,
    write_table,
)

if TYPE_CHECKING:
    import pandas as pd

    from research.conversion import Leads, LeadScorer

__all__ = ["add_parser"]

_KINDS = ("logistic", "gbm")

#: How the errors of :func:`research.conversion.prepare_leads` name its arguments here.
_OPTION_NAMES = {
    "target_col": "--target",
    "time_col": "--time-col",
    "id_col": "--id-col",
    "post_outcome": "--post-outcome",
    "date_format": "--date-format",
}


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "score",
        help="lead scores, tiers and reason codes (and --save / --model-file a scorer)",
        description="Score the leads of an export: fit a lead scorer on leads whose outcome is "
        "known (--target), judge it on the latest leads, and write each lead's score, A-D tier "
        "and top reason codes; --save keeps the scorer, --model-file scores new leads with it. "
        "Example: research score leads.csv --target Converted --time-col Created "
        "--post-outcome 'Deal Amount' --save scorer.skops -o scores.csv; later: research score "
        "new_leads.csv --model-file scorer.skops -o new_scores.csv.",
        epilog="The output has one row per lead, in the file's order, indexed by --id-col (else "
        "the row's position in the file): score (probability to convert), tier (A: the "
        "best-scored 10% of this file's leads, B: the next 20%, C: 30%, D: 40%), up_1 ... "
        "and down_1 ... (the factors pushing the score up and down the most, strongest first, "
        "in log-odds). Put LEADS before --post-outcome, which takes several names.",
    )
    parser.add_argument("leads", metavar="LEADS", help="the lead file (CSV, parquet or Excel)")
    add_output(parser, "the scores")
    parser.add_argument(
        "--target",
        "--target-col",
        dest="target_col",
        metavar="NAME",
        help="the column saying whether each lead converted (yes/no, won/lost, true/false or "
        "1/0); needed to fit a scorer",
    )
    parser.add_argument(
        "--model",
        default=None,
        metavar="KIND",
        help="the model to fit: logistic (default: odds ratios, additive reason codes) or gbm "
        "(gradient boosting); a path to a saved scorer (.skops) is read as --model-file",
    )
    parser.add_argument(
        "--model-file",
        type=Path,
        metavar="FILE",
        help="score with a scorer saved by --save instead of fitting one",
    )
    parser.add_argument(
        "--save", type=Path, metavar="FILE", help="save the fitted scorer there (skops, .skops)"
    )
    parser.add_argument(
        "--post-outcome",
        nargs="+",
        action="extend",
        default=[],
        metavar="NAME",
        help="columns known only after the outcome (a call's duration, a deal amount): left "
        "out of the model",
    )
    add_column(parser, "time", None, "when each lead came in; none: the row order is time order")
    add_column(parser, "id", None, "the leads' id, written as the output's first column")
    parser.add_argument(
        "--date-format",
        metavar="FORMAT",
        help="how --time-col's dates are written, e.g. %%d/%%m/%%Y (default: ISO 8601, else "
        "month first or day first, whichever reads every date)",
    )
    parser.add_argument(
        "--sep", metavar="CHAR", help="the CSV's separator (default: sniffed from the file)"
    )
    add_decimal(parser)
    parser.add_argument(
        "--top", type=int, default=3, metavar="N", help="reason codes each way (default 3)"
    )
    parser.add_argument(
        "--no-evaluate",
        action="store_true",
        help="skip the holdout evaluation (the line on stderr) and its refit",
    )
    parser.add_argument(
        "--test-size",
        type=float,
        default=0.2,
        metavar="SHARE",
        help="share of the latest leads the evaluation holds out (default 0.2)",
    )
    parser.add_argument(
        "--n-boot",
        type=int,
        default=200,
        metavar="N",
        help="bootstrap resamples of the evaluation's interval (default 200)",
    )
    parser.add_argument(
        "--ci", type=float, default=0.95, metavar="LEVEL", help="interval level (default 0.95)"
    )
    parser.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="TYPE",
        help="a further type to trust in --model-file (module.Name), repeatable: only for a "
        "file whose origin you know",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from research._validation import check_ci, check_int, check_share
    from research.conversion import prepare_leads

    model_file = _model_file(args)
    check_ci(args.ci, "--ci")
    check_int(args.n_boot, "--n-boot", 0)
    check_int(args.top, "--top", 1)
    check_share(args.test_size, "--test-size")
    if model_file is None and args.target_col is None:
        raise UserError(
            "--target is needed to fit a scorer: name the column that says whether each lead "
            "converted (or give --model-file to score with a saved scorer)"
        )
    path = Path(args.leads)
    frame = read_table(path, sep=args.sep, decimal=args.decimal)
    leads = prepare_leads(
        frame,
        target_col=args.target_col,
        time_col=args.time_col,
        id_col=args.id_col,
        post_outcome=args.post_outcome,
        date_format=args.date_format,
        what=path.name,
        names=_OPTION_NAMES,
    )
    if leads.numbers_from_text:
        names = ", ".join(map(repr, leads.numbers_from_text))
        note(f"read as numbers (amounts written as text): {names}")
    if model_file is None:
        scorer = _fit(leads, args)
    else:
        scorer = _saved(model_file, leads, path, args)
    scores = _scores(scorer, leads, args.top)
    write_table(scores, args.output)
    note(f"wrote the scores of {len(scores):,} leads to {args.output}")
    return 0


def _model_file(args: argparse.Namespace) -> Path | None:
    """The saved scorer to use (``--model-file``, or ``--model`` naming a file), checking that
    the options do not contradict each other."""
    model_file = args.model_file
    if args.model is not None and args.model not in _KINDS:
        if model_file is not None:
            raise UserError("give either --model KIND or --model-file FILE with it, not two files")
        if not (args.model.endswith(".skops") or Path(args.model).is_file()):
            raise UserError(
                f"--model takes logistic or gbm (the model to fit), or a scorer saved by --save "
                f"(a .skops file); got {args.model!r}"
            )
        model_file = Path(args.model)
    if model_file is None:
        return None
    if args.model in _KINDS:
        raise UserError(
            f"--model {args.model} fits a new scorer, --model-file scores with a saved one: "
            "give one of them"
        )
    if args.save is not None:
        raise UserError("--save writes a scorer fitted here; with --model-file none is fitted")
    if args.post_outcome:
        raise UserError(
            "--post-outcome is for fitting: a saved scorer already leaves out the columns it "
            "was fitted without"
        )
    return model_file


def _fit(leads: Leads, args: argparse.Namespace) -> LeadScorer:
    from research.conversion import LeadScorer, save_scorer

    scorer = LeadScorer(args.model or "logistic", post_outcome=list(leads.post_outcome))
    if not args.no_evaluate:
        _evaluate(scorer, leads, args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        scorer.fit(leads.X, leads.y)
    for warning in caught:  # each on one line, after the evaluation's progress bars
        note(f"research score: warning: {' '.join(str(warning.message).split())}")
    note(
        f"fitted a {scorer.model} scorer on {scorer.n_train_:,} leads "
        f"({scorer.n_converted_:,} converted), using {', '.join(scorer.columns_)}"
        + (f"; left out as post-outcome: {', '.join(scorer.excluded_)}" if scorer.excluded_ else "")
    )
    if args.save is not None:
        args.save.parent.mkdir(parents=True, exist_ok=True)
        save_scorer(scorer, args.save)
        note(f"saved the scorer to {args.save}")
    return scorer


def _evaluate(scorer: LeadScorer, leads: Leads, args: argparse.Namespace) -> None:
    """The one-line summary of a chronological holdout; a file too small for it is noted, not
    an error (the scores are still written)."""
    from research.conversion import evaluate

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the final fit reports what the fits warn about
            result = evaluate(
                scorer,
                leads.X,
                leads.y,
                scheme="chronological",
                test_size=args.test_size,
                n_boot=args.n_boot,
                ci=args.ci,
            )
    except ValueError as exc:
        note(f"no evaluation: {' '.join(str(exc).split())}")
        return
    auc, gain = result.metric("auc"), result.metric("gain_at_50")
    n_train = int(result.predictions["n_train"].iloc[0])
    order = f"by {leads.time_col}" if leads.time_col else "in file order"
    note(
        f"holdout of the latest leads ({order}: fitted on the first "
        f"{n_train:,}, scored the last {int(auc['n']):,}, of which {int(auc['n_converted']):,} "
        f"converted): AUC {_interval(auc, result.ci)}; the top-scored half reaches "
        f"{_interval(gain, result.ci, '.0%')} of the converted leads"
    )


def _interval(row: pd.Series, ci: float, fmt: str = ".3f") -> str:
    """An estimate with its interval, e.g. "0.652 (95% CI 0.622–0.680)"."""
    from research.report import format_interval

    return format_interval(row["estimate"], row["low"], row["high"], ci=ci, fmt=fmt)


def _saved(model_file: Path, leads: Leads, path: Path, args: argparse.Namespace) -> LeadScorer:
    import numpy as np

    from research.conversion import load_scorer
    from research.conversion.metrics import _bootstrap_metrics

    scorer = load_scorer(model_file, trusted=args.trust)
    missing = [c for c in scorer.feature_names_in_ if c not in leads.X.columns]
    needed = [c for c in missing if c in scorer.columns_]
    if needed:
        raise UserError(
            f"{path.name} has no column {', '.join(map(repr, needed))}, which the saved scorer "
            f"uses; its columns are {list(map(str, leads.X.columns))}"
        )
    note(
        f"scoring with the saved {scorer.model} scorer {model_file} (fitted on "
        f"{scorer.n_train_:,} leads; uses {', '.join(scorer.columns_)})"
    )
    if leads.y is not None and not args.no_evaluate:
        y = leads.y.to_numpy(dtype=bool)
        s = scorer.predict_proba(leads.X)[:, 1]
        rng = np.random.default_rng(0)
        table = _bootstrap_metrics(
            y,
            s,
            n_boot=args.n_boot,
            ci=args.ci,
            gain_share=0.5,
            rng=rng,
            progress=True,
            label="saved scorer",
        ).set_index("metric")
        note(
            f"on these {len(y):,} leads ({int(y.sum()):,} converted) the saved "
            f"scorer ranks with AUC {_interval(table.loc['auc'], args.ci)}"
        )
    return scorer


def _scores(scorer: LeadScorer, leads: Leads, top: int) -> pd.DataFrame:
    """One row per lead in the file's order: score, tier, reason codes (and the target)."""
    import pandas as pd

    from research.conversion import lead_tiers

    X = leads.X
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codes = scorer.reason_codes(X, top=top)
        score = pd.Series(scorer.predict_proba(X)[:, 1], index=X.index)
    for message in dict.fromkeys(" ".join(str(w.message).split()) for w in caught):
        note(f"research score: warning: {message}")
    out = pd.DataFrame({"score": score, "tier": pd.Series(lead_tiers(score), index=X.index)})
    if leads.y is not None:
        out.insert(0, leads.target_col, leads.y)
    codes["slot"] = codes["direction"] + "_" + codes["rank"].astype(str)
    reasons = codes.pivot(index="lead", columns="slot", values="text")
    slots = [f"{d}_{k}" for d in ("up", "down") for k in range(1, top + 1)]
    out = out.join(reasons.reindex(columns=slots)).fillna({s: "" for s in slots})
    out = out.sort_index(kind="stable")  # the file's order
    if leads.ids is not None:
        out.index = leads.ids.sort_index(kind="stable").to_numpy()
        out.index.name = leads.id_col
    else:
        out.index.name = "row"
    return out
