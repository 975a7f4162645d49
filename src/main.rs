//! The `ccsim` binary: parse the command line, run it, print the error chain on failure.

fn main() -> std::process::ExitCode {
    match ccsim::cli::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", ccsim::cli::error_text(&e));
            std::process::ExitCode::FAILURE
        }
    }
}
