#!/usr/bin/env python3
"""Writes the example files of this folder: the blog's walkthrough worked the
way a learner works it on paper, once correctly and once with each known
mistake, every number written to 9 decimal places as the blog prints them.

This is plain Python arithmetic with the formulas a learner writes down
(sigma' = out(1 - out), dE/dout = out - target, ...), independent of the
Rust engine: `worked-example check` has to find each mistake from these
numbers alone. Run it from anywhere; it writes next to itself:

    python3 generate.py
"""

import math
import os

I = [0.05, 0.10]
TARGETS = [0.01, 0.99]
WEIGHTS = [0.15, 0.20, 0.25, 0.30, 0.40, 0.45, 0.50, 0.55]
BIASES = [0.35, 0.60]
ETA = 0.5


def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))


def walk(w, b, mistake=None, places=None, eta=ETA):
    """One pass of the walkthrough at weights w (w1..w8) and biases b (b1, b2):
    every number the learner writes, by symbol, and the weights and biases
    after the update. With `places`, every number is rounded to that many
    decimal places as soon as it is written, and used rounded from then on."""
    r = (lambda x: round(x, places)) if places else (lambda x: x)
    n = {}
    t = list(reversed(TARGETS)) if mistake == "swapped_targets" else TARGETS
    # The forward pass.
    net_h = [r(w[0] * I[0] + w[1] * I[1] + b[0]), r(w[2] * I[0] + w[3] * I[1] + b[0])]
    out_h = [r(sigmoid(x)) for x in net_h]
    net_o = [r(w[4] * out_h[0] + w[5] * out_h[1] + b[1]),
             r(w[6] * out_h[0] + w[7] * out_h[1] + b[1])]
    out_o = [r(sigmoid(x)) for x in net_o]
    half = 1.0 if mistake == "missing_half" else 0.5
    e_o = [r(half * (t[k] - out_o[k]) ** 2) for k in range(2)]
    e_total = r(e_o[0] + e_o[1])
    for k in range(2):
        n[f"net_h{k+1}"], n[f"out_h{k+1}"] = net_h[k], out_h[k]
        n[f"net_o{k+1}"], n[f"out_o{k+1}"] = net_o[k], out_o[k]
        n[f"E_o{k+1}"] = e_o[k]
    n["E_total"] = e_total

    # The output layer: dE_total/dout_o = -(target - out), or a mistake's.
    def d_error(k):
        if mistake == "sign_flip":
            return t[k] - out_o[k]
        if mistake == "missing_half":
            return -2.0 * (t[k] - out_o[k])
        return -(t[k] - out_o[k])

    def d_sigmoid(out, net):
        return net * (1 - net) if mistake == "sigmoid_derivative_of_net" else out * (1 - out)

    de_dout_o = [r(d_error(k)) for k in range(2)]
    dout_dnet_o = [r(d_sigmoid(out_o[k], net_o[k])) for k in range(2)]
    delta_o = [r(de_dout_o[k] * dout_dnet_o[k]) for k in range(2)]
    # w5, w6 feed o1 from h1, h2; w7, w8 feed o2.
    grad = [0.0] * 8
    for j, (o, h) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        grad[4 + j] = r(delta_o[o] * out_h[h])
    for k in range(2):
        n[f"dE_total/dout_o{k+1}"] = de_dout_o[k]
        n[f"dout_o{k+1}/dnet_o{k+1}"] = dout_dnet_o[k]
        n[f"delta_o{k+1}"] = delta_o[k]
    n["dnet_o1/dw5"] = out_h[0]

    def update(x, g):
        step = r(eta * g)
        return r(x + step) if mistake == "sign_flip_in_the_update" else r(x - step)

    updated = list(w)
    for j in range(4, 8):
        updated[j] = update(w[j], grad[j])

    # The hidden layer, through w5..w8 (or, by mistake, w5+..w8+).
    wo = updated if mistake == "updated_output_weights" else w
    for h in range(2):
        # out_h1 is read by o1 through w5 and by o2 through w7; out_h2 by w6, w8.
        paths = [r(delta_o[0] * wo[4 + h]), r(delta_o[1] * wo[6 + h])]
        n[f"dE_o1/dout_h{h+1}"], n[f"dE_o2/dout_h{h+1}"] = paths
        n[f"dnet_o1/dout_h{h+1}"] = wo[4 + h]
        total = paths[0] if mistake == "single_path" else r(paths[0] + paths[1])
        n[f"dE_total/dout_h{h+1}"] = total
        n[f"dout_h{h+1}/dnet_h{h+1}"] = r(d_sigmoid(out_h[h], net_h[h]))
        n[f"delta_h{h+1}"] = r(total * n[f"dout_h{h+1}/dnet_h{h+1}"])
    n["dnet_h1/dw1"] = I[0]
    for j, (h, i) in enumerate([(0, 0), (0, 1), (1, 0), (1, 1)]):
        grad[j] = r(n[f"delta_h{h+1}"] * I[i])
        updated[j] = update(w[j], grad[j])
    for j in range(8):
        n[f"dE_total/dw{j+1}"] = grad[j]
        n[f"w{j+1}+"] = updated[j]
    new_b = list(b)
    if mistake == "biases_updated":
        new_b[0] = update(b[0], r(n["delta_h1"] + n["delta_h2"]))
        new_b[1] = update(b[1], r(delta_o[0] + delta_o[1]))
    n["b1+"], n["b2+"] = new_b
    return n, updated, new_b


