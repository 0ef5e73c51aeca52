//! Embedding the milter service in your own program: `cargo run --example milter --features
//! milter -- POLICY.toml [LISTEN]`. The installed binary (`protective-marking-milter`, in
//! src/bin) adds flags, signals and metrics on top of the same calls.

use protective_marking::GatewayPolicy;
use protective_marking::milter::{MilterListener, MilterOptions, MilterService};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let policy_file = args.next().ok_or("usage: milter POLICY.toml [LISTEN]")?;
    let listen = args.next().unwrap_or_else(|| "127.0.0.1:7357".into());
    let policy = GatewayPolicy::from_toml(&std::fs::read_to_string(policy_file)?)?;
    let service = MilterService::new(MilterOptions::new(policy).listen(listen.parse()?))?;
    let listener = MilterListener::bind(&service).await?;
    eprintln!(
        "milter: listening on {}",
        listener.local_addr()?.postfix_milter()
    );
    // Serve until Ctrl-C, then let the messages in progress finish.
    listener
        .serve_until(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
