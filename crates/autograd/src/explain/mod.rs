//! Every derivative of a reverse sweep as the chain rule that made it: each
//! node's adjoint as the sum, over the nodes that read it, of their adjoint
//! times the local derivative, each local derivative with its formula. The
//! numbers are the sweep's own (the adjoints it computed, the local
//! derivatives `rules::vjp` hands it); the formulas come from one table,
//! `rule`, beside the rules.

mod formula;
mod rule;

use std::fmt;

use crate::arena::Arena;
use crate::gradients::Gradients;
use crate::op::Code;
use crate::rules::{self, Partial};
use crate::var::Var;

use formula::Formula;
pub use formula::Precision;

/// How many unnamed nodes deep a named node's formula reaches: below that,
/// an unnamed node is explained on its own, as `#id`.
const DEEPEST_FOLD: usize = 6;

/// The most nodes a named node's formula may spell out before an unnamed
/// node in it is explained on its own instead.
const LARGEST_FOLD: usize = 16;

/// Every derivative of one reverse sweep, as the chain rule computed it;
/// made by [`Var::explain`](crate::Var::explain).
///
/// The nodes explained are the ones a learner names: every named node, every
/// [`Tape::var`](crate::Tape::var) leaf, and an unnamed node read by more
/// than one node (shown as `#id`). Other unnamed nodes are written into the
/// formulas of the nodes that read them: `net = w1·i1 + w2·i2 + b` records
/// two unnamed products under `net`, and `∂net/∂w1` is `i1`, the product of
/// the local derivatives along the way (`1` from the sum, `i1` from the
/// product). A chain of unnamed nodes deeper than 6, or spelling out more
/// than 16 nodes, is cut: the unnamed node there is explained on its own.
///
/// For each node `x` the output `y` depends on, a [`Step`] gives
/// `∂y/∂x = Σ ∂y/∂c · ∂c/∂x` over the nodes `c` that read `x` (its
/// [`Term`]s): the adjoint of `c`, the local derivative `∂c/∂x` with its
/// formula (`∂out/∂net = out (1 - out)` for a sigmoid), their product, and
/// their sum, the adjoint of `x`. The steps run from the output down, each
/// after every step whose number it uses: by the most steps from the node
/// to the output, then in recording order.
///
/// Printed (`Display`), each step is a line (three, plus the sum, for a node
/// read by several), followed by each local derivative's formula, with its
/// names and then with their values; numbers at the [`Precision`] chosen
/// with [`Explanation::with_precision`] (9 significant digits unless set).
///
/// # Examples
///
/// ```
/// use autograd::Tape;
/// use autograd::explain::Precision;
///
/// let tape = Tape::new();
/// let w = tape.var_named("w", 0.4);
/// let x = tape.constant_named("x", 0.5);
/// let net = (w * x).named("net");
/// let out = net.sigmoid().named("out");
/// let e = (0.5 * (0.01 - out).powi(2)).named("E");
/// let explanation = e.explain().with_precision(Precision::Decimals(6));
///
/// let step = explanation.step(net).unwrap();
/// assert_eq!(step.gradient(), e.backward().wrt(net));
/// let term = &step.terms()[0];
/// assert_eq!((term.consumer_label(), term.formula()), ("out", "out (1 - out)".to_owned()));
/// assert_eq!(
///     explanation.to_string().lines().find(|l| l.starts_with("∂E/∂net")),
///     Some("∂E/∂net = ∂E/∂out · ∂out/∂net = 0.539834 × 0.247517 = 0.133618")
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Explanation {
    output: Label,
    steps: Vec<Step>,
    precision: Precision,
}

/// One node's derivative in an [`Explanation`]: `∂y/∂x` as a sum over the
/// nodes that read `x`.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    node: Label,
    gradient: f64,
    terms: Vec<Term>,
}

