//! Fixture builders shared by the document tests and the bench: docx-rs documents, a raw zip
//! writer (for containers the zip crate would refuse to write), a hand-made deflate stream
//! of spaces (so a 200 MiB bomb costs nothing to build), and lopdf-written PDFs.
#![allow(dead_code)]

pub mod office;

use std::io::{Cursor, Read, Write};

pub const W_NS: &str = r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;

/// Path of a third-party corpus file, next to the checkout.
pub fn corpus(rel: &str) -> String {
    format!(
        "{}/../shared/corpus/third_party/{rel}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Asserts that the corpus folder `dir` holds exactly the files `names` lists (besides
/// manifests), so a new corpus file cannot go unchecked.
pub fn assert_corpus_listed<'a>(dir: &str, names: impl Iterator<Item = &'a str>) {
    let base = corpus(dir);
    let mut on_disk: Vec<String> = std::fs::read_dir(&base)
        .unwrap_or_else(|e| panic!("corpus directory {base} missing: {e}"))
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|n| !n.ends_with(".tsv"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = names.map(str::to_owned).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "corpus {dir} and the expectation table differ"
    );
}

/// Runs `soffice --headless --convert-to TO` on `inputs` into `outdir`, one conversion at a
/// time (concurrent instances fight over their profile). A missing soffice fails, naming
/// scripts/setup.sh, so CI cannot pass without LibreOffice.
pub fn soffice(to: &str, inputs: &[std::path::PathBuf], outdir: &std::path::Path) {
    static SOFFICE: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _serial = SOFFICE.lock().unwrap_or_else(|e| e.into_inner());
    let profile = format!(
        "-env:UserInstallation=file:///tmp/protective-marking-lo-{}",
        std::process::id()
    );
    let output = std::process::Command::new("soffice")
        .arg("--headless")
        .arg(&profile)
        .args(["--convert-to", to, "--outdir"])
        .arg(outdir)
        .args(inputs)
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run soffice ({e}). Install LibreOffice Writer, Impress and Calc: \
                 scripts/setup.sh"
            )
        });
    assert!(
        output.status.success(),
        "soffice --convert-to {to} failed (scripts/setup.sh installs Writer, Impress and \
         Calc): {}",
        String::from_utf8_lossy(&output.stderr)
    );
}

pub fn corpus_bytes(rel: &str) -> Vec<u8> {
    let path = corpus(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read corpus file {path}: {e}"))
}

/// Packs a docx-rs document (docx-rs writes entries Stored).
pub fn pack(docx: docx_rs::Docx) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    docx.build().pack(&mut buf).expect("docx-rs pack");
    buf.into_inner()
}

pub fn para(text: &str) -> docx_rs::Paragraph {
    docx_rs::Paragraph::new().add_run(docx_rs::Run::new().add_text(text))
}

/// Re-zips every entry of `zip` with deflate, as Word does.
pub fn deflated(zip: &[u8]) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("zip");
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().to_owned();
        let mut data = Vec::new();
        file.read_to_end(&mut data).expect("read");
        out.start_file(name, options).expect("start");
        out.write_all(&data).expect("write");
    }
    out.finish().expect("finish").into_inner()
}

pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// One entry for [`raw_zip`]: stored (method 0) or pre-deflated (method 8) data.
#[derive(Clone)]
pub struct RawEntry {
    pub name: String,
    pub method: u16,
    pub data: Vec<u8>,
    pub crc: u32,
    pub size: u32,
}

impl RawEntry {
    pub fn stored(name: &str, data: &[u8]) -> Self {
        RawEntry {
            name: name.to_owned(),
            method: 0,
            data: data.to_vec(),
            crc: crc32(data),
            size: data.len() as u32,
        }
    }

    /// `prefix`, `spaces` spaces, `suffix`, deflated (ratio about 159:1). Past 4 MiB the CRC
    /// is left 0: a reader that respects its limits never reaches the end to check it.
    pub fn spaces(name: &str, prefix: &str, spaces: u64, suffix: &str) -> Self {
        let total = prefix.len() as u64 + spaces + suffix.len() as u64;
        let crc = if total <= 4 * 1024 * 1024 {
            let mut plain = prefix.as_bytes().to_vec();
            plain.extend(std::iter::repeat_n(b' ', spaces as usize));
            plain.extend(suffix.as_bytes());
            crc32(&plain)
        } else {
            0
        };
        RawEntry {
            name: name.to_owned(),
            method: 8,
            data: deflate_spaces(prefix.as_bytes(), spaces, suffix.as_bytes()),
            crc,
            size: u32::try_from(total).unwrap_or(u32::MAX),
        }
    }
}

