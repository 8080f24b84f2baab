//! `grad`: differentiate an expression graph written as text.

use std::io::IsTerminal;
use std::process::ExitCode;

fn main() -> ExitCode {
    let colour = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let status = grad_cli::run(
        std::env::args_os(),
        &mut std::io::stdin().lock(),
        &mut std::io::stdout(),
        &mut std::io::stderr(),
        colour,
    );
    ExitCode::from(u8::try_from(status).unwrap_or(2))
}
