//! Node names: cheap to attach in a loop, whether static or shared.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;

/// A node's name, as traces and pictures show it.
///
/// Built from a `&'static str` or an `Rc<str>` it costs no allocation to
/// attach, which matters in a training loop that names its nodes every step;
/// a `String` is moved in.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use autograd::{Name, Tape};
///
/// let tape = Tape::new();
/// let shared: Rc<str> = Rc::from("out_h1");
/// let x = tape.var(0.5).named(Name::from(shared.clone()));
/// assert_eq!(x.name().as_deref(), Some("out_h1"));
/// assert_eq!(&*Name::from("w1"), "w1");
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Name(Repr);

#[derive(Clone, PartialEq, Eq, Hash)]
enum Repr {
    Static(&'static str),
    Shared(Rc<str>),
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }
}

impl From<&'static str> for Name {
    fn from(name: &'static str) -> Self {
        Name(Repr::Static(name))
    }
}

impl From<Rc<str>> for Name {
    fn from(name: Rc<str>) -> Self {
        Name(Repr::Shared(name))
    }
}

impl From<String> for Name {
    fn from(name: String) -> Self {
        Name(Repr::Shared(name.into()))
    }
}

impl From<Cow<'static, str>> for Name {
    fn from(name: Cow<'static, str>) -> Self {
        match name {
            Cow::Borrowed(s) => s.into(),
            Cow::Owned(s) => s.into(),
        }
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self)
    }
}
