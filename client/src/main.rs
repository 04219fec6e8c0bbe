use clap::Parser;
use dossier_cli::{cli::Cli, commands, exit};

#[tokio::main]
async fn main() {
    let cli = Cli::parse();
    let code = match commands::run(cli).await {
        Ok(code) => code,
        Err(err) => exit::report(&err),
    };
    std::process::exit(code);
}