/// Writes a zip file by hand (local headers, central directory, end record).
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let header = |sig: u32, central: bool| {
            let mut h = Vec::new();
            h.extend(sig.to_le_bytes());
            if central {
                h.extend(20u16.to_le_bytes()); // version made by
            }
            h.extend(20u16.to_le_bytes()); // version needed
            h.extend(0u16.to_le_bytes()); // flags
            h.extend(e.method.to_le_bytes());
            h.extend(0u32.to_le_bytes()); // time, date
            h.extend(e.crc.to_le_bytes());
            h.extend((e.data.len() as u32).to_le_bytes());
            h.extend(e.size.to_le_bytes());
            h.extend((e.name.len() as u16).to_le_bytes());
            h.extend(0u16.to_le_bytes()); // extra
            if central {
                h.extend([0u8; 6]); // comment len, disk, internal attrs
                h.extend(0u32.to_le_bytes()); // external attrs
                h.extend(offset.to_le_bytes());
            }
            h.extend(e.name.as_bytes());
            h
        };
        out.extend(header(0x0403_4b50, false));
        out.extend(&e.data);
        central.extend(header(0x0201_4b50, true));
    }
    let cd_offset = out.len() as u32;
    out.extend(&central);
    out.extend(0x0605_4b50u32.to_le_bytes());
    out.extend([0u8; 4]);
    let n = entries.len().min(0xFFFF) as u16;
    out.extend(n.to_le_bytes());
    out.extend(n.to_le_bytes());
    out.extend((central.len() as u32).to_le_bytes());
    out.extend(cd_offset.to_le_bytes());
    out.extend(0u16.to_le_bytes());
    out
}

struct Bits {
    out: Vec<u8>,
    acc: u64,
    n: u32,
}

impl Bits {
    fn put(&mut self, value: u32, len: u32) {
        self.acc |= u64::from(value) << self.n;
        self.n += len;
        while self.n >= 8 {
            self.out.push(self.acc as u8);
            self.acc >>= 8;
            self.n -= 8;
        }
    }

    /// Huffman codes go most significant bit first.
    fn code(&mut self, code: u32, len: u32) {
        let mut rev = 0;
        for i in 0..len {
            rev |= ((code >> i) & 1) << (len - 1 - i);
        }
        self.put(rev, len);
    }

    fn literal(&mut self, b: u8) {
        if b < 144 {
            self.code(0x30 + u32::from(b), 8);
        } else {
            self.code(0x190 + u32::from(b - 144), 9);
        }
    }
}

/// A raw deflate stream (one fixed-Huffman block): `prefix`, `spaces` spaces, `suffix`.
/// Spaces after the first are length-258/distance-1 matches: 13 bits per 258 bytes.
pub fn deflate_spaces(prefix: &[u8], spaces: u64, suffix: &[u8]) -> Vec<u8> {
    let mut bits = Bits {
        out: Vec::new(),
        acc: 0,
        n: 0,
    };
    bits.put(1, 1); // BFINAL
    bits.put(1, 2); // fixed Huffman
    for &b in prefix {
        bits.literal(b);
    }
    if spaces > 0 {
        bits.literal(b' ');
        let mut left = spaces - 1;
        while left >= 258 {
            bits.code(0b1100_0101, 8); // length code 285 = 258
            bits.code(0, 5); // distance 1
            left -= 258;
        }
        for _ in 0..left {
            bits.literal(b' ');
        }
    }
    for &b in suffix {
        bits.literal(b);
    }
    bits.code(0, 7); // end of block
    bits.put(0, 7); // flush
    bits.out
}

/// Minimal package parts around a given `word/document.xml` and extra stored entries.
pub fn docx_with(document_xml: RawEntry, extra: Vec<RawEntry>, extra_types: &str) -> Vec<u8> {
    let types = format!(
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>{extra_types}</Types>"#
    );
    let rels = r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#;
    let mut entries = vec![
        RawEntry::stored("[Content_Types].xml", types.as_bytes()),
        RawEntry::stored("_rels/.rels", rels.as_bytes()),
        document_xml,
    ];
    entries.extend(extra);
    raw_zip(&entries)
}

