//! Hand-built PPTX, XLSX and Outlook .msg fixtures for the hostile corpus and the bench:
//! the smallest packages the readers accept, with the XML of the parts given.

use super::{RawEntry, raw_zip};

const P_NS: &str = r#"xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

fn rels(items: &[(&str, &str, String)]) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
    );
    for (id, kind, target) in items {
        s.push_str(&format!(
            r#"<Relationship Id="{id}" Type="{REL}/{kind}" Target="{target}"/>"#
        ));
    }
    s + "</Relationships>"
}

fn types(overrides: &[(String, &str)]) -> String {
    let mut s = String::from(
        r#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>"#,
    );
    for (part, t) in overrides {
        s.push_str(&format!(
            r#"<Override PartName="/{part}" ContentType="{t}"/>"#
        ));
    }
    s + "</Types>"
}

/// A text box at `y` (EMU) holding `lines`, one paragraph each.
pub fn text_box(y: i64, lines: &[&str]) -> String {
    let paras: String = lines
        .iter()
        .map(|l| format!("<a:p><a:r><a:t>{l}</a:t></a:r></a:p>"))
        .collect();
    format!(
        r#"<p:sp><p:nvSpPr><p:cNvPr id="2" name="t"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="0" y="{y}"/><a:ext cx="9000000" cy="400000"/></a:xfrm></p:spPr><p:txBody><a:bodyPr/><a:p/>{paras}</p:txBody></p:sp>"#
    )
}

/// A footer placeholder holding `text`.
pub fn footer(text: &str) -> String {
    format!(
        r#"<p:sp><p:nvSpPr><p:cNvPr id="3" name="f"/><p:cNvSpPr/><p:nvPr><p:ph type="ftr" idx="11"/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:p><a:r><a:t>{text}</a:t></a:r></a:p></p:txBody></p:sp>"#
    )
}

fn tree(root: &str, shapes: &str) -> String {
    format!(
        r#"<?xml version="1.0"?><p:{root} {P_NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>{shapes}</p:spTree></p:cSld></p:{root}>"#
    )
}

