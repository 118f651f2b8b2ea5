//! Standard output and standard error for every command, through one door.
//!
//! `println!` panics when its reader has gone away (`stackchef rules | head -1`), so the
//! process died with exit code 101 and "failed printing to stdout". Every command prints
//! through [`stdout`] (or the [`outln!`](crate::outln)/[`out!`](crate::out) macros) instead:
//! a broken pipe is not an error there, it only means nobody reads any more, so the rest of the
//! output is dropped and the command finishes its work and exits with its own code, as
//! ripgrep does. Other write errors (a full disk under `> report.txt`) are still errors.
//!
//! Why not restore the default SIGPIPE action at start-up, as cargo does? The signal would end
//! the process wherever it happens to be: `stackchef generate | head -1` would die after
//! printing its first line and before writing any file, which reads as success; and `stackchef
//! lint | head` would exit 141 instead of reporting its findings with 0 or 1. With the error
//! handled here, a reader that stops reading never changes what a command does.
//! `clippy::print_stdout`/`print_stderr` are denied in the crate, so no `println!` comes back.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once a write to standard output found the pipe closed: later writes are dropped.
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);
/// The same for standard error.
static STDERR_CLOSED: AtomicBool = AtomicBool::new(false);

/// Standard output, locked, with a closed pipe treated as the end of the output.
pub fn stdout() -> Quiet<io::StdoutLock<'static>> {
    Quiet {
        inner: io::stdout().lock(),
        closed: &STDOUT_CLOSED,
    }
}

/// Standard error, locked, with a closed pipe treated as the end of the output.
pub fn stderr() -> Quiet<io::StderrLock<'static>> {
    Quiet {
        inner: io::stderr().lock(),
        closed: &STDERR_CLOSED,
    }
}

/// A writer that turns `BrokenPipe` into "everything from now on is dropped".
pub struct Quiet<W> {
    inner: W,
    closed: &'static AtomicBool,
}

impl<W: Write> Quiet<W> {
    fn guard<T>(&mut self, done: T, op: impl FnOnce(&mut W) -> io::Result<T>) -> io::Result<T> {
        if self.closed.load(Ordering::Relaxed) {
            return Ok(done);
        }
        match op(&mut self.inner) {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.closed.store(true, Ordering::Relaxed);
                Ok(done)
            }
            other => other,
        }
    }
}

impl<W: Write> Write for Quiet<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.guard(buf.len(), |w| w.write(buf))
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.guard((), |w| w.write_all(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        self.guard((), |w| w.flush())
    }
}

/// Write `text` to standard output; a closed pipe is not an error.
pub fn print_str(text: &str) -> anyhow::Result<()> {
    let mut out = stdout();
    out.write_all(text.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| anyhow::Error::new(e).context("writing to standard output"))
}

/// `print!` through [`stdout`]; returns `anyhow::Result<()>` (a closed pipe is `Ok`).
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::output::print_str(&::std::format!($($arg)*))
    };
}

/// `println!` through [`stdout`]; returns `anyhow::Result<()>` (a closed pipe is `Ok`).
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {{
        let mut line = ::std::format!($($arg)*);
        line.push('\n');
        $crate::output::print_str(&line)
    }};
}

/// `eprintln!` that never panics: a message nobody can read is dropped, whatever the error
/// (there is nowhere left to report it).
#[macro_export]
macro_rules! errln {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let mut line = ::std::format!($($arg)*);
        line.push('\n');
        let _ = $crate::output::stderr().write_all(line.as_bytes());
    }};
}

/// `eprint!` that never panics (for prompts).
#[macro_export]
macro_rules! err {
    ($($arg:tt)*) => {{
        use ::std::io::Write as _;
        let mut err = $crate::output::stderr();
        let _ = err.write_all(::std::format!($($arg)*).as_bytes());
        let _ = err.flush();
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    struct ClosedPipe;
    impl Write for ClosedPipe {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::ErrorKind::StorageFull.into())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_broken_pipe_ends_the_output_other_errors_stay_errors() {
        static CLOSED: AtomicBool = AtomicBool::new(false);
        let mut quiet = Quiet {
            inner: ClosedPipe,
            closed: &CLOSED,
        };
        assert!(writeln!(quiet, "first").is_ok());
        assert!(CLOSED.load(Ordering::Relaxed));
        assert!(writeln!(quiet, "second").is_ok());

        static NOT_CLOSED: AtomicBool = AtomicBool::new(false);
        let mut full = Quiet {
            inner: Full,
            closed: &NOT_CLOSED,
        };
        assert!(writeln!(full, "x").is_err());
        assert!(!NOT_CLOSED.load(Ordering::Relaxed));
    }
}
