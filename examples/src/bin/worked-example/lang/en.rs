//! The worked example in English, the blog's language.

use super::Catalogue;

/// Every text, in English.
pub(crate) const EN: Catalogue = Catalogue {
    report_title: "A Step by Step Backpropagation Example (Matt Mazur), reproduced by the engine",
    report_intro: "\
A 2-2-2 sigmoid network, one sample (i1 = 0.05, i2 = 0.10; targets 0.01, 0.99),
one bias shared per layer. Every number below is read from the engine: values
from nodes, derivatives from per-node gradients of one reverse sweep.",
    learning_rate: "Learning rate η = {rate}, {steps}.",
    training_steps_one: "{n} training step",
    training_steps_many: "{n} training steps",
    legend: "\
✓ rounds to the blog's printed digits   ≈ within one unit of its last digit
✗ disagrees                              - not comparable at these settings",
    section_forward: "The forward pass",
    section_error: "The total error",
    section_output_layer: "The backward pass: the output layer",
    section_hidden_layer: "The backward pass: the hidden layer",
    section_hidden_layer_named: "The backward pass: hidden layer {name}",
    section_update: "The update",
    section_training: "Training",
    column_row: "row",
    column_quantity: "quantity",
    column_engine: "engine",
    column_blog: "blog",
    column_read_from: "read from",
    column_sequential: "sequential order",
    column_true_gradient_descent: "true gradient descent",
    column_check_symbol: "check symbol",
    column_line: "line",
    column_symbol: "symbol",
    column_yours: "yours",
    row_20: "\
Row 20 (≈): the blog rounded an intermediate; the exact value rounds to
{value}. The blog also labels it w5, but it is δ_o2 · w7.",
    why_two_orders: "\
Why two columns: the blog's text computes the hidden-layer gradients with the
ORIGINAL w5..w8 (true gradient descent, rows 24-28), but its post-update
numbers come from updating w5..w8 first and then backpropagating the same
output deltas through the UPDATED w5..w8. The engine reproduces both; the
blog's published numbers match the sequential order.",
    errata: "\
Errata in the blog and its Chinese translation:
  - \"out_h1 = 1/(1+e^(net_h1))\" drops a minus sign: it is 1/(1+e^(-net_h1)).
  - The training set is ONE sample, inputs (0.05, 0.10) with targets
    (0.01, 0.99); the translation's \"two samples (0.05, 0.99), (0.10, 0.99)\"
    is a mistranslation.
  - \"For the input-layer neurons\", introducing the output layer's
    computation, means the output layer.
  - \"dE_o2/dout_h1 = w_5 = {row20}\": the value is δ_o2 · w7 (row 20).
  - The w6+/w7+/w8+ and w2+/w3+/w4+ lines run together without separators.
  - w5+ = {row13} (row 13) is printed in the English original only.
  - The English original prints E_total after 10,000 updates as {english30},
    which matches neither order; the translation's {row30} is the
    sequential order's value to 9 places.",
    verdict: "{agree} of {compared} figures agree with the blog",
    verdict_skipped: " ({skipped} not comparable at these settings)",
    trace_title: "The network's tape after the first backward pass",
    trace_note: "(grad is ∂E_total/∂node; constants get none)",
    explain_title: "Every derivative of the first backward pass, by the chain rule",
    explain_note: "\
(each gradient ∂E_total/∂x is the sum, over the nodes c that read x, of
∂E_total/∂c · ∂c/∂x; each local derivative ∂c/∂x with its formula)",
    source_value: "value of {name}",
    source_adjoint: "backward({from}), adjoint of {of}",
    source_update: "{name} - η · adjoint of {name}",
    after_updates: "{what} after {updates}",
    updates_one: "{n} update",
    updates_many: "{n} updates",
    plot_title: "The worked example: E_total while training (η = {rate})",
    network_title: "A Step by Step Backpropagation Example, worked by the engine on a {shape} network",
    hidden_layer: "hidden layer {name}: {neurons}",
    output_layer: "output layer {name}: {neurons}",
    neurons_one: "{n} {activation} neuron",
    neurons_many: "{n} {activation} neurons",
    semicolon: "; ",
    comma: ", ",
    bias_shared: "one bias per layer, shared by its neurons",
    bias_per_neuron: "one bias per neuron",
    network_intro: "{layers}; {bias}, kept fixed as in the blog. One sample: {inputs}; targets \
                    {targets}. Each output's error is E = {error}, and E_total is their sum. \
                    Learning rate η = {rate}, {steps}. Starting parameters from {origin}. Every \
                    number below is read from the engine: values from nodes, derivatives from \
                    per-node gradients of one reverse sweep. Check your own with `worked-example \
                    check` and the same options.",
    origin_seed: "seed {seed}",
    origin_file: "{name}",
    word_target: "target",
    word_out: "out",
    parameters_title: "The starting parameters",
    parameters_note: "(save these lines to a file and give it to --weights to start from them)",
    check_title: "Checking {source} against {network}",
    network_blog: "the blog's network",
    network_other: "the network",
    network_description: "{title}, {shape}, η = {rate}",
    check_summary: "{agreeing} of {numbers} agree to the precision you wrote.",
    numbers_one: "{n} number",
    numbers_many: "{n} numbers",
    check_first: "The first that disagrees, in the order the walkthrough computes them: {symbol} \
                  (line {line}).",
    check_diagnosis: "Diagnosis:",
    diagnosis_none: "Every number agrees with the engine to the precision you wrote.",
    also_rounded: " You also rounded intermediate results and computed on with them, which \
                   moves only the last digits.",
    also_fits: " Your numbers fit {ids} just as well.",
    and: " and ",
    mistake_update_sign: "Your updates climb the gradient instead of descending it: {w}+ = {w} + \
                          η·∂E_total/∂{w}. Gradient descent steps against the gradient: \
                          {update}.",
    mistake_error_sign: "Your gradients have the wrong sign: you took ∂{e}/∂{out} = target − \
                         {out}. The chain rule on {e} = ½(target − {out})² brings a factor −1 \
                         from the inner (target − {out}), so ∂{e}/∂{out} = {out} − target = \
                         {out_value} − {target} = {derivative}, and every gradient after it \
                         carries the sign.",
    mistake_missing_half: "You used E = (target − out)² without the ½, so every error and every \
                           gradient is twice the walkthrough's. With {e} = ½(target − {out})² = \
                           {error}, the ½ cancels the 2 of the square: ∂{e}/∂{out} = {out} − \
                           target = {derivative}.",
    mistake_sigmoid_of_net: "You took the sigmoid's derivative at the net input, net(1 − net). \
                             The derivative of out = σ(net) is σ(net)(1 − σ(net)) = out(1 − \
                             out): ∂{out}/∂{net} = {out_value} × (1 − {out_value}) = \
                             {derivative}.",
    mistake_updated_weights: "You backpropagated into the layer below through the updated \
                              weights ({w}+ instead of {w}), as the blog's own figures after \
                              the first update do. Every gradient of a step is taken at the \
                              weights before the update: ∂E_total/∂{below} = {formula} = \
                              {numbers} = {total}.",
    mistake_single_path: "You followed only one path: ∂E_total/∂{below} = ∂{e}/∂{below}. \
                          {below} feeds every output, and E_total depends on it along each \
                          path, so the paths add: ∂E_total/∂{below} = {terms} = {values} = \
                          {total}.",
    mistake_biases: "You updated the biases too (b+ = b − η·∂E_total/∂b). This walkthrough, \
                     like the blog, keeps the biases fixed ({biases}) and updates only the \
                     weights, e.g. {update}.",
    mistake_learning_rate: "You used the learning rate η = {yours} (your updated weights give \
                            it); the walkthrough uses η = {rate}: {update}.",
    mistake_swapped_targets: "You swapped the targets: {targets}. {e} = {formula} = {error}.",
    target_of: "{output}'s target is {target}",
    rounded: "Your method is right, but you rounded intermediate results to the digits you \
              wrote and computed on with the rounded numbers, so the last digits drift",
    rounded_first: ": {symbol} is {yours} in your file, {engine} in the engine",
    rounded_end: ". Keep every digit until the end and round only what you write down.",
    unknown: "No single known mistake reproduces your numbers.",
    unknown_first: " The first that disagrees, in the order the walkthrough computes them, is \
                    {symbol} on line {line}: yours {yours}, the engine's {engine}.",
    unknown_after: " It is the value after {updates}: work the first update (every w+, then \
                    E_total@1) and check it before training further.",
    unknown_self: " The derivative of a node with respect to itself is 1.",
    unknown_not_upstream: " It is 0: {of} does not depend on {wrt}, which is not on any path \
                           into it.",
    unknown_local: " It is a local derivative with nothing to compute from: check how you \
                    copied it.",
    unknown_given: " It is given, not computed: check how you copied it.",
    unknown_inputs: " It is computed from {inputs}; so look at the step that combines them.",
    input_agrees: "yours agrees",
    input_disagrees: "yours disagrees",
    input_missing: "not in your file",
};
