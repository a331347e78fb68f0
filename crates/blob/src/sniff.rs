//! What a file really is, from its first bytes ("magic numbers").
//!
//! A small hand-written table rather than the `infer` crate, because:
//! - the allow-list is sixteen types and the table is a page, tested here;
//! - the hard case is the ISO base-media family (MP4, MOV, 3GP, M4A, HEIC/HEIF all start
//!   with an `ftyp` box), where the answer depends on the major *and* compatible brands;
//!   we want that mapping explicit and ours (a body camera's `isom` MP4, an iPhone's `qt  `
//!   MOV, a HEIC whose compatible brands include `mif1`), not a third party's guess;
//! - the result maps straight onto [`MediaType`], and recognised-but-refused formats
//!   (MKV, AVIF, GIF, ZIP, executables) get a Chinese name for the message.
//!
//! A declared type is accepted when it is the sniffed type or one the content is also
//! compatible with (an ISO file's compatible brands; an ID3 tag may prefix MP3 or AAC).

use crate::media::MediaType;

/// How many leading bytes sniffing looks at.
pub const SNIFF_LEN: usize = 4096;

/// The result of sniffing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sniffed {
    /// An allowed type; `also` lists other allowed types the content equally is.
    Allowed { primary: MediaType, also: Vec<MediaType> },
    /// A recognised format that is not allowed, by its Chinese name.
    Other(&'static str),
    /// Nothing recognised.
    Unknown,
}

impl Sniffed {
    /// Whether content sniffed so may be stored as `declared`.
    pub fn accepts(&self, declared: MediaType) -> bool {
        match self {
            Sniffed::Allowed { primary, also } => {
                std::iter::once(primary).chain(also).any(|t| same_family(*t, declared))
            }
            Sniffed::Other(_) | Sniffed::Unknown => false,
        }
    }

    /// The sniffed type, when allowed.
    pub fn primary(&self) -> Option<MediaType> {
        match self {
            Sniffed::Allowed { primary, .. } => Some(*primary),
            _ => None,
        }
    }

    /// What the content is, in Chinese, for messages.
    pub fn describe(&self) -> String {
        match self {
            Sniffed::Allowed { primary, .. } => primary.label(),
            Sniffed::Other(name) => (*name).to_owned(),
            Sniffed::Unknown => "无法识别的格式".to_owned(),
        }
    }

    fn one(t: MediaType) -> Sniffed {
        Sniffed::Allowed { primary: t, also: Vec::new() }
    }
}

/// Types the allow-list groups together, which clients name either way: HEIC and HEIF
/// (one container), M4A and AAC (one codec; a phone's `.m4a` is often sent as `audio/aac`).
fn same_family(a: MediaType, b: MediaType) -> bool {
    use MediaType::{Aac, Heic, Heif, M4a};
    a == b || matches!((a, b), (Heic, Heif) | (Heif, Heic) | (M4a, Aac) | (Aac, M4a))
}

/// Sniffs the leading bytes of a file (pass at least [`SNIFF_LEN`] when the file is that
/// long).
pub fn sniff(head: &[u8]) -> Sniffed {
    let starts = |magic: &[u8]| head.starts_with(magic);
    if starts(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::one(MediaType::Jpeg);
    }
    if starts(b"\x89PNG\r\n\x1a\n") {
        return Sniffed::one(MediaType::Png);
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return iso_bmff(head);
    }
    if starts(b"RIFF") && head.len() >= 12 {
        return match &head[8..12] {
            b"WAVE" => Sniffed::one(MediaType::Wav),
            b"WEBP" => Sniffed::one(MediaType::Webp),
            b"AVI " => Sniffed::Other("AVI 视频"),
            _ => Sniffed::Other("RIFF 文件"),
        };
    }
    if starts(&[0x1A, 0x45, 0xDF, 0xA3]) {
        return ebml(head);
    }
    if starts(b"OggS") {
        return Sniffed::one(MediaType::Ogg);
    }
    if starts(b"#!AMR") {
        return Sniffed::one(MediaType::Amr);
    }
    if starts(b"ID3") {
        // An ID3v2 tag is most often in front of MP3, sometimes of raw AAC.
        return Sniffed::Allowed { primary: MediaType::Mp3, also: vec![MediaType::Aac] };
    }
    if let Some(t) = mpeg_audio_frame(head) {
        return Sniffed::one(t);
    }
    if head[..head.len().min(1024)].windows(5).any(|w| w == b"%PDF-") {
        return Sniffed::one(MediaType::Pdf);
    }
    other(head).map_or(Sniffed::Unknown, Sniffed::Other)
}