/// One path of a [`Step`]: a node `c` that reads `x`, its adjoint `∂y/∂c`,
/// the local derivative `∂c/∂x` and their product.
#[derive(Clone, Debug, PartialEq)]
pub struct Term {
    consumer: Label,
    consumer_gradient: f64,
    local: f64,
    formula: Formula,
    contribution: f64,
}

/// A node as an explanation shows it: its position and its name, or `#id`.
#[derive(Clone, Debug, PartialEq)]
struct Label {
    index: usize,
    text: String,
}

impl Explanation {
    /// The same explanation, printing its numbers at `precision`.
    #[must_use]
    pub fn with_precision(mut self, precision: Precision) -> Self {
        self.precision = precision;
        self
    }

    /// The same explanation, calling the output `label` (`output` rather
    /// than `#7` for an unnamed one).
    #[must_use]
    pub fn with_output_label(mut self, label: impl Into<String>) -> Self {
        let label = label.into();
        let output = self.output.index;
        for term in self.steps.iter_mut().flat_map(|s| s.terms.iter_mut()) {
            if term.consumer.index == output {
                term.consumer.text.clone_from(&label);
            }
        }
        self.output.text = label;
        self
    }

    /// The precision it prints its numbers at.
    #[must_use]
    pub fn precision(&self) -> Precision {
        self.precision
    }

    /// The output's name (or `#id`).
    #[must_use]
    pub fn output_label(&self) -> &str {
        &self.output.text
    }

    /// Every step, in the order they are printed.
    #[must_use]
    pub fn steps(&self) -> &[Step] {
        &self.steps
    }

    /// The step of `node`, if it is explained (see the type's docs).
    #[must_use]
    pub fn step(&self, node: Var<'_>) -> Option<&Step> {
        let index = node.index();
        self.steps.iter().find(|s| s.node.index == index)
    }

    /// `∂y/∂x`: the output's label, then `x`'s.
    fn derivative(&self, of: &str, wrt: &str) -> String {
        format!("∂{of}/∂{wrt}")
    }

    /// A number inside a sum or product: in parentheses when negative.
    fn operand(&self, x: f64) -> String {
        let text = self.precision.format(x);
        if text.starts_with('-') {
            format!("({text})")
        } else {
            text
        }
    }

    /// `F = F with numbers = value`, leaving out what repeats.
    fn local(&self, term: &Term) -> String {
        let mut parts = Vec::with_capacity(3);
        if !term.formula.is_number() {
            parts.push(term.formula.show(None).to_string());
        }
        if !term.formula.is_number() && !term.formula.is_name() {
            parts.push(term.formula.show(Some(self.precision)).to_string());
        }
        parts.push(self.precision.format(term.local));
        parts.dedup();
        parts.join(" = ")
    }

    fn write_step(&self, f: &mut fmt::Formatter<'_>, step: &Step) -> fmt::Result {
        let output = &self.output.text;
        let x = &step.node.text;
        let lhs = self.derivative(output, x);
        let total = self.precision.format(step.gradient);
        match &step.terms[..] {
            [] => return writeln!(f, "{lhs} = {total}"),
            // Read by the output alone: the step is the local derivative.
            [term] if term.consumer.index == self.output.index => {
                return writeln!(f, "{lhs} = {}", self.local(term));
            }
            _ => {}
        }
        let symbolic: Vec<String> = step
            .terms
            .iter()
            .map(|t| {
                let c = &t.consumer.text;
                format!("{} · {}", self.derivative(output, c), self.derivative(c, x))
            })
            .collect();
        let numeric: Vec<String> = step
            .terms
            .iter()
            .map(|t| {
                format!(
                    "{} × {}",
                    self.operand(t.consumer_gradient),
                    self.operand(t.local)
                )
            })
            .collect();
        let mut parts = vec![symbolic.join(" + "), numeric.join(" + ")];
        if step.terms.len() > 1 {
            let paths: Vec<String> = step
                .terms
                .iter()
                .map(|t| self.operand(t.contribution))
                .collect();
            parts.push(paths.join(" + "));
        }
        parts.push(total);
        if step.terms.len() == 1 {
            writeln!(f, "{lhs} = {}", parts.join(" = "))?;
        } else {
            let pad = " ".repeat(lhs.chars().count());
            writeln!(f, "{lhs} = {}", parts[0])?;
            for part in &parts[1..] {
                writeln!(f, "{pad} = {part}")?;
            }
        }
        for term in &step.terms {
            let c = &term.consumer.text;
            writeln!(f, "    {} = {}", self.derivative(c, x), self.local(term))?;
        }
        Ok(())
    }
}

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (k, step) in self.steps.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            self.write_step(f, step)?;
        }
        Ok(())
    }
}

