//! OPC packaging shared by the OOXML readers (DOCX, PPTX, XLSX): content types,
//! relationships, and the property parts (`docProps/core.xml`, `docProps/custom.xml`,
//! `customXml/item*.xml`).

use crate::document::xml::{
    XmlWalk, local_name, local_of, normalise_encoding, plain_values, read_part, unescape_attribute,
};
use crate::document::zip_reader::Package;
use crate::document::{Format, PartKind};
use crate::error::ReadError;
use crate::limits::Limits;
use crate::path::{PartPath, PropertySet, Segment};
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;

/// Content types of a word-processing main part: document, macro-enabled document, template,
/// macro-enabled template.
pub(crate) const WORD_MAIN_TYPES: [&str; 4] = [
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "application/vnd.ms-word.document.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.template.main+xml",
    "application/vnd.ms-word.template.macroEnabledTemplate.main+xml",
];

/// Content types of a presentation main part: presentation, macro-enabled, template,
/// macro-enabled template, slide show, macro-enabled slide show.
pub(crate) const PRESENTATION_MAIN_TYPES: [&str; 6] = [
    "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "application/vnd.ms-powerpoint.presentation.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.template.main+xml",
    "application/vnd.ms-powerpoint.template.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml",
    "application/vnd.ms-powerpoint.slideshow.macroEnabled.main+xml",
];

/// Content types of a workbook main part: workbook, macro-enabled, template, macro-enabled
/// template. (Binary `.xlsb` workbooks are not read.)
pub(crate) const WORKBOOK_MAIN_TYPES: [&str; 4] = [
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
];

/// `[Content_Types].xml`: defaults by extension and overrides by part name (lower-cased,
/// without the leading `/`).
#[derive(Debug, Default)]
pub(crate) struct ContentTypes {
    defaults: HashMap<String, String>,
    overrides: HashMap<String, String>,
}

impl ContentTypes {
    pub(crate) fn parse(bytes: &[u8], limits: &Limits) -> Result<Self, ReadError> {
        let bytes = normalise_encoding(bytes);
        read_part(&bytes, "[Content_Types].xml", limits, |xml| {
            let mut ct = ContentTypes::default();
            loop {
                match xml.next()? {
                    Event::Start(e) | Event::Empty(e) => {
                        let content_type = xml.attr(&e, b"ContentType")?;
                        match (local_of(&e), content_type) {
                            (b"Default", Some(t)) => {
                                if let Some(ext) = xml.attr(&e, b"Extension")? {
                                    ct.defaults.insert(ext.to_ascii_lowercase(), t);
                                }
                            }
                            (b"Override", Some(t)) => {
                                if let Some(name) = xml.attr(&e, b"PartName")? {
                                    ct.overrides.insert(part_key(&name), t);
                                }
                            }
                            _ => {}
                        }
                    }
                    Event::Eof => return Ok(ct),
                    _ => {}
                }
            }
        })
    }

    /// The content type of a part: its override, else the default for its extension.
    pub(crate) fn type_of(&self, part: &str) -> Option<&str> {
        let key = part_key(part);
        if let Some(t) = self.overrides.get(&key) {
            return Some(t);
        }
        let ext = key.rsplit_once('.').map(|(_, e)| e)?;
        self.defaults.get(ext).map(String::as_str)
    }

    /// Part names with an override whose content type ends with `suffix`.
    pub(crate) fn parts_of_type(&self, suffix: &str) -> Vec<String> {
        let mut v: Vec<String> = self
            .overrides
            .iter()
            .filter(|(_, t)| t.ends_with(suffix))
            .map(|(p, _)| p.clone())
            .collect();
        v.sort();
        v
    }
}

/// Lower-cased part name without the leading `/`: OPC part names compare case-insensitively.
pub(crate) fn part_key(name: &str) -> String {
    name.trim_start_matches('/').to_ascii_lowercase()
}

/// One relationship of a part.
#[derive(Debug, Clone)]
pub(crate) struct Rel {
    pub(crate) id: String,
    /// The relationship type URI.
    pub(crate) kind: String,
    /// The target part name, resolved against the source part (empty for external targets).
    pub(crate) target: String,
}

impl Rel {
    /// Whether the type URI ends with `/name` (e.g. `header`, `officeDocument`).
    pub(crate) fn is(&self, name: &str) -> bool {
        self.kind
            .rsplit_once('/')
            .is_some_and(|(_, last)| last.eq_ignore_ascii_case(name))
    }
}

