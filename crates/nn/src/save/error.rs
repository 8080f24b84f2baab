//! Why a model could not be saved or loaded: each case says what is wrong,
//! where, and what to do.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// Why [`Mlp::save`](crate::Mlp::save), [`Mlp::load`](crate::Mlp::load)
/// or their in-memory forms failed: [`ModelFileError::kind`] says what
/// went wrong, `Display` says it in a sentence with the file's path, the
/// line and column, and how to fix it.
///
/// # Examples
///
/// ```
/// use nn::{Mlp, ModelFileErrorKind};
///
/// let mut text = nn::blog::network().to_json().unwrap();
/// text.truncate(text.len() / 2); // a file cut off while being written
/// let error = Mlp::from_json(&text).unwrap_err();
/// assert!(matches!(error.kind(), ModelFileErrorKind::Truncated { .. }));
/// assert!(error.to_string().contains("ends before the model does"));
/// ```
#[derive(Debug)]
pub struct ModelFileError {
    path: Option<PathBuf>,
    kind: ModelFileErrorKind,
}

/// What went wrong saving or loading a model.
#[derive(Debug)]
#[non_exhaustive]
pub enum ModelFileErrorKind {
    /// The file could not be read or written.
    Io(io::Error),
    /// The text stops in the middle of the model, at this line and column
    /// (counted from 1): the file was cut off.
    Truncated {
        /// Line of the end of the text.
        line: usize,
        /// Column of the end of the text.
        column: usize,
    },
    /// The text is not JSON.
    Syntax {
        /// Line of the first error, from 1.
        line: usize,
        /// Column of the first error, from 1.
        column: usize,
        /// What the JSON reader found.
        message: String,
    },
    /// The text is JSON but does not follow the model file's schema: a
    /// field missing, unknown or of the wrong type, a parameter given
    /// twice, a number out of range.
    Schema {
        /// Line of the first error, from 1.
        line: usize,
        /// Column of the first error, from 1.
        column: usize,
        /// What was wrong.
        message: String,
    },
    /// The JSON is not a model file: its `format` field is missing or not
    /// `"nn.Mlp"`. `found` is the field as written, or `None`.
    NotAModel {
        /// The `format` field's JSON, if there is one.
        found: Option<String>,
    },
    /// The file's schema version is not the one this crate reads.
    Version {
        /// The `version` field's JSON, or `None` if it has none.
        found: Option<String>,
    },
    /// The architecture cannot be built: no layers, a layer with no
    /// neurons, a non-finite activation parameter, one name too many or too
    /// few for the layers.
    Architecture(String),
    /// The architecture has a parameter that the file does not give.
    MissingParameter {
        /// The parameter's name.
        name: String,
    },
    /// The file gives a parameter the architecture does not have.
    UnknownParameter {
        /// The name in the file.
        name: String,
        /// A parameter of the architecture the file does not give, the
        /// likeliest one meant.
        missing: Option<String>,
    },
    /// The file's model has another shape than the model its parameters
    /// were to be loaded into ([`Mlp::load_parameters`](crate::Mlp::load_parameters)).
    ShapeMismatch(String),
    /// A parameter is NaN or infinite: JSON has no such numbers (and a
    /// model that holds one has diverged).
    NotFinite {
        /// The parameter's name.
        name: String,
        /// Its value.
        value: f64,
    },
}

impl ModelFileError {
    pub(crate) fn new(kind: ModelFileErrorKind) -> Self {
        ModelFileError { path: None, kind }
    }

    /// The same error, said of the file at `path`.
    pub(crate) fn at(mut self, path: &Path) -> Self {
        self.path = Some(path.to_owned());
        self
    }

    /// What went wrong.
    pub fn kind(&self) -> &ModelFileErrorKind {
        &self.kind
    }