impl Step {
    /// The node's position on the tape.
    #[must_use]
    pub fn index(&self) -> usize {
        self.node.index
    }

    /// The node's name, or `#id`.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.node.text
    }

    /// `∂y/∂x`, the node's adjoint in the sweep.
    #[must_use]
    pub fn gradient(&self) -> f64 {
        self.gradient
    }

    /// The paths through each node that reads it, in recording order.
    #[must_use]
    pub fn terms(&self) -> &[Term] {
        &self.terms
    }
}

impl Term {
    /// The position on the tape of the node `c` that reads `x`.
    #[must_use]
    pub fn consumer_index(&self) -> usize {
        self.consumer.index
    }

    /// The name (or `#id`) of the node `c` that reads `x`.
    #[must_use]
    pub fn consumer_label(&self) -> &str {
        &self.consumer.text
    }

    /// `∂y/∂c`, the adjoint of `c`.
    #[must_use]
    pub fn consumer_gradient(&self) -> f64 {
        self.consumer_gradient
    }

    /// `∂c/∂x`, the local derivative: `c`'s formula differentiated with
    /// its other operands held fixed.
    #[must_use]
    pub fn local(&self) -> f64 {
        self.local
    }

    /// The local derivative's formula, with names: `out (1 - out)`.
    #[must_use]
    pub fn formula(&self) -> String {
        self.formula.show(None).to_string()
    }

    /// The local derivative's formula with the values of its names, at
    /// `precision`: `0.593269992 (1 - 0.593269992)`.
    #[must_use]
    pub fn formula_with_numbers(&self, precision: Precision) -> String {
        self.formula.show(Some(precision)).to_string()
    }

    /// `∂y/∂c · ∂c/∂x`, what this path adds to `∂y/∂x`, as the sweep adds it.
    #[must_use]
    pub fn contribution(&self) -> f64 {
        self.contribution
    }
}

/// The explanation of the sweep from `output`.
pub(crate) fn explain(output: Var<'_>) -> Explanation {
    let tape = output.tape;
    let state = tape.read();
    let out = state.position(output) as usize;
    let mut grads = Gradients::new();
    let _ = grads.sweep::<false>(tape.id(), &state, out);
    let arena = &state.arena;
    let shown = shown(arena, out);
    let walk = Walk {
        arena,
        shown: &shown,
        grads: &grads,
    };
    // Every edge between explained nodes, from each explained node down.
    let mut edges: Vec<Edge> = Vec::new();
    for n in (0..=out).rev().filter(|&n| shown[n]) {
        walk.edges_from(n, &mut edges);
    }
    // The most edges from each node to the output.
    let mut depth = vec![0usize; out + 1];
    for edge in &edges {
        depth[edge.parent] = depth[edge.parent].max(depth[edge.consumer] + 1);
    }
    let mut order: Vec<usize> = (0..out).filter(|&n| shown[n]).collect();
    order.sort_by_key(|&n| (depth[n], n));
    let steps = order
        .into_iter()
        .map(|n| {
            let mut terms: Vec<Term> = edges
                .iter()
                .filter(|e| e.parent == n)
                .map(|e| Term {
                    consumer: walk.label(e.consumer),
                    consumer_gradient: grads.adjoint_at(e.consumer),
                    local: e.local,
                    formula: e.formula.clone(),
                    contribution: e.contribution,
                })
                .collect();
            terms.sort_by_key(|t| t.consumer.index);
            Step {
                node: walk.label(n),
                gradient: grads.adjoint_at(n),
                terms,
            }
        })
        .collect();
    Explanation {
        output: walk.label(out),
        steps,
        precision: Precision::default(),
    }
}

