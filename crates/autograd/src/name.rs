//! Node names: cheap to attach in a loop, whether static or shared.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::rc::Rc;
use std::sync::Arc;

/// A node's name, as traces and pictures show it.
///
/// Every method that names a node takes `impl Into<Name>`, which accepts:
///
/// | you have | it costs |
/// |---|---|
/// | a string literal, `&'static str` | nothing |
/// | an `Rc<str>` or `&Rc<str>` | a reference count |
/// | an `Arc<str>` or `&Arc<str>` (names kept in a `Send` model) | a reference count |
/// | a `String`, e.g. from `format!` | nothing: it is moved in |
/// | a `&String` | a copy of the text |
/// | a `Cow<'static, str>` | as its contents |
///
/// A borrowed `&str` that is not `'static` (a slice of a `String`, say) has
/// no conversion, because a name outlives the borrow: pass `s.to_owned()`,
/// or build an `Rc<str>` once and share it, which is the cheap way to name
/// nodes in a loop.
///
/// # Examples
///
/// ```
/// use std::rc::Rc;
/// use autograd::{Name, Tape};
///
/// let tape = Tape::new();
/// let layer = String::from("h1");
/// let a = tape.var_named(&layer, 0.5); // &String
/// let b = tape.var_named(format!("w{}", 3), 0.1); // String
/// let shared: Rc<str> = Rc::from("out_h1");
/// let c = tape.var(0.2).named(&shared); // &Rc<str>, no copy
/// let d = tape.var(0.3).named(&layer[..1].to_owned()); // a slice, owned first
/// assert_eq!(a.name().as_deref(), Some("h1"));
/// assert_eq!(b.name().as_deref(), Some("w3"));
/// assert_eq!(c.name().as_deref(), Some("out_h1"));
/// assert_eq!(d.name().as_deref(), Some("h"));
/// assert_eq!(&*Name::from("w1"), "w1");
/// assert_eq!(Name::from("w1"), Name::from(String::from("w1"))); // the text decides
/// ```
#[derive(Clone)]
pub struct Name(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static str),
    Shared(Rc<str>),
    Atomic(Arc<str>),
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
            Repr::Atomic(s) => s,
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

impl From<&String> for Name {
    fn from(name: &String) -> Self {
        Name(Repr::Shared(Rc::from(name.as_str())))
    }
}

impl From<&Rc<str>> for Name {
    fn from(name: &Rc<str>) -> Self {
        Name(Repr::Shared(Rc::clone(name)))
    }
}

impl From<Arc<str>> for Name {
    fn from(name: Arc<str>) -> Self {
        Name(Repr::Atomic(name))
    }
}

impl From<&Arc<str>> for Name {
    fn from(name: &Arc<str>) -> Self {
        Name(Repr::Atomic(Arc::clone(name)))
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

/// Names are equal when their text is, however each is held.
impl PartialEq for Name {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Name {}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (**self).hash(state);
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
