//! Cross-crate integration tests, compiled as one binary.

/// Anomaly detection.
mod anomaly;
/// The reverse sweep's contract: every node, no hidden accumulation.
mod backward;
/// Chains of a million (debug) or ten million (release) nodes.
mod big_graphs;
/// The blog's forward pass and per-node gradients, built from autograd ops.
mod blog_graph;
/// Users' own ops through every sweep, by name, and what they refuse.
mod custom_ops;
/// Explanations: every number printed is the sweep's own.
mod explain;
/// Every function of the table: closed forms, edges, second derivatives.
mod functions;
/// Gradient checking at kinks: one-sided derivatives accepted and reported.
mod gradcheck_kinks;
/// Gradients against finite differences on random graphs and networks.
mod gradcheck_props;
/// Stale and foreign handles: panics that name the mistake.
mod handles;
/// Second and higher derivatives.
mod higher_order;
/// Forward mode and Jacobians: closed forms, the blog, both modes agreeing.
mod jacobians;
/// All 32 figures of the worked example through the nn crate.
mod nn_blog;
/// Generic backprop through MLPs of other shapes.
mod nn_generic;
/// Every op's derivative over a dense sweep of its domain.
mod op_sweeps;
/// Compiled programs: replays give the bits of recording afresh.
mod programs;
/// Random expression graphs for the property tests.
mod random_graphs;
/// The README's printed output matches what the code prints.
mod readme;
/// Every op's value and derivatives against mpmath reference tables, in ulps.
mod reference;
/// The tape's state model: no value, trace or gradient mixes old and new
/// values; a caught panic leaves the tape as it was.
mod state_model;
