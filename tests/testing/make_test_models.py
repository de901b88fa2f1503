"""Writes the TorchScript models the tests use, beyond the bundled examples.

Usage: /usr/bin/python3 tests/testing/make_test_models.py OUTDIR -> OUTDIR/<name>/model.pt
(bare files: each test lays out its own repository, with the versions it needs.)
"""
import os
import sys
from typing import Dict, Tuple

import torch


class AddSub(torch.nn.Module):
    """No config.yaml: inputs named from forward(), outputs output_0 and output_1."""

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        return a + b, a - b


class DoubleSquare(torch.nn.Module):
    """A Dict[str, Tensor] result: output names are the keys."""

    def forward(self, x: torch.Tensor) -> Dict[str, torch.Tensor]:
        return {"double": x * 2, "square": x * x}


class Identity(torch.nn.Module):
    """Returns its input itself: the output shares the request's buffer."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


class TimesTwoInt(torch.nn.Module):
    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return ids * 2


class NeedsFourColumns(torch.nn.Module):
    """Raises inside the model for inputs that do not have 4 columns."""

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if x.size(1) != 4:
            raise RuntimeError("needs 4 columns")
        return x.sum(dim=1)


class IntArgument(torch.nn.Module):
    """forward() takes a non-tensor argument, which Serval cannot feed."""

    def forward(self, x: torch.Tensor, n: int) -> torch.Tensor:
        return x * n


class Constant(torch.nn.Module):
    """Returns its version number, to tell versions apart."""

    def __init__(self, value: float):
        super().__init__()
        self.value = value

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.full_like(x, self.value)

class Slow(torch.nn.Module):
    """Busy for a while: x.sum() rounds of a 512x512 product, to keep a request in flight."""

    def __init__(self):
        super().__init__()
        self.w = torch.randn(512, 512) / 512 ** 0.5  # keeps values away from slow denormals

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = torch.ones(512, 512)
        for _ in range(int(x.sum().item())):
            y = torch.tanh(self.w @ y)
        return x + y.sum() * 0


def save(out, name, module):
    os.makedirs(os.path.join(out, name), exist_ok=True)
    torch.jit.script(module.eval()).save(os.path.join(out, name, "model.pt"))


def main(out):
    torch.manual_seed(0)
    save(out, "add_sub", AddSub())
    save(out, "double_square", DoubleSquare())
    save(out, "identity", Identity())
    save(out, "times_two_int", TimesTwoInt())
    save(out, "needs_four_columns", NeedsFourColumns())
    save(out, "int_argument", IntArgument())
    save(out, "slow", Slow())
    for version in (1, 2, 3):
        save(out, "constant_%d" % version, Constant(float(version)))
    print("wrote test models to", out)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "test_models")