/// A `word/document.xml` with these body paragraphs.
pub fn document_xml(body: &str) -> String {
    format!(r#"<?xml version="1.0"?><w:document {W_NS}><w:body>{body}</w:body></w:document>"#)
}

/// A PDF written with lopdf: `pages` pages, each with a header line, body lines and a
/// footer line; Info Title as UTF-16BE and Subject in PDFDocEncoding; an XMP packet.
pub fn pdf(pages: u32, header: &str) -> Vec<u8> {
    let pages: Vec<Vec<String>> = (1..=pages)
        .map(|n| {
            let mut lines = vec![header.to_owned()];
            lines.extend(
                (0..20).map(|i| format!("Body line {i} of page {n}, some ordinary words.")),
            );
            lines.push(format!("{header} // page {n}"));
            lines
        })
        .collect();
    pdf_document(&pages, Some(header))
}

/// A PDF written with lopdf whose pages hold `pages`' lines, top to bottom, and no
/// metadata.
pub fn pdf_lines(pages: &[&[&str]]) -> Vec<u8> {
    let pages: Vec<Vec<String>> = pages
        .iter()
        .map(|p| p.iter().map(|l| l.to_string()).collect())
        .collect();
    pdf_document(&pages, None)
}

/// The PDF of [`pdf`] and [`pdf_lines`]: one text line per entry, drawn top to bottom; with
/// `header`, the Info and XMP metadata say it too.
fn pdf_document(pages: &[Vec<String>], header: Option<&str>) -> Vec<u8> {
    use lopdf::content::{Content, Operation};
    use lopdf::{Document, Object, Stream, StringFormat, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages_id = doc.new_object_id();
    let font_id = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
        "Encoding" => "WinAnsiEncoding",
    });
    let resources_id = doc.add_object(dictionary! { "Font" => dictionary! { "F1" => font_id } });
    let mut kids = Vec::new();
    for lines in pages {
        let mut ops = Vec::new();
        let step = 760 / (lines.len().max(1) as i64);
        for (i, text) in lines.iter().enumerate() {
            ops.extend([
                Operation::new("BT", vec![]),
                Operation::new("Tf", vec!["F1".into(), 12.into()]),
                Operation::new("Td", vec![72.into(), (800 - i as i64 * step).into()]),
                Operation::new("Tj", vec![Object::string_literal(text.as_str())]),
                Operation::new("ET", vec![]),
            ]);
        }
        let content = Content { operations: ops };
        let content_id = doc.add_object(Stream::new(
            dictionary! {},
            content.encode().expect("encode"),
        ));
        let page_id = doc.add_object(dictionary! {
            "Type" => "Page", "Parent" => pages_id, "Contents" => content_id,
        });
        kids.push(page_id.into());
    }
    doc.objects.insert(
        pages_id,
        Object::Dictionary(dictionary! {
            "Type" => "Pages", "Kids" => kids, "Count" => pages.len() as i64,
            "Resources" => resources_id,
            "MediaBox" => vec![0.into(), 0.into(), 595.into(), 842.into()],
        }),
    );
    let mut catalog = dictionary! { "Type" => "Catalog", "Pages" => pages_id };
    if let Some(header) = header {
        let xmp = format!(
            r#"<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description xmlns:pdf="http://ns.adobe.com/pdf/1.3/" pdf:Keywords="{header}"/></rdf:RDF></x:xmpmeta><?xpacket end="w"?>"#
        );
        let xmp_id = doc.add_object(Stream::new(
            dictionary! { "Type" => "Metadata", "Subtype" => "XML" },
            xmp.into_bytes(),
        ));
        catalog.set("Metadata", xmp_id);
        let title: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain(
                format!("Title {header}")
                    .encode_utf16()
                    .flat_map(u16::to_be_bytes),
            )
            .collect();
        let info_id = doc.add_object(dictionary! {
            "Title" => Object::String(title, StringFormat::Hexadecimal),
            "Subject" => Object::string_literal(header),
        });
        doc.trailer.set("Info", info_id);
    }
    let catalog_id = doc.add_object(catalog);
    doc.trailer.set("Root", catalog_id);
    doc.compress();
    let mut buf = Vec::new();
    doc.save_to(&mut buf).expect("save pdf");
    buf
}

/// Base64 with CRLF line breaks every 76 characters, for hand-made MIME.
pub fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len() * 4 / 3 + data.len() / 38 + 4);
    for (i, chunk) in data.chunks(3).enumerate() {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            out.push(if k <= chunk.len() {
                T[((n >> (18 - 6 * k)) & 63) as usize] as char
            } else {
                '='
            });
        }
        if i % 19 == 18 {
            out.push_str("\r\n");
        }
    }
    out
}

/// A PDF written by hand (for shapes lopdf would not write), with the cross-reference table
/// computed from `objects` (object 1 is the catalog).
pub fn hand_pdf(objects: &[String]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for o in offsets {
        out.extend(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// The part of `doc` at `location`; panics listing every location when there is none.
pub fn part<'a>(
    doc: &'a protective_marking::document::Document,
    location: &str,
) -> &'a protective_marking::document::Part {
    doc.parts
        .iter()
        .find(|p| p.path == location)
        .unwrap_or_else(|| {
            let all: Vec<String> = doc.parts.iter().map(|p| p.path.to_string()).collect();
            panic!("no part {location}; parts: {all:?}")
        })
}
