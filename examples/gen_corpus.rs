//! Writes one of the scanner benchmark corpora (the generator `benches/scan.rs` uses) to a
//! file, for `scripts/bench-vs-ripgrep.sh`.
//!
//! ```text
//! cargo run --release --example gen_corpus -- prose|banners|dense MEGABYTES OUT
//! ```

#[path = "../benches/common/corpus.rs"]
mod corpus;

use anyhow::{Context, bail};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [kind, mb, out] = args.as_slice() else {
        bail!("usage: gen_corpus prose|banners|dense MEGABYTES OUT");
    };
    let bytes = mb
        .parse::<usize>()
        .with_context(|| format!("megabytes: {mb:?} is not a number"))?
        * 1_000_000;
    let text = match kind.as_str() {
        "prose" => corpus::prose(bytes, 1),
        "banners" => corpus::with_banners(bytes, 50_000, 1),
        "dense" => corpus::dense(bytes, 1),
        other => bail!("unknown corpus {other:?}: use prose, banners or dense"),
    };
    std::fs::write(out, text).with_context(|| format!("writing {out}"))?;
    Ok(())
}