/// The relationships part of `source` (`word/document.xml` -> `word/_rels/document.xml.rels`;
/// the package itself, `""`, -> `_rels/.rels`).
pub(crate) fn rels_part_for(source: &str) -> String {
    match source.rsplit_once('/') {
        Some((dir, file)) => format!("{dir}/_rels/{file}.rels"),
        None => format!("_rels/{source}.rels"),
    }
}

/// Resolves a relationship target against its source part, per RFC 3986 path rules.
pub(crate) fn resolve_target(source: &str, target: &str) -> String {
    let (dir, target) = match target.strip_prefix('/') {
        Some(absolute) => ("", absolute),
        None => (
            source.rsplit_once('/').map(|(d, _)| d).unwrap_or(""),
            target,
        ),
    };
    // Built in place: every deck names a few hundred targets.
    let mut out = String::with_capacity(dir.len() + target.len() + 1);
    for seg in dir.split('/').chain(target.split('/')) {
        match seg {
            "" | "." => {}
            ".." => match out.rfind('/') {
                Some(at) => out.truncate(at),
                None => out.clear(),
            },
            s => {
                if !out.is_empty() {
                    out.push('/');
                }
                out.push_str(s);
            }
        }
    }
    out
}

pub(crate) fn parse_rels(
    bytes: &[u8],
    rels_part: &str,
    source: &str,
    limits: &Limits,
) -> Result<Vec<Rel>, ReadError> {
    let bytes = normalise_encoding(bytes);
    read_part(&bytes, rels_part, limits, |xml| {
        let mut rels = Vec::new();
        loop {
            match xml.next()? {
                Event::Start(e) | Event::Empty(e) if local_of(&e) == b"Relationship" => {
                    let [mode, id, kind, target] = match relationship_attrs(&e) {
                        Some(found) => found,
                        // Something is wrong with the attributes: the walk one attribute at a
                        // time finds it and says what.
                        None => [
                            xml.attr(&e, b"TargetMode")?,
                            xml.attr(&e, b"Id")?,
                            xml.attr(&e, b"Type")?,
                            xml.attr(&e, b"Target")?,
                        ],
                    };
                    let external = mode.is_some_and(|m| m.eq_ignore_ascii_case("External"));
                    let (Some(id), Some(kind), Some(target)) = (id, kind, target) else {
                        continue;
                    };
                    let target = if external {
                        String::new()
                    } else {
                        resolve_target(source, &target)
                    };
                    rels.push(Rel { id, kind, target });
                }
                Event::Eof => return Ok(rels),
                _ => {}
            }
        }
    })
}

/// A `Relationship`'s `TargetMode`, `Id`, `Type` and `Target` (the first of each local
/// name, unescaped, as [`XmlWalk::attr`] reads them) in one walk over its attributes rather
/// than four. `None` when an attribute or a value is malformed.
fn relationship_attrs(e: &BytesStart<'_>) -> Option<[Option<String>; 4]> {
    const NAMES: [&[u8]; 4] = [b"TargetMode", b"Id", b"Type", b"Target"];
    let unescape = |value: &[u8]| unescape_attribute(value).ok();
    // A plain list (every relationship part a producer writes) is read without quick-xml's
    // checked iterator, which allocates for every attribute; it reads the same values.
    if let Some(raw) = plain_values(e, NAMES) {
        let mut found: [Option<String>; 4] = Default::default();
        for (slot, value) in found.iter_mut().zip(raw) {
            if let Some(value) = value {
                *slot = Some(unescape(value)?);
            }
        }
        return Some(found);
    }
    let mut found: [Option<String>; 4] = Default::default();
    for a in e.attributes().with_checks(true) {
        let a = a.ok()?;
        let local = a.key.local_name();
        let Some(slot) = NAMES
            .iter()
            .zip(found.iter_mut())
            .find_map(|(name, slot)| (*name == local.as_ref()).then_some(slot))
        else {
            continue;
        };
        if slot.is_none() {
            *slot = Some(unescape(&a.value)?);
        }
    }
    Some(found)
}

/// The `docProps/core.xml` properties that are read, by element local name.
const CORE_PROPERTIES: [&str; 6] = [
    "title",
    "subject",
    "keywords",
    "description",
    "category",
    "contentStatus",
];