/// Which nodes up to `out` are explained on their own (see
/// [`Explanation`]): those the output depends on that get a gradient and
/// are the output, a leaf, named, read by other than one node that gets a
/// gradient, or where a fold is cut.
fn shown(arena: &Arena, out: usize) -> Vec<bool> {
    let reached = crate::trace::upstream(arena, out);
    let needs = |n: usize| reached[n] && arena.nodes[n].needs_grad;
    // Each node's readers among the nodes the output depends on, counted
    // once each, and the last of them.
    let mut readers = vec![0usize; out + 1];
    let mut reader = vec![usize::MAX; out + 1];
    for n in (0..=out).filter(|&n| reached[n]) {
        for &p in arena.parents(n) {
            let p = p as usize;
            if reader[p] != n {
                reader[p] = n;
                readers[p] += 1;
            }
        }
    }
    let mut shown = vec![false; out + 1];
    // How far below the nearest explained node each folded node is; the
    // reader of a node comes after it on the tape.
    let mut depth = vec![0usize; out + 1];
    for n in (0..=out).rev().filter(|&n| needs(n)) {
        let alone = n == out
            || arena.nodes[n].code.is_leaf()
            || arena.name(n).is_some()
            || readers[n] != 1
            || !needs(reader[n]);
        if alone {
            shown[n] = true;
            continue;
        }
        depth[n] = if shown[reader[n]] {
            1
        } else {
            depth[reader[n]] + 1
        };
        if depth[n] > DEEPEST_FOLD {
            shown[n] = true;
        }
    }
    // How many nodes each folded node's formula spells out; the parents of
    // a node come before it.
    let mut size = vec![1usize; out + 1];
    for n in 0..=out {
        if !needs(n) || shown[n] {
            continue;
        }
        size[n] = 1 + arena
            .parents(n)
            .iter()
            .map(|&p| {
                let p = p as usize;
                if needs(p) && !shown[p] { size[p] } else { 1 }
            })
            .sum::<usize>();
        if size[n] > LARGEST_FOLD {
            shown[n] = true;
        }
    }
    shown
}

/// A local derivative between two explained nodes: `∂consumer/∂parent`,
/// summed over the paths through the unnamed nodes folded into
/// `consumer`, and what it adds to the parent's adjoint.
struct Edge {
    consumer: usize,
    parent: usize,
    local: f64,
    contribution: f64,
    formula: Formula,
}

/// What the walk from an explained node down through its folded nodes
/// reads.
struct Walk<'a> {
    arena: &'a Arena,
    shown: &'a [bool],
    grads: &'a Gradients,
}

/// A place the walk has reached: a node, the factors of the local
/// derivatives on the way, their product, and the sweep's share of the
/// adjoint carried there.
struct Reached {
    node: usize,
    factors: Vec<Formula>,
    local: f64,
    contribution: f64,
}

