//! Words and numbers as the example programs print them, and what a
//! program does when its output cannot be written.

use std::io;
use std::process::ExitCode;

/// `n` and a noun, singular for one and plural otherwise: `1 update`,
/// `2 updates`, `0 updates`. The plural adds an `s`.
///
/// # Examples
///
/// ```
/// assert_eq!(pictures::text::counted(1, "update"), "1 update");
/// assert_eq!(pictures::text::counted(10000, "training step"), "10000 training steps");
/// ```
pub fn counted(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("{n} {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Whether `error` means that the reader of the output went away, as
/// `head` does after its lines (a broken pipe): not a failure of the
/// program, only the end of its printing.
pub fn reader_gone(error: &io::Error) -> bool {
    error.kind() == io::ErrorKind::BrokenPipe
}

/// The exit status of a program whose printing ended with `printed`: its
/// own `status` when everything was written or when the reader went away
/// ([`reader_gone`]); otherwise the error is reported on standard error,
/// naming `program`, and the status is failure.
///
/// # Examples
///
/// ```
/// use std::io;
/// use std::process::ExitCode;
/// use pictures::text::exit_status;
///
/// let closed = io::Error::from(io::ErrorKind::BrokenPipe);
/// assert_eq!(exit_status("newton", Err(closed), ExitCode::SUCCESS), ExitCode::SUCCESS);
/// let full = io::Error::from(io::ErrorKind::StorageFull);
/// assert_eq!(exit_status("newton", Err(full), ExitCode::SUCCESS), ExitCode::FAILURE);
/// ```
pub fn exit_status(program: &str, printed: io::Result<()>, status: ExitCode) -> ExitCode {
    match printed {
        Ok(()) => status,
        Err(e) if reader_gone(&e) => status,
        Err(e) => {
            eprintln!("{program}: cannot write to standard output: {e}");
            ExitCode::FAILURE
        }
    }
}