def after(updates, mistake=None, places=None, eta=ETA):
    """E_total after `updates` updates, each worked as the first."""
    w, b = WEIGHTS, BIASES
    for _ in range(updates):
        _, w, b = walk(w, b, mistake, places, eta)
    return walk(w, b, mistake, places, eta)[0]["E_total"]


FORWARD = ["net_h1", "out_h1", "net_h2", "out_h2", "net_o1", "out_o1", "net_o2",
           "out_o2", "E_o1", "E_o2", "E_total"]
OUTPUT_LAYER = ["dE_total/dout_o1", "dout_o1/dnet_o1", "dnet_o1/dw5", "dE_total/dw5",
                "dE_total/dw6", "dE_total/dw7", "dE_total/dw8", "w5+", "w6+", "w7+", "w8+"]
HIDDEN_LAYER = ["delta_o1", "dnet_o1/dout_h1", "dE_o1/dout_h1", "dE_o2/dout_h1",
                "dE_total/dout_h1", "dout_h1/dnet_h1", "dnet_h1/dw1", "dE_total/dw1",
                "dE_total/dw2", "dE_total/dw3", "dE_total/dw4", "w1+", "w2+", "w3+", "w4+"]
EVERYTHING = FORWARD + OUTPUT_LAYER + HIDDEN_LAYER

# file: (what the learner did, the mistake, the lines, decimal places carried
# while working (None: every digit), the learning rate, updates to train)
FILES = {
    "correct": ("everything right", None, EVERYTHING, None, ETA, [1, 10000]),
    "sign_flip": ("dE/dout taken as target - out", "sign_flip", EVERYTHING, None, ETA, [1]),
    "sign_flip_in_the_update": ("w+ = w + eta * gradient", "sign_flip_in_the_update",
                                OUTPUT_LAYER + ["w1+", "w2+"], None, ETA, [1]),
    "missing_half": ("E = (target - out)^2, without the 1/2", "missing_half",
                     EVERYTHING, None, ETA, [1]),
    "sigmoid_derivative_of_net": ("sigma' taken as net(1 - net)", "sigmoid_derivative_of_net",
                                  EVERYTHING, None, ETA, []),
    "updated_output_weights": ("the hidden layer through w5+..w8+, as the blog's later figures",
                               "updated_output_weights", EVERYTHING, None, ETA, [1, 10000]),
    "single_path": ("dE_total/dout_h1 through o1 only", "single_path", EVERYTHING, 9, ETA, [1]),
    "biases_updated": ("the biases updated too", "biases_updated",
                       ["w5+", "w1+", "b1+", "b2+"], None, ETA, [1]),
    "rounded_intermediates": ("every number rounded to 3 places and worked on rounded", None,
                              EVERYTHING, 3, ETA, [1]),
    "learning_rate": ("eta = 0.1", None, FORWARD + OUTPUT_LAYER + ["w1+"], None, 0.1, [1]),
    "swapped_targets": ("the targets of o1 and o2 swapped", "swapped_targets",
                        FORWARD + ["dE_total/dout_o1", "dE_total/dw5", "w5+"], None, ETA, []),
}


def written(x, places=9):
    """x as the blog prints it: 9 decimal places, no trailing zeros (but a
    number that rounds to a whole one keeps its places: 0.000)."""
    text = f"{x:.{places}f}"
    if text.startswith("-") and float(text) == 0:
        text = text[1:]
    stripped = text.rstrip("0")
    return text if stripped.endswith(".") else stripped


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, (what, mistake, lines, places, eta, trained) in FILES.items():
        numbers, _, _ = walk(WEIGHTS, BIASES, mistake, places, eta)
        digits = places or 9
        out = [f"# Backpropagation for the blog's network, by hand: {what}.",
               "# Made by generate.py; see README.md.", ""]
        for symbol in lines:
            out.append(f"{symbol} = {written(numbers[symbol], digits)}")
        for updates in trained:
            out.append(f"E_total@{updates} = {written(after(updates, mistake, places, eta), digits)}")
        with open(os.path.join(here, f"{name}.txt"), "w") as f:
            f.write("\n".join(out) + "\n")
    # A learner's slip no known mistake explains: a product mistyped, and
    # carried into the update.
    numbers, _, _ = walk(WEIGHTS, BIASES)
    slip = 0.082617041  # 0.082167041 with two digits swapped
    lines = ["# Backpropagation for the blog's network, by hand: a slip in one product.",
             "# Made by generate.py; see README.md.", ""]
    for symbol in FORWARD + OUTPUT_LAYER[:3]:
        lines.append(f"{symbol} = {written(numbers[symbol])}")
    lines.append(f"dE_total/dw5 = {written(slip)}")
    lines.append(f"w5+ = {written(WEIGHTS[4] - ETA * slip)}")
    with open(os.path.join(here, "unknown.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")
    # A file that does not read: a derivative typed without its underscore.
    lines = ["# Backpropagation for the blog's network, by hand: a symbol mistyped.",
             "# Made by generate.py; see README.md.", ""]
    for symbol in FORWARD[:2] + ["dEtotal/dw5"]:
        lines.append(f"{symbol} = {written(numbers[symbol.replace('dEtotal', 'dE_total')])}")
    with open(os.path.join(here, "malformed.txt"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
