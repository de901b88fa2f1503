"""Writes Serval's bundled example models as TorchScript, from code (no downloads).

  half_plus_two: y = 0.5 * x + 2 on float[-1, -1]    (TF Serving's classic)
  mlp:           two named inputs, two named outputs (a Dict[str, Tensor] result)

Usage: /usr/bin/python3 examples/make_models.py OUTDIR
       -> OUTDIR/<model>/config.yaml and OUTDIR/<model>/1/model.pt
Needs Debian's python3-torch. Weights come from a fixed seed, so every run writes the same model.
"""
import os
import sys
from typing import Dict

import torch


class HalfPlusTwo(torch.nn.Module):
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * 0.5 + 2.0


class Mlp(torch.nn.Module):
    """Classifies 8 features into 3 classes; `temperature` softens the probabilities."""

    def __init__(self):
        super().__init__()
        self.hidden = torch.nn.Linear(8, 16)
        self.logits = torch.nn.Linear(16, 3)

    def forward(self, features: torch.Tensor, temperature: torch.Tensor) -> Dict[str, torch.Tensor]:
        logits = self.logits(torch.relu(self.hidden(features)))
        probabilities = torch.softmax(logits / temperature, dim=-1)
        return {"probabilities": probabilities, "label": torch.argmax(logits, dim=-1)}


CONFIGS = {
    "half_plus_two": """\
# y = 0.5 * x + 2, TF Serving's classic example.
platform: torchscript
inputs:
  - name: x
    dtype: fp32
    shape: [-1, -1]
outputs:
  - name: y
    dtype: fp32
    shape: [-1, -1]
""",
    "mlp": """\
# A small classifier with two named inputs and two named outputs.
platform: torchscript
inputs:
  - name: features
    dtype: fp32
    shape: [-1, 8]
  - name: temperature
    dtype: fp32
    shape: [-1, 1]
outputs:
  - name: probabilities
    dtype: fp32
    shape: [-1, 3]
  - name: label
    dtype: int64
    shape: [-1]
""",
}


def write_model(out, name, module):
    version_dir = os.path.join(out, name, "1")
    os.makedirs(version_dir, exist_ok=True)
    torch.jit.script(module.eval()).save(os.path.join(version_dir, "model.pt"))
    with open(os.path.join(out, name, "config.yaml"), "w") as config:
        config.write(CONFIGS[name])
    print("wrote", os.path.join(out, name))


def main(out):
    torch.manual_seed(0)
    write_model(out, "half_plus_two", HalfPlusTwo())
    write_model(out, "mlp", Mlp())


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "models")
