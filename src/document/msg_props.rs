//! Outlook message properties (MS-OXMSG): the fixed-size values of a
//! `__properties_version1.0` stream, the names of property streams, and string decoding by
//! Windows code page.

/// `PidTagSubject`.
pub(crate) const SUBJECT: u16 = 0x0037;
/// `PidTagMessageClass`.
pub(crate) const MESSAGE_CLASS: u16 = 0x001A;
/// `PidTagTransportMessageHeaders`.
pub(crate) const TRANSPORT_HEADERS: u16 = 0x007D;
/// `PidTagBody`.
pub(crate) const BODY: u16 = 0x1000;
/// `PidTagRtfCompressed`.
pub(crate) const RTF_COMPRESSED: u16 = 0x1009;
/// `PidTagHtml` (`PidTagBodyHtml`).
pub(crate) const HTML: u16 = 0x1013;
/// `PidTagAttachDataBinary` / `PidTagAttachDataObject`.
pub(crate) const ATTACH_DATA: u16 = 0x3701;
/// `PidTagAttachLongFilename`, `PidTagAttachFilename`, `PidTagDisplayName`.
pub(crate) const ATTACH_NAMES: [u16; 3] = [0x3707, 0x3704, 0x3001];
/// `PidTagAttachMimeTag`.
pub(crate) const ATTACH_MIME: u16 = 0x370E;
/// `PidTagInternetCodepage`.
pub(crate) const INTERNET_CPID: u16 = 0x3FDE;
/// `PidTagMessageCodepage`.
pub(crate) const MESSAGE_CODEPAGE: u16 = 0x3FFD;

/// Property types of the streams read.
pub(crate) const PT_UNICODE: u16 = 0x001F;
pub(crate) const PT_STRING8: u16 = 0x001E;
pub(crate) const PT_BINARY: u16 = 0x0102;
pub(crate) const PT_OBJECT: u16 = 0x000D;
const PT_LONG: u16 = 0x0003;

/// The stream (or storage) name of a property: `__substg1.0_0037001F`.
pub(crate) fn stream_name(id: u16, kind: u16) -> String {
    format!("__substg1.0_{id:04X}{kind:04X}")
}

/// The 32-bit integer properties of a property stream, by id. `header` is the stream's
/// header length: 32 for the top-level message, 24 for an embedded message, 8 for an
/// attachment or recipient.
pub(crate) fn long_properties(stream: &[u8], header: usize) -> Vec<(u16, u32)> {
    let Some(entries) = stream.get(header..) else {
        return Vec::new();
    };
    entries
        .chunks_exact(16)
        .filter_map(|e| {
            let tag = u32::from_le_bytes(e.get(0..4)?.try_into().ok()?);
            let value = u32::from_le_bytes(e.get(8..12)?.try_into().ok()?);
            let (id, kind) = ((tag >> 16) as u16, (tag & 0xFFFF) as u16);
            (kind == PT_LONG).then_some((id, value))
        })
        .collect()
}

/// The encoding of a Windows code page, for the code pages Outlook writes; `None` for
/// others (the caller falls back to Windows-1252, which keeps ASCII markings readable).
pub(crate) fn encoding_for_codepage(cp: u16) -> Option<&'static encoding_rs::Encoding> {
    let label = match cp {
        874 | 1250..=1258 => format!("windows-{cp}"),
        932 => "shift_jis".to_owned(),
        936 => "gbk".to_owned(),
        949 => "euc-kr".to_owned(),
        950 => "big5".to_owned(),
        1200 => "utf-16le".to_owned(),
        1201 => "utf-16be".to_owned(),
        20866 => "koi8-r".to_owned(),
        21866 => "koi8-u".to_owned(),
        28591..=28606 => format!("iso-8859-{}", cp - 28590),
        50220..=50222 => "iso-2022-jp".to_owned(),
        51932 | 20932 => "euc-jp".to_owned(),
        54936 => "gb18030".to_owned(),
        65001 => "utf-8".to_owned(),
        20127 => "us-ascii".to_owned(),
        _ => return None,
    };
    encoding_rs::Encoding::for_label(label.as_bytes())
}

/// Decodes a string property: UTF-16LE for `PT_UNICODE`, the code page otherwise; trailing
/// NULs dropped.
pub(crate) fn decode_string(bytes: &[u8], kind: u16, codepage: Option<u16>) -> String {
    let s = if kind == PT_UNICODE {
        crate::document::decode_utf16(bytes, u16::from_le_bytes)
    } else {
        let encoding = codepage
            .and_then(encoding_for_codepage)
            .unwrap_or(encoding_rs::WINDOWS_1252);
        // A message may claim UTF-8 for its internet body while its ANSI strings are not.
        let encoding = if encoding == encoding_rs::UTF_8 && std::str::from_utf8(bytes).is_err() {
            encoding_rs::WINDOWS_1252
        } else {
            encoding
        };
        encoding.decode(bytes).0.into_owned()
    };
    s.trim_end_matches('\0').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codepages_and_strings() {
        assert_eq!(encoding_for_codepage(1251), Some(encoding_rs::WINDOWS_1251));
        assert_eq!(encoding_for_codepage(950), Some(encoding_rs::BIG5));
        assert_eq!(decode_string(b"\xcf\xf0\0", PT_STRING8, Some(1251)), "Пр");
        assert_eq!(decode_string(b"S\0E\0\0\0", PT_UNICODE, None), "SE");
        assert_eq!(stream_name(SUBJECT, PT_UNICODE), "__substg1.0_0037001F");
    }
}