/// ISO base media (`ftyp` box): MP4, MOV, 3GP, M4A, HEIC/HEIF, and refused AVIF.
fn iso_bmff(head: &[u8]) -> Sniffed {
    let box_len = u32::from_be_bytes([head[0], head[1], head[2], head[3]]) as usize;
    let end = box_len.clamp(12, head.len());
    let major = &head[8..12];
    let compatible = head.get(16..end).unwrap_or(&[]).chunks_exact(4).filter_map(|b| brand(b).ok().flatten());
    let mut found: Vec<MediaType> = Vec::new();
    for t in compatible {
        if !found.contains(&t) {
            found.push(t);
        }
    }
    let primary = match brand(major) {
        Err(refused) => return Sniffed::Other(refused),
        Ok(Some(t)) => t,
        Ok(None) if !found.is_empty() => found[0],
        Ok(None) => return Sniffed::Other("未知的 MP4 类容器文件"),
    };
    found.retain(|t| *t != primary);
    Sniffed::Allowed { primary, also: found }
}

/// One ISO brand: an allowed type, a refused format's name, or unknown (`Ok(None)`).
fn brand(b: &[u8]) -> Result<Option<MediaType>, &'static str> {
    let t = match b {
        b"qt  " => MediaType::QuickTime,
        b"M4A " | b"M4B " | b"M4P " => MediaType::M4a,
        b"heic" | b"heix" | b"heim" | b"heis" | b"hevc" | b"hevx" | b"hevm" | b"hevs" => MediaType::Heic,
        b"mif1" | b"msf1" | b"mif2" | b"heif" => MediaType::Heif,
        b"avif" | b"avis" => return Err("AVIF 图像"),
        b"crx " => return Err("RAW 图像"),
        b"jp2 " | b"jpx " => return Err("JPEG 2000 图像"),
        b"isom" | b"iso2" | b"iso3" | b"iso4" | b"iso5" | b"iso6" | b"iso7" | b"iso8" | b"iso9" | b"mp41" | b"mp42"
        | b"mp71" | b"avc1" | b"hvc1" | b"dash" | b"mmp4" | b"MSNV" | b"NDAS" | b"F4V " | b"XAVC" | b"M4V "
        | b"M4VH" | b"M4VP" => MediaType::Mp4,
        [b'3', b'g', _, _] | b"kddi" => MediaType::ThreeGpp,
        _ => return Ok(None),
    };
    Ok(Some(t))
}

/// EBML (Matroska family): WebM is allowed, other Matroska is not.
fn ebml(head: &[u8]) -> Sniffed {
    let window = &head[..head.len().min(64)];
    // DocType element: ID 0x4282, a one-byte size (0x80 | n), then n bytes of name.
    if let Some(at) = window.windows(2).position(|w| w == [0x42, 0x82]) {
        let rest = &window[at + 2..];
        if let Some((&size, name)) = rest.split_first() {
            let n = usize::from(size & 0x7F);
            if size & 0x80 != 0 && name.len() >= n {
                return match &name[..n] {
                    b"webm" => Sniffed::one(MediaType::Webm),
                    b"matroska" => Sniffed::Other("MKV 视频"),
                    _ => Sniffed::Other("EBML 文件"),
                };
            }
        }
    }
    Sniffed::Other("EBML 文件")
}

/// An MPEG audio frame header (MP3) or an ADTS header (raw AAC) at the start.
fn mpeg_audio_frame(head: &[u8]) -> Option<MediaType> {
    let [b0, b1, b2, ..] = *head else {
        return None;
    };
    if b0 != 0xFF || b1 & 0xE0 != 0xE0 {
        return None;
    }
    let layer = (b1 >> 1) & 0b11;
    if layer == 0 {
        // ADTS: sync 0xFFF, layer 00; sampling-frequency index 0..=12.
        return ((b1 & 0xF6) == 0xF0 && (b2 >> 2) & 0x0F <= 12).then_some(MediaType::Aac);
    }
    let version = (b1 >> 3) & 0b11;
    let bitrate = b2 >> 4;
    let rate = (b2 >> 2) & 0b11;
    (version != 0b01 && bitrate != 0x0F && rate != 0b11).then_some(MediaType::Mp3)
}

