//! One PDF page's text chunks, as `lopdf::Document::extract_text_chunks_with_limit` gives
//! them, for a page id the caller already has.
//!
//! Why a copy: lopdf's function walks the whole page tree (`get_pages`) on every call, so
//! reading a document page by page was quadratic in its page count (a 600-page PDF spent
//! most of a gateway verdict there, benches/mail.rs). This is the same walk over the same
//! public lopdf calls (fonts, their encodings, the page content with the stream limit, the
//! text operators) with the page map built once by the caller; the output is identical.

use lopdf::content::Content;
use lopdf::{Encoding, Object, ObjectId};
use std::collections::BTreeMap;

/// The text chunks of the page `page_id` (a new chunk at each font change) and the errors
/// met on the way, in order. A failure to read the page's fonts or content is one error.
pub(crate) fn page_chunks(
    doc: &lopdf::Document,
    page_id: ObjectId,
    max_decompressed_size: usize,
) -> Vec<lopdf::Result<String>> {
    match page_chunks_inner(doc, page_id, max_decompressed_size) {
        Ok(chunks) => chunks,
        Err(e) => vec![Err(e)],
    }
}

fn page_chunks_inner(
    doc: &lopdf::Document,
    page_id: ObjectId,
    max: usize,
) -> lopdf::Result<Vec<lopdf::Result<String>>> {
    let mut out: Vec<lopdf::Result<String>> = Vec::new();
    let fonts = doc.get_page_fonts(page_id)?;
    let encodings: BTreeMap<Vec<u8>, Encoding> = fonts
        .into_iter()
        .filter_map(
            |(name, font)| match font.get_font_encoding_with_limit(doc, max) {
                Ok(it) => Some((name, it)),
                Err(err) => {
                    out.push(Err(err));
                    None
                }
            },
        )
        .collect();
    let content = Content::decode(&doc.get_page_content_with_limit(page_id, max)?)?;

    let mut encoding = None;
    let mut text = String::new();
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" => {
                let font = op
                    .operands
                    .first()
                    .ok_or_else(|| lopdf::Error::Syntax("missing font operand".to_string()))?
                    .as_name();
                encoding = match font {
                    Ok(font) => encodings.get(font),
                    Err(err) => {
                        out.push(Err(err));
                        None
                    }
                };
                if !text.is_empty() {
                    out.push(Ok(std::mem::take(&mut text)));
                }
            }
            "Tj" | "TJ" => {
                if let Some(enc) = encoding
                    && let Err(err) = collect_text(&mut text, enc, &op.operands)
                {
                    out.push(Err(err));
                }
            }
            // PDF 32000-1 §9.4.3: `'` is `T* Tj`, `"` is `aw Tw ac Tc T* Tj`.
            "'" | "\"" => {
                if let Some(enc) = encoding {
                    if !text.ends_with('\n') {
                        text.push('\n');
                    }
                    let shown = if op.operator == "'" {
                        op.operands.as_slice()
                    } else {
                        op.operands.get(2).map(std::slice::from_ref).unwrap_or(&[])
                    };
                    if let Err(err) = collect_text(&mut text, enc, shown) {
                        out.push(Err(err));
                    }
                }
            }
            // A new line, or the end of a text object: approximated as a line break.
            "T*" | "ET" if !text.ends_with('\n') => text.push('\n'),
            _ => {}
        }
    }
    if !text.is_empty() {
        out.push(Ok(text));
    }
    Ok(out)
}

/// The strings of a `Tj`/`TJ` operand list; a large negative kerning gap is a space.
fn collect_text(text: &mut String, encoding: &Encoding, operands: &[Object]) -> lopdf::Result<()> {
    for operand in operands {
        match operand {
            Object::String(bytes, _) => encoding.write_to_string(bytes, text)?,
            Object::Array(arr) => {
                collect_text(text, encoding, arr)?;
                text.push(' ');
            }
            Object::Integer(i) if *i < -100 => text.push(' '),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_strings(chunks: Vec<lopdf::Result<String>>) -> Vec<Result<String, String>> {
        chunks
            .into_iter()
            .map(|c| c.map_err(|e| e.to_string()))
            .collect()
    }

    /// Same chunks, same errors, as lopdf's own per-page extraction, on every third-party
    /// PDF that loads.
    #[test]
    fn identical_to_lopdf_on_the_corpus() {
        let dir = format!(
            "{}/../shared/corpus/third_party/pdf",
            env!("CARGO_MANIFEST_DIR")
        );
        let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir}: {e}"));
        let mut pages_compared = 0;
        for entry in entries {
            let path = entry.unwrap().path();
            let Ok(doc) = lopdf::Document::load(&path) else {
                continue;
            };
            for (number, id) in doc.get_pages() {
                let theirs = doc.extract_text_chunks_with_limit(&[number], 64 << 20);
                let ours = page_chunks(&doc, id, 64 << 20);
                assert_eq!(
                    as_strings(ours),
                    as_strings(theirs),
                    "{} page {number}",
                    path.display()
                );
                pages_compared += 1;
            }
        }
        assert!(pages_compared > 20, "only {pages_compared} pages compared");
    }
}
