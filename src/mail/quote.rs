//! Separating the new text of a reply or forward from the thread it quotes.
//!
//! NZISM 15.1.10.C.03: on reply or forward the marking must not go below an earlier one in the
//! thread, and gateways usually read only the newest marking (15.1.10.R.03). So the earlier
//! messages' text is kept apart: a later check reads the new text's marking and compares it
//! with the markings found in the quoted blocks.
//!
//! Quoted text is recognised by:
//! * lines starting with `>` (after at most three spaces): one block per run of such lines,
//!   quote markers removed;
//! * a reply/forward separator, after which everything to the end is one block (separator
//!   included, because the quoted header block often repeats the earlier subject and its
//!   marking): `-----Original Message-----`, `---------- Forwarded message ---------`,
//!   `Begin forwarded message:`, an Outlook `From:` line followed within five lines by `Sent:`
//!   or `Date:`, and an attribution line `On <date>, <name> wrote:` (possibly wrapped over
//!   three lines) that is not followed by `>` lines.

/// The new text and the quoted blocks of one body.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct QuoteSplit {
    pub(crate) new_text: String,
    pub(crate) quoted: Vec<String>,
}

/// How many lines an `On ... wrote:` attribution may wrap over.
const ATTRIBUTION_LINES: usize = 3;
/// How far below `From:` the `Sent:`/`Date:` line of an Outlook header block may be.
const OUTLOOK_HEADER_LINES: usize = 5;

pub(crate) fn split_quoted(text: &str) -> QuoteSplit {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = QuoteSplit::default();
    let mut new_lines: Vec<&str> = Vec::with_capacity(lines.len());
    let mut block: Vec<String> = Vec::new();
    let mut i = 0;

    while let Some(&line) = lines.get(i) {
        if let Some(stripped) = strip_quote_marker(line) {
            block.push(stripped);
            i += 1;
            continue;
        }
        if !block.is_empty() {
            out.quoted.push(block.join("\n"));
            block.clear();
        }
        if let Some(attr_end) = attribution_end(&lines, i) {
            let next_content = lines
                .iter()
                .skip(attr_end + 1)
                .find(|l| !l.trim().is_empty());
            if next_content.is_some_and(|l| strip_quote_marker(l).is_some()) {
                // "On ... wrote:" heading a '>' block: it belongs to that block.
                for l in lines.get(i..=attr_end).unwrap_or_default() {
                    block.push((*l).to_string());
                }
                i = attr_end + 1;
                continue;
            }
            out.quoted.push(rest_of(&lines, i));
            break;
        }
        if is_separator(&lines, i) {
            out.quoted.push(rest_of(&lines, i));
            break;
        }
        new_lines.push(line);
        i += 1;
    }
    if !block.is_empty() {
        out.quoted.push(block.join("\n"));
    }
    out.new_text = new_lines.join("\n");
    out
}

fn rest_of(lines: &[&str], from: usize) -> String {
    lines.get(from..).unwrap_or_default().join("\n")
}

/// The line without its quote markers (`> > text` -> `text`), or `None` if it is not quoted.
fn strip_quote_marker(line: &str) -> Option<String> {
    let indent = line.len() - line.trim_start_matches(' ').len();
    if indent > 3 {
        return None;
    }
    let mut rest = line.get(indent..)?;
    if !rest.starts_with('>') {
        return None;
    }
    while let Some(r) = rest.strip_prefix('>') {
        rest = r.strip_prefix(' ').unwrap_or(r);
        rest = rest.trim_start_matches(' ');
    }
    Some(rest.to_string())
}

/// Index of the last line of an `On ... wrote:` attribution starting at `i`.
fn attribution_end(lines: &[&str], i: usize) -> Option<usize> {
    let first = lines.get(i)?.trim_start();
    if !first.starts_with("On ") {
        return None;
    }
    for j in i..i + ATTRIBUTION_LINES {
        let l = lines.get(j)?.trim_end();
        if l.ends_with("wrote:") || l.ends_with("writes:") {
            return Some(j);
        }
        if l.is_empty() {
            return None;
        }
    }
    None
}

fn is_separator(lines: &[&str], i: usize) -> bool {
    let Some(line) = lines.get(i) else {
        return false;
    };
    let t = line.trim();
    let lower = t.to_ascii_lowercase();
    let dashed = t.starts_with("--") || t.starts_with("__") || t.starts_with("**");
    if dashed && (lower.contains("original message") || lower.contains("forwarded message")) {
        return true;
    }
    if lower.starts_with("begin forwarded message") {
        return true;
    }
    // Outlook puts a row of underscores before its header block; the From: rule below catches
    // the block, this catches the row so it goes with it.
    if t.len() >= 20 && t.bytes().all(|b| b == b'_') {
        return lines
            .get(i + 1)
            .is_some_and(|next| outlook_header_block(lines, i + 1, next));
    }
    outlook_header_block(lines, i, line)
}

/// `From: ...` followed within a few lines by `Sent: ...` or `Date: ...`.
fn outlook_header_block(lines: &[&str], i: usize, line: &str) -> bool {
    let t = line.trim_start().trim_start_matches('*');
    if !starts_with_ci(t, "from:") {
        return false;
    }
    lines
        .iter()
        .skip(i + 1)
        .take(OUTLOOK_HEADER_LINES)
        .any(|l| {
            let l = l.trim_start().trim_start_matches('*');
            starts_with_ci(l, "sent:") || starts_with_ci(l, "date:")
        })
}

fn starts_with_ci(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gt_blocks() {
        let s = split_quoted("IN-CONFIDENCE\nMy reply\n\n> SECRET\n>> older\nmore new\n> again");
        assert_eq!(s.new_text, "IN-CONFIDENCE\nMy reply\n\nmore new");
        assert_eq!(s.quoted, vec!["SECRET\nolder", "again"]);
    }

    #[test]
    fn attribution_heads_block() {
        let s = split_quoted("ok\nOn Mon, 1 Jan 2024 at 10:00, A <\na@b> wrote:\n> RESTRICTED\n");
        assert_eq!(s.new_text, "ok");
        assert_eq!(
            s.quoted,
            vec!["On Mon, 1 Jan 2024 at 10:00, A <\na@b> wrote:\nRESTRICTED"]
        );
    }

    #[test]
    fn attribution_without_markers() {
        let s = split_quoted("ok\nOn Mon, A wrote:\nSECRET text\nmore");
        assert_eq!(s.new_text, "ok");
        assert_eq!(s.quoted, vec!["On Mon, A wrote:\nSECRET text\nmore"]);
    }

    #[test]
    fn outlook_block() {
        let text = "Thanks\n\n________________________________\nFrom: A\nSent: Monday\nTo: B\n\
                    Subject: [SECRET] x\n\nbody";
        let s = split_quoted(text);
        assert_eq!(s.new_text, "Thanks\n");
        assert!(s.quoted[0].starts_with("_____"));
        assert!(s.quoted[0].contains("[SECRET]"));
    }

    #[test]
    fn separators() {
        for sep in [
            "-----Original Message-----",
            "---------- Forwarded message ---------",
            "Begin forwarded message:",
        ] {
            let s = split_quoted(&format!("new\n{sep}\nold"));
            assert_eq!(s.new_text, "new");
            assert_eq!(s.quoted, vec![format!("{sep}\nold")]);
        }
    }

    #[test]
    fn not_quotes() {
        let s = split_quoted("From: the minister\nplain\n    > indented code");
        assert_eq!(s.quoted.len(), 0);
        assert_eq!(s.new_text, "From: the minister\nplain\n    > indented code");
    }
}
