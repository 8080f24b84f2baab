//! Anomaly detection: the first node whose value or gradient turns NaN or
//! infinite, named with its op, its parents' values and where it was
//! recorded.

use std::fmt;
use std::panic::Location;

use crate::arena::{Arena, Pending};
use crate::number::Shortest;
use crate::op::Op;

/// Which pass an anomaly was found in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pass {
    /// A node's value became NaN or infinite from finite parents.
    Forward,
    /// A node passed a NaN or infinite gradient to a parent while its own
    /// gradient was finite.
    Backward,
}

/// A parent of an anomalous node: its position, name and value.
#[derive(Clone, Debug, PartialEq)]
pub struct Parent {
    /// Position on the tape.
    pub index: usize,
    /// Name, if it has one.
    pub name: Option<String>,
    /// Value.
    pub value: f64,
}

/// The gradient a node passed to a parent, for a [`Pass::Backward`] anomaly.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Flow {
    /// The node's own gradient (adjoint), finite.
    pub adjoint: f64,
    /// The parent's position.
    pub parent: usize,
    /// What the node passed to it: NaN or infinite.
    pub contribution: f64,
}

/// The first place a computation stopped being finite.
///
/// Found by [`Var::try_backward`](crate::Var::try_backward) at any time, and
/// raised as a panic at the spot by a tape with
/// [`Tape::set_detect_anomaly`](crate::Tape::set_detect_anomaly) on.
#[derive(Clone, Debug, PartialEq)]
pub struct Anomaly {
    /// Forward (a value) or backward (a gradient).
    pub pass: Pass,
    /// The node's position on the tape.
    pub node: usize,
    /// The node's name, if it has one.
    pub name: Option<String>,
    /// The node's op.
    pub op: Op,
    /// The node's value.
    pub value: f64,
    /// The node's parents, in operand order.
    pub parents: Vec<Parent>,
    /// For a backward anomaly, the gradient that went wrong.
    pub flow: Option<Flow>,
    /// Where in the program the node was recorded, when known: always for a
    /// forward anomaly raised at the op, and for nodes recorded while
    /// detection was on.
    pub location: Option<&'static Location<'static>>,
}

impl fmt::Display for Anomaly {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pass = match self.pass {
            Pass::Forward => "forward",
            Pass::Backward => "backward",
        };
        write!(f, "anomaly in the {pass} pass: node #{}", self.node)?;
        if let Some(name) = &self.name {
            write!(f, " `{name}`")?;
        }
        write!(f, " ({})", self.op.name())?;
        match (self.pass, self.flow) {
            (Pass::Backward, Some(flow)) => write!(
                f,
                " has gradient {} and passes {} to its parent #{}",
                Shortest(flow.adjoint),
                Shortest(flow.contribution),
                flow.parent
            )?,
            _ => write!(f, " is {}", Shortest(self.value))?,
        }
        if self.parents.is_empty() {
            write!(f, "; it is a leaf")?;
        } else {
            let parents: Vec<String> = self
                .parents
                .iter()
                .map(|p| match &p.name {
                    Some(name) => format!("#{} `{name}` = {}", p.index, Shortest(p.value)),
                    None => format!("#{} = {}", p.index, Shortest(p.value)),
                })
                .collect();
            write!(f, "; its parents: {}", parents.join(", "))?;
        }
        if self.pass == Pass::Backward {
            write!(f, "; its value: {}", Shortest(self.value))?;
        }
        if let Some(location) = self.location {
            write!(f, "; recorded at {location}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Anomaly {}

/// The forward anomaly of a node about to be recorded at `position` with
/// the given parents, if it would turn finite parents into a non-finite
/// value.
pub(crate) fn forward(
    arena: &Arena,
    position: usize,
    node: Pending,
    parent_positions: &[u32],
    site: Option<&'static Location<'static>>,
) -> Option<Anomaly> {
    let finite_parents = parent_positions
        .iter()
        .all(|&p| arena.nodes[p as usize].value.is_finite());
    (!node.value.is_finite() && finite_parents).then(|| Anomaly {
        pass: Pass::Forward,
        node: position,
        name: None,
        op: arena.op_of(node.code, node.scalar),
        value: node.value,
        parents: parents(arena, parent_positions),
        flow: None,
        location: site,
    })
}

/// The forward anomaly of the recorded node at `position`, if its value is
/// not finite while its parents' values are.
pub(crate) fn forward_at(arena: &Arena, position: usize) -> Option<Anomaly> {
    let record = arena.nodes[position];
    let node = Pending {
        code: record.code,
        scalar: record.scalar(),
        value: record.value,
        needs_grad: record.needs_grad,
    };
    let site = arena.site(position);
    forward(arena, position, node, arena.parents(position), site).map(|anomaly| Anomaly {
        name: arena.name(position).map(str::to_owned),
        ..anomaly
    })
}

/// The backward anomaly of the recorded node at `position`: it passed
/// `flow` to a parent.
pub(crate) fn backward_at(arena: &Arena, position: usize, flow: Flow) -> Anomaly {
    let record = arena.nodes[position];
    Anomaly {
        pass: Pass::Backward,
        node: position,
        name: arena.name(position).map(str::to_owned),
        op: arena.op(position),
        value: record.value,
        parents: parents(arena, arena.parents(position)),
        flow: Some(flow),
        location: arena.site(position),
    }
}

fn parents(arena: &Arena, positions: &[u32]) -> Vec<Parent> {
    positions
        .iter()
        .map(|&q| Parent {
            index: q as usize,
            name: arena.name(q as usize).map(str::to_owned),
            value: arena.nodes[q as usize].value,
        })
        .collect()
}