impl Walk<'_> {
    fn label(&self, n: usize) -> Label {
        Label {
            index: n,
            text: self
                .arena
                .name(n)
                .map_or_else(|| format!("#{n}"), str::to_owned),
        }
    }

    fn needs(&self, n: usize) -> bool {
        self.arena.nodes[n].needs_grad
    }

    /// Node `n` inside a formula: its name if it has one or is explained on
    /// its own; else, if it gets no gradient, its value; else its own
    /// formula, spelled out.
    fn formula(&self, n: usize) -> Formula {
        let value = self.arena.nodes[n].value;
        if self.arena.name(n).is_some() || self.shown.get(n).copied().unwrap_or(false) {
            return Formula::Name {
                label: self.label(n).text,
                value,
            };
        }
        if !self.needs(n) || self.arena.nodes[n].code.is_leaf() {
            return Formula::Number(value);
        }
        let (operands, values) = self.operands(n);
        rule::expression(&self.rule_node(n, &operands, &values))
    }

    fn operands(&self, n: usize) -> (Vec<Formula>, Vec<f64>) {
        self.arena
            .parents(n)
            .iter()
            .map(|&p| (self.formula(p as usize), self.arena.nodes[p as usize].value))
            .unzip()
    }

    fn rule_node<'f>(
        &self,
        n: usize,
        operands: &'f [Formula],
        values: &'f [f64],
    ) -> rule::Node<'f> {
        let node = &self.arena.nodes[n];
        rule::Node {
            code: node.code,
            c: node.scalar(),
            name: self.arena.op(n).name(),
            operands,
            values,
        }
    }

    /// The local derivatives of node `n` with respect to its operands, as
    /// the sweep applies them; `None` for an operand that gets nothing
    /// (a constant, relu below its kink, a detached node).
    fn partials(&self, n: usize) -> Vec<Option<Partial<f64>>> {
        let arena = self.arena;
        let node = &arena.nodes[n];
        let parents = arena.parents(n);
        let mut partials = vec![None; parents.len()];
        if node.code == Code::Custom {
            arena.custom(node).partials(arena, node, parents, |k, d| {
                partials[k] = Some(Partial::TimesConst(d));
            });
        } else if node.code.passes_gradient() {
            let value = |k: usize| arena.nodes[parents[k] as usize].value;
            rules::vjp::<f64>(
                node.code,
                node.scalar(),
                parents.len(),
                value,
                |k| arena.nodes[parents[k] as usize].needs_grad,
                || false,
                node.value,
                |k, partial| partials[k] = Some(partial),
            );
        }
        partials
    }

    /// Every edge from the explained node `n` to the explained nodes its
    /// formula reads, appended to `edges`.
    fn edges_from(&self, n: usize, edges: &mut Vec<Edge>) {
        let mut stack = vec![Reached {
            node: n,
            factors: Vec::new(),
            local: 1.0,
            contribution: self.grads.adjoint_at(n),
        }];
        while let Some(at) = stack.pop() {
            let u = at.node;
            if u != n && self.shown[u] {
                add_edge(
                    edges,
                    n,
                    u,
                    at.local,
                    at.contribution,
                    Formula::chain(at.factors),
                );
                continue;
            }
            let parents = self.arena.parents(u);
            let (operands, values) = self.operands(u);
            let rule_node = self.rule_node(u, &operands, &values);
            let y = if u == n {
                Formula::Name {
                    label: self.label(u).text,
                    value: self.arena.nodes[u].value,
                }
            } else {
                self.formula(u)
            };
            let partials = self.partials(u);
            let mut further = Vec::new();
            for (k, &p) in parents.iter().enumerate() {
                let p = p as usize;
                if !self.needs(p) {
                    continue;
                }
                // The sweep passes nothing on from a zero adjoint.
                let (local, contribution) = match partials[k] {
                    Some(partial) => (
                        partial.apply(at.local),
                        if at.contribution == 0.0 {
                            0.0
                        } else {
                            partial.apply(at.contribution)
                        },
                    ),
                    None => (0.0, 0.0),
                };
                let mut factors = at.factors.clone();
                factors.push(rule::partial(&rule_node, &y, k));
                further.push(Reached {
                    node: p,
                    factors,
                    local,
                    contribution,
                });
            }
            // Popped in operand order.
            stack.extend(further.into_iter().rev());
        }
    }
}