/// Reads `docProps/core.xml`: the text of the root's child elements named in
/// [`CORE_PROPERTIES`], as `(local name, text)`; empty ones are left out.
pub(crate) fn core_properties(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<Vec<(String, String)>, ReadError> {
    let properties = root_children(bytes, part, limits, |_, e| {
        let name = local_name(e);
        Ok(CORE_PROPERTIES.contains(&name.as_str()).then_some(name))
    })?;
    Ok(properties
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .collect())
}

/// Reads `docProps/custom.xml`: each `property` element's `name` and the text of its value
/// element (`vt:lpwstr`, `vt:bool`, ...), as `(name, value)`.
pub(crate) fn custom_properties(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<Vec<(String, String)>, ReadError> {
    root_children(bytes, part, limits, |xml, e| {
        if e.local_name().as_ref() != b"property" {
            return Ok(None);
        }
        Ok(Some(xml.attr(e, b"name")?.unwrap_or_default()))
    })
}

/// The text of each child of the root element that `name_of` names, as `(name, text)`, in
/// document order (an empty element has empty text).
fn root_children(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
    name_of: impl Fn(&XmlWalk, &BytesStart) -> Result<Option<String>, ReadError>,
) -> Result<Vec<(String, String)>, ReadError> {
    let bytes = normalise_encoding(bytes);
    read_part(&bytes, part, limits, |xml| {
        let mut out = Vec::new();
        let mut current: Option<(String, String)> = None;
        loop {
            let event = xml.next()?;
            match &event {
                Event::Start(e) if xml.depth() == 2 => {
                    if let Some(name) = name_of(xml, e)? {
                        current = Some((name, String::new()));
                    }
                }
                Event::Empty(e) if xml.depth() == 1 => {
                    if let Some(name) = name_of(xml, e)? {
                        out.push((name, String::new()));
                    }
                }
                Event::End(_) if xml.depth() == 1 => out.extend(current.take()),
                Event::Eof => return Ok(out),
                other => {
                    if let Some((_, text)) = current.as_mut() {
                        xml.append_text(other, text)?;
                    }
                }
            }
        }
    })
}

/// Whether a custom property (or `customXml` element) name is one that labelling tools
/// write: `MSIP_Label_*` (Microsoft Purview), `TITUS*`, Boldon James `bj*` names, or a name
/// mentioning a protective marking, classification or security label.
pub(crate) fn is_label_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let boldon_james =
        name.starts_with("bj") && name.chars().nth(2).is_some_and(|c| c.is_ascii_uppercase());
    lower.starts_with("msip_label_")
        || lower.starts_with("titus")
        || boldon_james
        || lower.contains("protective-marking")
        || lower.contains("protectivemarking")
        || lower.contains("protective marking")
        || lower.contains("protective_marking")
        || lower.contains("classification")
        || lower.contains("security")
        || lower.contains("sensitivity")
}

/// Namespaces whose `customXml` items are label metadata as a whole (Titus, Boldon James).
fn is_label_namespace(ns: &str) -> bool {
    let lower = ns.to_ascii_lowercase();
    lower.contains("titus") || lower.contains("boldonjames")
}

/// Reads a `customXml/item*.xml` part and keeps the text of elements that look like label
/// metadata (an element or ancestor with a label name, or a Titus/Boldon James namespace), as
/// `(element local name, text)`. Other custom XML (bibliography, forms) is not text of the
/// document and is dropped.
pub(crate) fn custom_xml_labels(
    bytes: &[u8],
    part: &str,
    limits: &Limits,
) -> Result<Vec<(String, String)>, ReadError> {
    let bytes = normalise_encoding(bytes);
    read_part(&bytes, part, limits, |xml| {
        let mut out = Vec::new();
        // (local name, label-ish including ancestors, text)
        let mut stack: Vec<(String, bool, String)> = Vec::new();
        loop {
            let event = xml.next()?;
            match &event {
                Event::Start(e) | Event::Empty(e) => {
                    let name = local_name(e);
                    let mut label = stack.last().is_some_and(|s| s.1) || is_label_name(&name);
                    for a in e.attributes().with_checks(false).flatten() {
                        if a.key.as_ref().starts_with(b"xmlns")
                            && is_label_namespace(&String::from_utf8_lossy(&a.value))
                        {
                            label = true;
                        }
                    }
                    if matches!(event, Event::Start(_)) {
                        stack.push((name, label, String::new()));
                    }
                }
                Event::End(_) => {
                    if let Some((name, label, text)) = stack.pop()
                        && label
                        && !text.trim().is_empty()
                    {
                        out.push((name, text));
                    }
                }
                Event::Eof => return Ok(out),
                other => {
                    if let Some((_, _, text)) = stack.last_mut() {
                        xml.append_text(other, text)?;
                    }
                }
            }
        }
    })
}

/// An opened OOXML package: the zip, its content types and its relationships.
pub(crate) struct Opc<'a> {
    pub(crate) package: Package<'a>,
    pub(crate) content_types: ContentTypes,
    pub(crate) limits: &'a Limits,
}