/// The entries of a PPTX whose master draws `master` and whose slides hold the given
/// shapes; `slide` replaces slide 1's entry (a bomb, say) when given.
pub fn pptx_entries(master: &str, slides: &[String], slide: Option<RawEntry>) -> Vec<RawEntry> {
    let pml = "application/vnd.openxmlformats-officedocument.presentationml";
    let mut overrides = vec![
        (
            "ppt/presentation.xml".to_owned(),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
        ),
        (
            "ppt/slideMasters/slideMaster1.xml".to_owned(),
            "application/vnd.openxmlformats-officedocument.presentationml.slideMaster+xml",
        ),
        (
            "ppt/slideLayouts/slideLayout1.xml".to_owned(),
            "application/vnd.openxmlformats-officedocument.presentationml.slideLayout+xml",
        ),
    ];
    let _ = pml;
    let mut ids = String::new();
    let mut pres_rels = vec![(
        "rIdM",
        "slideMaster",
        "slideMasters/slideMaster1.xml".to_owned(),
    )];
    let names: Vec<String> = (1..=slides.len()).map(|n| format!("rId{n}")).collect();
    for (i, name) in names.iter().enumerate() {
        ids.push_str(&format!(r#"<p:sldId id="{}" r:id="{name}"/>"#, 256 + i));
        overrides.push((
            format!("ppt/slides/slide{}.xml", i + 1),
            "application/vnd.openxmlformats-officedocument.presentationml.slide+xml",
        ));
    }
    for (i, name) in names.iter().enumerate() {
        pres_rels.push((name.as_str(), "slide", format!("slides/slide{}.xml", i + 1)));
    }
    let presentation = format!(
        r#"<?xml version="1.0"?><p:presentation {P_NS}><p:sldMasterIdLst><p:sldMasterId id="2147483648" r:id="rIdM"/></p:sldMasterIdLst><p:sldIdLst>{ids}</p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/></p:presentation>"#
    );
    let master_xml = tree("sldMaster", master).replace(
        "</p:cSld>",
        r#"</p:cSld><p:sldLayoutIdLst><p:sldLayoutId id="2147483649" r:id="rId1"/></p:sldLayoutIdLst>"#,
    );
    let mut entries = vec![
        RawEntry::stored("[Content_Types].xml", types(&overrides).as_bytes()),
        RawEntry::stored(
            "_rels/.rels",
            rels(&[("rId1", "officeDocument", "ppt/presentation.xml".into())]).as_bytes(),
        ),
        RawEntry::stored("ppt/presentation.xml", presentation.as_bytes()),
        RawEntry::stored(
            "ppt/_rels/presentation.xml.rels",
            rels(&pres_rels).as_bytes(),
        ),
        RawEntry::stored("ppt/slideMasters/slideMaster1.xml", master_xml.as_bytes()),
        RawEntry::stored(
            "ppt/slideMasters/_rels/slideMaster1.xml.rels",
            rels(&[(
                "rId1",
                "slideLayout",
                "../slideLayouts/slideLayout1.xml".into(),
            )])
            .as_bytes(),
        ),
        RawEntry::stored(
            "ppt/slideLayouts/slideLayout1.xml",
            tree("sldLayout", "").as_bytes(),
        ),
        RawEntry::stored(
            "ppt/slideLayouts/_rels/slideLayout1.xml.rels",
            rels(&[(
                "rId1",
                "slideMaster",
                "../slideMasters/slideMaster1.xml".into(),
            )])
            .as_bytes(),
        ),
    ];
    let mut slide = slide;
    for (i, shapes) in slides.iter().enumerate() {
        let name = format!("ppt/slides/slide{}.xml", i + 1);
        let entry = match slide.take() {
            Some(e) if i == 0 => RawEntry {
                name: name.clone(),
                ..e
            },
            _ => RawEntry::stored(&name, tree("sld", shapes).as_bytes()),
        };
        entries.push(entry);
        entries.push(RawEntry::stored(
            &format!("ppt/slides/_rels/slide{}.xml.rels", i + 1),
            rels(&[(
                "rId1",
                "slideLayout",
                "../slideLayouts/slideLayout1.xml".into(),
            )])
            .as_bytes(),
        ));
    }
    entries
}

/// A PPTX, entries stored.
pub fn pptx(master: &str, slides: &[String]) -> Vec<u8> {
    raw_zip(&pptx_entries(master, slides, None))
}

/// The entries of an XLSX with these sheets (name, `sheetData` inner XML, `headerFooter`
/// inner XML) and shared strings; `shared_entry` replaces the shared strings part when given.
pub fn xlsx_entries(
    sheets: &[(String, String, String)],
    shared: &[String],
    shared_entry: Option<RawEntry>,
) -> Vec<RawEntry> {
    let mut overrides = vec![
        (
            "xl/workbook.xml".to_owned(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
        ),
        (
            "xl/sharedStrings.xml".to_owned(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml",
        ),
    ];
    let mut list = String::new();
    let mut wb_rels = vec![(
        "rIdS".to_owned(),
        "sharedStrings",
        "sharedStrings.xml".to_owned(),
    )];
    for (i, (name, _, _)) in sheets.iter().enumerate() {
        list.push_str(&format!(
            r#"<sheet name="{name}" sheetId="{}" r:id="rId{}"/>"#,
            i + 1,
            i + 1
        ));
        wb_rels.push((
            format!("rId{}", i + 1),
            "worksheet",
            format!("worksheets/sheet{}.xml", i + 1),
        ));
        overrides.push((
            format!("xl/worksheets/sheet{}.xml", i + 1),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml",
        ));
    }
    let ns = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships""#;
    let workbook =
        format!(r#"<?xml version="1.0"?><workbook {ns}><sheets>{list}</sheets></workbook>"#);
    let strings: String = shared
        .iter()
        .map(|s| format!("<si><t>{s}</t></si>"))
        .collect();
    let shared_xml = format!(
        r#"<?xml version="1.0"?><sst {ns} count="{0}" uniqueCount="{0}">{strings}</sst>"#,
        shared.len()
    );
    let wb_rels: Vec<(&str, &str, String)> = wb_rels
        .iter()
        .map(|(a, b, c)| (a.as_str(), *b, c.clone()))
        .collect();
    let mut entries = vec![
        RawEntry::stored("[Content_Types].xml", types(&overrides).as_bytes()),
        RawEntry::stored(
            "_rels/.rels",
            rels(&[("rId1", "officeDocument", "xl/workbook.xml".into())]).as_bytes(),
        ),
        RawEntry::stored("xl/workbook.xml", workbook.as_bytes()),
        RawEntry::stored("xl/_rels/workbook.xml.rels", rels(&wb_rels).as_bytes()),
        match shared_entry {
            Some(e) => RawEntry {
                name: "xl/sharedStrings.xml".into(),
                ..e
            },
            None => RawEntry::stored("xl/sharedStrings.xml", shared_xml.as_bytes()),
        },
    ];
    for (i, (_, data, hf)) in sheets.iter().enumerate() {
        let xml = format!(
            r#"<?xml version="1.0"?><worksheet {ns}><sheetData>{data}</sheetData><headerFooter>{hf}</headerFooter></worksheet>"#
        );
        entries.push(RawEntry::stored(
            &format!("xl/worksheets/sheet{}.xml", i + 1),
            xml.as_bytes(),
        ));
    }
    entries
}

/// An Outlook message with this subject and plain body, written with cfb; `cycle` makes the
/// subject's directory entry its own left sibling (a loop in the directory tree).
pub fn msg(subject: &str, body: &str, cycle: bool) -> Vec<u8> {
    msg_with_headers(subject, body, None, cycle)
}

/// An Outlook message as [`msg`] writes it, with these internet transport headers
/// (`PidTagTransportMessageHeaders`, an RFC 5322 header block) when given.
pub fn msg_with_headers(subject: &str, body: &str, headers: Option<&str>, cycle: bool) -> Vec<u8> {
    use std::io::Write;
    let mut cf = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("cfb");
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
    let mut props = vec![0u8; 32];
    props.extend([0u8; 16]);
    let mut streams = vec![
        ("/__properties_version1.0", props),
        ("/__substg1.0_0037001F", utf16(subject)),
        ("/__substg1.0_1000001F", utf16(body)),
        ("/__substg1.0_001A001F", utf16("IPM.Note")),
    ];
    if let Some(h) = headers {
        streams.push(("/__substg1.0_007D001F", utf16(h)));
    }
    for (name, data) in streams {
        let mut s = cf.create_stream(name).expect("stream");
        s.write_all(&data).expect("write");
    }
    let mut bytes = cf.into_inner().into_inner();
    if cycle {
        let name = utf16("__substg1.0_0037001F");
        let root = memchr::memmem::find(&bytes, &utf16("Root Entry")).expect("root entry");
        let at = memchr::memmem::find(&bytes, &name).expect("subject entry");
        let id = u32::try_from((at - root) / 128).expect("id");
        bytes[at + 68..at + 72].copy_from_slice(&id.to_le_bytes());
    }
    bytes
}