/// Adds one path from `consumer` to `parent` to the edge between them.
fn add_edge(
    edges: &mut Vec<Edge>,
    consumer: usize,
    parent: usize,
    local: f64,
    contribution: f64,
    formula: Formula,
) {
    match edges
        .iter_mut()
        .rev()
        .take_while(|e| e.consumer == consumer)
        .find(|e| e.parent == parent)
    {
        Some(edge) => {
            edge.local += local;
            edge.contribution += contribution;
            edge.formula = std::mem::replace(&mut edge.formula, Formula::Number(0.0)).plus(formula);
        }
        None => edges.push(Edge {
            consumer,
            parent,
            local,
            contribution,
            formula,
        }),
    }
}

#[cfg(test)]
mod tests {
    use crate::Tape;
    use crate::explain::Precision;

    #[test]
    fn a_node_read_twice_sums_its_paths() {
        // y = a·x + sin(x) with a = 2x named: ∂y/∂x = ∂y/∂a · ∂a/∂x + ∂y/∂x|a
        let tape = Tape::new();
        let x = tape.var_named("x", 0.5);
        let a = (2.0 * x).named("a");
        let y = (a * x + x.sin()).named("y");
        let explanation = y.explain();
        let step = explanation.step(x).unwrap();
        assert_eq!(step.gradient(), y.backward().wrt(x));
        let labels: Vec<&str> = step.terms().iter().map(|t| t.consumer_label()).collect();
        assert_eq!(labels, ["a", "y"]);
        assert_eq!(step.terms()[0].formula(), "2");
        // y's own formula, a·x + sin(x), differentiated along both paths.
        assert_eq!(step.terms()[1].formula(), "a + cos(x)");
        let sum: f64 = step.terms().iter().map(|t| t.contribution()).sum();
        assert!((sum - step.gradient()).abs() < 1e-15);
        let text = explanation
            .with_precision(Precision::Decimals(4))
            .to_string();
        assert!(
            text.contains("∂y/∂x = ∂y/∂a · ∂a/∂x + ∂y/∂y · ∂y/∂x\n      = 0.5 × 2 + 1 × 1.8776\n"),
            "{text}"
        );
    }

    #[test]
    fn a_square_of_one_node_is_one_path_per_operand() {
        // y = x·x: ∂y/∂x = x + x
        let tape = Tape::new();
        let x = tape.var_named("x", 3.0);
        let y = (x * x).named("y");
        let explanation = y.explain();
        let term = &explanation.step(x).unwrap().terms()[0];
        assert_eq!(term.formula(), "x + x");
        assert_eq!(term.local(), 6.0);
        assert_eq!(explanation.to_string(), "∂y/∂x = x + x = 3 + 3 = 6\n");
    }

    #[test]
    fn unnamed_nodes_are_explained_where_a_fold_would_grow_too_large() {
        let tape = Tape::new();
        let x = tape.var_named("x", 0.1);
        let mut y = x;
        for _ in 0..20 {
            y = y.sin();
        }
        let y = y.named("y");
        let explanation = y.explain();
        assert!(explanation.steps().len() > 2);
        assert!(
            explanation
                .steps()
                .iter()
                .any(|s| s.label().starts_with('#'))
        );
        let step = explanation.step(x).unwrap();
        assert_eq!(step.gradient(), y.backward().wrt(x));
    }

    #[test]
    fn an_unnamed_output_can_be_given_a_label() {
        let tape = Tape::new();
        let x = tape.var_named("x", 2.0);
        let y = x * x + x;
        assert_eq!(y.explain().output_label(), format!("#{}", y.index()));
        let text = y.explain().with_output_label("output").to_string();
        assert_eq!(text, "∂output/∂x = x + x + 1 = 2 + 2 + 1 = 5\n");
    }

    #[test]
    fn constants_get_no_step_and_a_relu_below_its_kink_passes_0() {
        let tape = Tape::new();
        let w = tape.var_named("w", -1.0);
        let c = tape.constant_named("c", 2.0);
        let y = (w * c).relu().named("y");
        let explanation = y.explain();
        assert!(explanation.step(c).is_none());
        let term = &explanation.step(w).unwrap().terms()[0];
        assert_eq!((term.formula(), term.local()), ("0".to_owned(), 0.0));
    }
}