impl<'a> Opc<'a> {
    /// Opens the zip and reads `[Content_Types].xml`, which every OOXML package has.
    pub(crate) fn open(
        bytes: &'a [u8],
        limits: &'a Limits,
        format: Format,
    ) -> Result<Self, ReadError> {
        Self::of(Package::open(bytes, limits, format)?, limits, format)
    }

    /// Reads `[Content_Types].xml` of a package already opened (by the sniffer).
    pub(crate) fn of(
        mut package: Package<'a>,
        limits: &'a Limits,
        format: Format,
    ) -> Result<Self, ReadError> {
        let content_types = match package.read("[Content_Types].xml")? {
            Some(ct) => ContentTypes::parse(&ct, limits)?,
            None => {
                return Err(ReadError::Corrupt {
                    format,
                    location: "[Content_Types].xml".to_owned(),
                    reason: "the package has no [Content_Types].xml; not an OOXML document"
                        .to_owned(),
                });
            }
        };
        Ok(Opc {
            package,
            content_types,
            limits,
        })
    }

    /// The relationships of `source` (`""` for the package); none if it has no rels part.
    pub(crate) fn rels(&mut self, source: &str) -> Result<Vec<Rel>, ReadError> {
        let rels_part = rels_part_for(source);
        match self.package.read(&rels_part)? {
            Some(bytes) => parse_rels(&bytes, &rels_part, source, self.limits),
            None => Ok(Vec::new()),
        }
    }

    /// The package's main part (the `officeDocument` relationship, else `fallback` when the
    /// package holds it), checked to have one of `types`; an OOXML package of another kind
    /// is `Unsupported`, never read as an empty document.
    pub(crate) fn main_part(
        &mut self,
        types: &[&str],
        fallback: &str,
        what: &str,
        format: Format,
    ) -> Result<String, ReadError> {
        let rels = self.rels("")?;
        let main = rels
            .iter()
            .find(|r| r.is("officeDocument"))
            .map(|r| r.target.clone())
            .or_else(|| self.package.has(fallback).then(|| fallback.to_owned()))
            .ok_or_else(|| ReadError::Corrupt {
                format,
                location: "_rels/.rels".to_owned(),
                reason: format!("no officeDocument relationship and no {fallback}"),
            })?;
        let content_type = self.content_types.type_of(&main).unwrap_or("");
        if !types.iter().any(|t| t.eq_ignore_ascii_case(content_type)) {
            return Err(ReadError::Unsupported {
                what: format!(
                    "OOXML package whose main part has content type {content_type:?}, not {what}"
                ),
                location: main,
            });
        }
        Ok(main)
    }

    /// Reads a part that a relationship names; `Corrupt` if it is missing.
    pub(crate) fn required(&mut self, name: &str, format: Format) -> Result<Vec<u8>, ReadError> {
        self.package.read(name)?.ok_or_else(|| ReadError::Corrupt {
            format,
            location: name.to_owned(),
            reason: "the part is missing from the zip".to_owned(),
        })
    }

    /// The package's properties as parts: `property:core/<name>` ([`PartKind::CoreProperty`]),
    /// `property:custom/<name>` ([`PartKind::CustomProperty`], or [`PartKind::LabelProperty`]
    /// for a labelling tool's name), and `customxml:<item>/<element>` for label-like
    /// `customXml/item*.xml` elements. Empty values are left out by the caller.
    pub(crate) fn properties(&mut self) -> Result<Vec<(PartPath, PartKind, String)>, ReadError> {
        package_properties(&mut self.package, self.limits)
    }
}

