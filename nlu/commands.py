"""``jiuzhu nlu train FILE... --out DIR``, ``jiuzhu nlu test FILE... --model DIR``,
``jiuzhu nlu parse TEXT`` and ``jiuzhu nlu train-danger [--out FILE]``."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def register(subparsers: Any) -> None:
    nlu = subparsers.add_parser("nlu", help="训练和评测意图识别模型")
    commands = nlu.add_subparsers(dest="nlu_command", required=True, metavar="COMMAND")

    train = commands.add_parser("train", help="用 Rasa NLU YAML 训练意图模型")
    train.add_argument("files", nargs="+", metavar="FILE", help="Rasa NLU YAML 文件或目录")
    train.add_argument("--out", required=True, metavar="DIR", help="模型输出目录")
    train.set_defaults(handler=_train)

    test = commands.add_parser("test", help="在标注数据上评测模型")
    test.add_argument("files", nargs="+", metavar="FILE", help="Rasa NLU YAML 文件或目录")
    test.add_argument("--model", default=None, metavar="DIR", help="模型目录（默认：随附模型）")
    test.add_argument(
        "--report", default="var/nlu-test-report.json", metavar="PATH", help="JSON 报告路径"
    )
    test.set_defaults(handler=_test)

    danger = commands.add_parser("train-danger", help="训练危及生命识别的字符 n-gram 模型")
    danger.add_argument(
        "--out", default=None, metavar="FILE", help="模型文件（默认：nlu/model/danger.json）"
    )
    danger.set_defaults(handler=_train_danger)

    parse = commands.add_parser("parse", help="解析一句话，输出 JSON")
    parse.add_argument("text")
    parse.add_argument("--model", default=None, metavar="DIR")
    parse.set_defaults(handler=_parse)


def expand(paths: list[str]) -> list[Path]:
    """Files as given; a directory stands for its ``*.yml`` files (not sub-directories)."""
    out: list[Path] = []
    for name in paths:
        path = Path(name)
        out += sorted(path.glob("*.yml")) if path.is_dir() else [path]
    return out


def _interpreter(model: str | None) -> Any:
    from base.settings import Settings
    from nlu.interpreter import load_interpreter

    settings = Settings()
    if model:
        settings = settings.model_copy(update={"nlu_model": model})
    return load_interpreter(settings)


def _train(args: argparse.Namespace) -> int:
    from nlu.training import train_files

    files = expand(args.files)
    model = train_files(files, args.out)
    print(
        f"已训练：{model.meta['examples']} 条样例，{len(model.intents)} 个意图，"
        f"交叉验证准确率 {model.meta['cv_accuracy']:.4f}，模型保存在 {args.out}"
    )
    return 0


def _train_danger(args: argparse.Namespace) -> int:
    from nlu.danger_model import MODEL_FILE
    from nlu.danger_training import train

    out = Path(args.out) if args.out else MODEL_FILE
    model = train(out)
    print(
        f"已训练：{model.meta['items']} 条样例（{model.meta['sources']}），"
        f"{len(model.vocabulary)} 个特征，阈值 {model.threshold}，模型保存在 {out}"
    )
    return 0


def _test(args: argparse.Namespace) -> int:
    from nlu.evaluation import evaluate
    from nlu.trainingdata import load_examples

    examples = load_examples(expand(args.files))
    report = evaluate(_interpreter(args.model), examples)
    print(format_report(report))
    path = Path(args.report)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    print(f"\nreport: {path}")
    return 0


def format_report(report: dict[str, Any]) -> str:
    lines = [
        f"examples {report['n']}  accuracy {report['accuracy']:.4f}  "
        f"macro-F1 {report['macro_f1']:.4f}"
        + (f"  ECE {report['calibration']['ece']:.4f}" if "calibration" in report else ""),
        "",
        f"{'intent':<20}{'precision':>10}{'recall':>10}{'f1':>10}{'n':>6}",
    ]
    for intent, scores in report["per_intent"].items():
        lines.append(
            f"{intent:<20}{scores['precision']:>10.4f}{scores['recall']:>10.4f}"
            f"{scores['f1']:>10.4f}{scores['support']:>6}"
        )
    if report.get("per_style"):
        lines += ["", f"{'style':<20}{'accuracy':>10}{'macro-F1':>10}{'n':>6}"]
        for style, scores in report["per_style"].items():
            lines.append(
                f"{style:<20}{scores['accuracy']:>10.4f}{scores['macro_f1']:>10.4f}{scores['n']:>6}"
            )
    if report.get("entities"):
        lines += ["", f"{'entity':<20}{'precision':>10}{'recall':>10}{'f1':>10}"]
        for kind, scores in report["entities"].items():
            lines.append(
                f"{kind:<20}{scores['precision']:>10.4f}{scores['recall']:>10.4f}"
                f"{scores['f1']:>10.4f}"
            )
    return "\n".join(lines)


def _parse(args: argparse.Namespace) -> int:
    result = _interpreter(args.model).parse(args.text)
    json.dump(result.to_json(), sys.stdout, ensure_ascii=False, indent=2)
    print()
    return 0