    /// The file, when the error is about one.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// A JSON reader's error on `text`, sorted into truncation, syntax and
    /// schema.
    pub(crate) fn from_json(error: &serde_json::Error, text: &str) -> Self {
        use serde_json::error::Category;
        let (line, column) = (error.line(), error.column());
        // serde_json's Display ends with " at line L column C", said here
        // in the error's own words.
        let full = error.to_string();
        let message = full
            .rsplit_once(" at line ")
            .map_or(full.as_str(), |(message, _)| message)
            .to_owned();
        // A number cut off at the very end reads as a bad number, not as
        // the end of the text: an error at the last character is a cut.
        let at_end = line == text.lines().count().max(1)
            && column >= text.lines().last().map_or(0, |last| last.chars().count());
        Self::new(match error.classify() {
            Category::Eof => ModelFileErrorKind::Truncated { line, column },
            Category::Syntax if at_end && !text.ends_with(['\n', '}']) => {
                ModelFileErrorKind::Truncated { line, column }
            }
            // Valid JSON, but no f64 holds it.
            Category::Syntax if message.starts_with("number out of range") => {
                ModelFileErrorKind::Schema {
                    line,
                    column,
                    message: format!("{message}: an f64 is at most about 1.8e308"),
                }
            }
            Category::Syntax => ModelFileErrorKind::Syntax {
                line,
                column,
                message,
            },
            Category::Data | Category::Io => ModelFileErrorKind::Schema {
                line,
                column,
                message,
            },
        })
    }
}

impl fmt::Display for ModelFileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.path {
            write!(f, "{}: ", path.display())?;
        }
        match &self.kind {
            ModelFileErrorKind::Io(e) => write!(f, "{e}"),
            ModelFileErrorKind::Truncated { line, column } => write!(
                f,
                "the text ends before the model does (line {line}, column {column}): the file \
                 was cut off; save the model again"
            ),
            ModelFileErrorKind::Syntax {
                line,
                column,
                message,
            } => write!(
                f,
                "line {line}, column {column}: not JSON ({message}); a model file is the JSON \
                 that Mlp::save writes"
            ),
            ModelFileErrorKind::Schema {
                line,
                column,
                message,
            } => write!(
                f,
                "line {line}, column {column}: {message} (the model file's fields are in the \
                 docs of Mlp::save)"
            ),
            ModelFileErrorKind::NotAModel { found: None } => write!(
                f,
                "not a model file: it has no \"format\" field (a model file starts \
                 {{\"format\": \"nn.Mlp\", \"version\": 1, ...)"
            ),
            ModelFileErrorKind::NotAModel { found: Some(found) } => write!(
                f,
                "not a model file: its \"format\" is {found}, not \"nn.Mlp\""
            ),
            ModelFileErrorKind::Version { found } => write!(
                f,
                "the file is model format version {}, and this nn reads version 1: load it with \
                 the nn that wrote it",
                found.as_deref().unwrap_or("(none given)")
            ),
            ModelFileErrorKind::Architecture(message) => {
                write!(f, "the file's architecture cannot be built: {message}")
            }
            ModelFileErrorKind::MissingParameter { name } => write!(
                f,
                "the parameter `{name}` is missing: the file must give every parameter of its \
                 architecture"
            ),
            ModelFileErrorKind::UnknownParameter { name, missing } => {
                write!(
                    f,
                    "the file gives a parameter `{name}` that its architecture does not have"
                )?;
                match missing {
                    Some(missing) => write!(f, "; `{missing}` is missing (did you mean it?)"),
                    None => write!(f, "; remove it"),
                }
            }
            ModelFileErrorKind::ShapeMismatch(message) => write!(
                f,
                "the file's model does not fit this one: {message}; load the whole model with \
                 Mlp::load instead"
            ),
            ModelFileErrorKind::NotFinite { name, value } => write!(
                f,
                "the parameter `{name}` is {value}: the model has diverged (try a smaller \
                 learning rate), and JSON has no NaN or infinity to save it as"
            ),
        }
    }
}

impl std::error::Error for ModelFileError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ModelFileErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}
