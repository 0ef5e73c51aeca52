//! Output plumbing shared by every verb: JSON lines, colour, exit codes, broken pipes.

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// The worst thing that happened across a run, which decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Default)]
pub enum Outcome {
    /// Everything read, nothing wrong.
    #[default]
    Clean,
    /// Something is wrong: an invalid marking, a problem, a refusal.
    Wrong,
    /// Usage error or unreadable input.
    Failed,
}

impl Outcome {
    pub fn exit_code(self) -> ExitCode {
        match self {
            Outcome::Clean => ExitCode::SUCCESS,
            Outcome::Wrong => ExitCode::from(1),
            Outcome::Failed => ExitCode::from(2),
        }
    }
}

/// Writes reports to stdout; exits quietly (status 0 so far) when the reader goes away.
pub struct Out {
    stdout: io::StdoutLock<'static>,
    pub colour: bool,
}

impl Out {
    pub fn new() -> Out {
        let stdout = io::stdout();
        let colour = stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none();
        Out {
            stdout: stdout.lock(),
            colour,
        }
    }

    pub fn line(&mut self, text: &str) {
        if let Err(e) = writeln!(self.stdout, "{text}") {
            if e.kind() == io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("check: cannot write output: {e}");
            std::process::exit(2);
        }
    }

    pub fn json<T: serde::Serialize>(&mut self, value: &T) {
        match serde_json::to_string(value) {
            Ok(s) => self.line(&s),
            Err(e) => {
                eprintln!("check: cannot encode report: {e}");
                std::process::exit(2);
            }
        }
    }

    /// `text` in an ANSI colour when writing to a terminal.
    pub fn paint(&self, text: &str, colour: Colour) -> String {
        Out::paint_with(self.colour, text, colour)
    }

    /// `text` in an ANSI colour when `enabled` (for streams other than stdout).
    pub fn paint_with(enabled: bool, text: &str, colour: Colour) -> String {
        if !enabled {
            return text.to_string();
        }
        let code = match colour {
            Colour::Green => "32",
            Colour::Red => "31",
            Colour::Yellow => "33",
            Colour::Bold => "1",
            Colour::Dim => "2",
        };
        format!("\x1b[{code}m{text}\x1b[0m")
    }
}

#[derive(Clone, Copy, Debug)]
pub enum Colour {
    Green,
    Red,
    Yellow,
    Bold,
    Dim,
}