/// Refused formats worth naming in the message.
fn other(head: &[u8]) -> Option<&'static str> {
    let starts = |magic: &[u8]| head.starts_with(magic);
    let name = if starts(b"GIF87a") || starts(b"GIF89a") {
        "GIF 图像"
    } else if starts(b"II*\0") || starts(b"MM\0*") {
        "TIFF 图像"
    } else if starts(b"BM") && head.len() >= 26 && head[6..10] == [0, 0, 0, 0] {
        "BMP 图像"
    } else if starts(b"PK\x03\x04") {
        "ZIP 压缩包或 Office 文档"
    } else if starts(b"Rar!") {
        "RAR 压缩包"
    } else if starts(b"7z\xBC\xAF\x27\x1C") {
        "7z 压缩包"
    } else if starts(b"\x1F\x8B") {
        "GZIP 压缩包"
    } else if starts(b"\x7FELF") || starts(b"MZ") {
        "可执行程序"
    } else if starts(b"fLaC") {
        "FLAC 音频"
    } else if starts(&[0xD0, 0xCF, 0x11, 0xE0]) {
        "旧版 Office 文档"
    } else {
        return None;
    };
    Some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let len = 16 + 4 * compatible.len();
        let mut v = (len as u32).to_be_bytes().to_vec();
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(major);
        v.extend_from_slice(&[0, 0, 2, 0]);
        for c in compatible {
            v.extend_from_slice(*c);
        }
        v.extend_from_slice(&[0, 0, 0, 8, b'f', b'r', b'e', b'e']);
        v
    }

    #[test]
    fn photos() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]).primary(), Some(MediaType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").primary(), Some(MediaType::Png));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 ").primary(), Some(MediaType::Webp));
        let heic = sniff(&ftyp(b"heic", &[b"mif1", b"heic"]));
        assert_eq!(heic.primary(), Some(MediaType::Heic));
        assert!(heic.accepts(MediaType::Heif));
        assert_eq!(sniff(&ftyp(b"avif", &[b"mif1"])), Sniffed::Other("AVIF 图像"));
    }

    #[test]
    fn iso_video_and_audio() {
        let mp4 = sniff(&ftyp(b"isom", &[b"isom", b"iso2", b"avc1", b"mp41"]));
        assert_eq!(mp4.primary(), Some(MediaType::Mp4));
        assert!(!mp4.accepts(MediaType::QuickTime));
        assert_eq!(sniff(&ftyp(b"qt  ", &[b"qt  "])).primary(), Some(MediaType::QuickTime));
        let tgp = sniff(&ftyp(b"3gp4", &[b"isom", b"3gp4"]));
        assert_eq!(tgp.primary(), Some(MediaType::ThreeGpp));
        assert!(tgp.accepts(MediaType::Mp4));
        let m4a = sniff(&ftyp(b"M4A ", &[b"M4A ", b"mp42", b"isom"]));
        assert_eq!(m4a.primary(), Some(MediaType::M4a));
        assert!(m4a.accepts(MediaType::Aac));
        assert!(!m4a.accepts(MediaType::Mp3));
        assert!(sniff(&ftyp(b"heic", &[])).accepts(MediaType::Heif));
        // An unknown major brand falls back to the first known compatible one.
        assert_eq!(sniff(&ftyp(b"zzzz", &[b"mp42"])).primary(), Some(MediaType::Mp4));
    }

    #[test]
    fn audio() {
        assert_eq!(sniff(b"ID3\x04\0\0\0\0\0\0").primary(), Some(MediaType::Mp3));
        assert_eq!(sniff(&[0xFF, 0xFB, 0x90, 0x64]).primary(), Some(MediaType::Mp3));
        assert_eq!(sniff(&[0xFF, 0xF1, 0x50, 0x80]).primary(), Some(MediaType::Aac));
        assert_eq!(sniff(b"RIFF\0\0\0\0WAVEfmt ").primary(), Some(MediaType::Wav));
        assert_eq!(sniff(b"#!AMR\n").primary(), Some(MediaType::Amr));
        assert_eq!(sniff(b"#!AMR-WB\n").primary(), Some(MediaType::Amr));
        assert_eq!(sniff(b"OggS\0\x02").primary(), Some(MediaType::Ogg));
    }

    #[test]
    fn matroska_family() {
        let doc = |name: &[u8]| {
            let mut v = vec![0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82];
            v.push(0x80 | name.len() as u8);
            v.extend_from_slice(name);
            v
        };
        assert_eq!(sniff(&doc(b"webm")).primary(), Some(MediaType::Webm));
        assert_eq!(sniff(&doc(b"matroska")), Sniffed::Other("MKV 视频"));
    }

    #[test]
    fn documents_and_refusals() {
        assert_eq!(sniff(b"%PDF-1.7\n").primary(), Some(MediaType::Pdf));
        assert_eq!(sniff(b"\xEF\xBB\xBF%PDF-1.4").primary(), Some(MediaType::Pdf));
        assert_eq!(sniff(b"PK\x03\x04rest"), Sniffed::Other("ZIP 压缩包或 Office 文档"));
        assert_eq!(sniff(b"GIF89a"), Sniffed::Other("GIF 图像"));
        assert_eq!(sniff(b"\x7FELF\x02"), Sniffed::Other("可执行程序"));
        assert_eq!(sniff(b"hello, world"), Sniffed::Unknown);
        assert_eq!(sniff(b""), Sniffed::Unknown);
        assert_eq!(sniff(b"hello").describe(), "无法识别的格式");
    }
}