/// The properties of an OOXML package, as [`Opc::properties`] describes.
pub(crate) fn package_properties(
    package: &mut Package<'_>,
    limits: &Limits,
) -> Result<Vec<(PartPath, PartKind, String)>, ReadError> {
    {
        let mut out = Vec::new();
        if let Some(bytes) = package.read("docProps/core.xml")? {
            for (name, value) in core_properties(&bytes, "docProps/core.xml", limits)? {
                let path = PartPath::of(Segment::Property {
                    set: PropertySet::Core,
                    name,
                });
                out.push((path, PartKind::CoreProperty, value));
            }
        }
        if let Some(bytes) = package.read("docProps/custom.xml")? {
            for (name, value) in custom_properties(&bytes, "docProps/custom.xml", limits)? {
                let kind = if is_label_name(&name) {
                    PartKind::LabelProperty
                } else {
                    PartKind::CustomProperty
                };
                let path = PartPath::of(Segment::Property {
                    set: PropertySet::Custom,
                    name,
                });
                out.push((path, kind, value));
            }
        }
        let mut items: Vec<String> = package
            .names()
            .iter()
            .filter(|n| is_custom_xml_item(n))
            .cloned()
            .collect();
        items.sort();
        for item in items {
            let Some(bytes) = package.read(&item)? else {
                continue;
            };
            let file = item.rsplit('/').next().unwrap_or(&item).to_owned();
            for (element, value) in custom_xml_labels(&bytes, &item, limits)? {
                let path = PartPath::of(Segment::CustomXml {
                    item: file.clone(),
                    element,
                });
                out.push((path, PartKind::LabelProperty, value));
            }
        }
        Ok(out)
    }
}

/// `customXml/item<N>.xml` (not `itemProps<N>.xml`, not rels).
fn is_custom_xml_item(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower
        .strip_prefix("customxml/item")
        .and_then(|rest| rest.strip_suffix(".xml"))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// RFC 3986 resolution as a list of segments: what `resolve_target` builds in place.
    fn resolve_by_segments(source: &str, target: &str) -> String {
        let path = match target.strip_prefix('/') {
            Some(absolute) => absolute.to_owned(),
            None => match source.rsplit_once('/').map(|(d, _)| d).unwrap_or("") {
                "" => target.to_owned(),
                dir => format!("{dir}/{target}"),
            },
        };
        let mut segments: Vec<&str> = Vec::new();
        for seg in path.split('/') {
            match seg {
                "" | "." => {}
                ".." => {
                    segments.pop();
                }
                s => segments.push(s),
            }
        }
        segments.join("/")
    }

    proptest! {
        #[test]
        fn targets_resolve_as_segments_do(
            source in "(a|bb|\\.|\\.\\.|/){0,8}",
            target in "(a|bb|\\.|\\.\\.|/){0,8}",
        ) {
            prop_assert_eq!(
                resolve_target(&source, &target),
                resolve_by_segments(&source, &target)
            );
        }
    }

    #[test]
    fn targets_resolve() {
        assert_eq!(
            resolve_target("word/document.xml", "header1.xml"),
            "word/header1.xml"
        );
        assert_eq!(
            resolve_target("word/document.xml", "../customXml/item1.xml"),
            "customXml/item1.xml"
        );
        assert_eq!(resolve_target("", "word/document.xml"), "word/document.xml");
        assert_eq!(
            resolve_target("word/document.xml", "/word/x.xml"),
            "word/x.xml"
        );
        assert_eq!(
            rels_part_for("word/document.xml"),
            "word/_rels/document.xml.rels"
        );
        assert_eq!(rels_part_for(""), "_rels/.rels");
    }

    #[test]
    fn relationship_attributes() {
        let rels = |body: &str| {
            let xml = format!("<Relationships>{body}</Relationships>");
            parse_rels(
                xml.as_bytes(),
                "word/_rels/document.xml.rels",
                "word/document.xml",
                &Limits::default(),
            )
        };
        let got = rels(
            r#"<Relationship Id="rId1" Type="http://x/header" Target="header1.xml"/><Relationship Target="http://e/" TargetMode="External" Type="http://x/hyperlink" Id="rId2"/><Relationship Id="rId3" Type="http://x/a&amp;b"/>"#,
        )
        .unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(
            (got[0].id.as_str(), got[0].target.as_str()),
            ("rId1", "word/header1.xml")
        );
        assert_eq!((got[1].id.as_str(), got[1].target.as_str()), ("rId2", ""));
        for bad in [
            r#"<Relationship Id="rId1" Id="rId2" Type="t" Target="a.xml"/>"#,
            r#"<Relationship Id="rId1" Type="t" Target="a&bogus.xml"/>"#,
        ] {
            assert!(matches!(rels(bad), Err(ReadError::Corrupt { .. })), "{bad}");
        }
    }

    #[test]
    fn label_names() {
        for n in [
            "MSIP_Label_1234_Name",
            "TitusGUID",
            "bjDocumentSecurityLabel",
            "bjClsUserRVM",
            "X-Protective-Marking",
            "Classification",
        ] {
            assert!(is_label_name(n), "{n}");
        }
        for n in ["description", "bjorn", "Author"] {
            assert!(!is_label_name(n), "{n}");
        }
    }
}
