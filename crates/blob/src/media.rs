//! The media types evidence may have: the allow-list, the MIME names a client may declare
//! for each (with the aliases browsers and phones actually send), and the Chinese labels
//! used in messages.
//!
//! A type is on the list because officers produce it (photos, body-camera video, voice
//! recorders, scanned paper records); anything else is refused at declaration time.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// What kind of evidence a media type carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Photo,
    Video,
    Audio,
    Document,
}

/// One allowed media type. Serialized as its canonical MIME name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MediaType {
    Jpeg,
    Png,
    Heic,
    Heif,
    Webp,
    Mp4,
    QuickTime,
    Webm,
    ThreeGpp,
    Mp3,
    M4a,
    Aac,
    Wav,
    Amr,
    Ogg,
    Pdf,
}

impl MediaType {
    /// Every allowed type, in the order the refusal message lists them.
    pub const ALL: [MediaType; 16] = [
        Self::Jpeg,
        Self::Png,
        Self::Heic,
        Self::Heif,
        Self::Webp,
        Self::Mp4,
        Self::QuickTime,
        Self::Webm,
        Self::ThreeGpp,
        Self::Mp3,
        Self::M4a,
        Self::Aac,
        Self::Wav,
        Self::Amr,
        Self::Ogg,
        Self::Pdf,
    ];

    /// The canonical MIME name (what `get` reports and HTTP serves).
    pub fn mime(self) -> &'static str {
        match self {
            Self::Jpeg => "image/jpeg",
            Self::Png => "image/png",
            Self::Heic => "image/heic",
            Self::Heif => "image/heif",
            Self::Webp => "image/webp",
            Self::Mp4 => "video/mp4",
            Self::QuickTime => "video/quicktime",
            Self::Webm => "video/webm",
            Self::ThreeGpp => "video/3gpp",
            Self::Mp3 => "audio/mpeg",
            Self::M4a => "audio/mp4",
            Self::Aac => "audio/aac",
            Self::Wav => "audio/wav",
            Self::Amr => "audio/amr",
            Self::Ogg => "audio/ogg",
            Self::Pdf => "application/pdf",
        }
    }

    /// The kind of evidence.
    pub fn kind(self) -> MediaKind {
        match self {
            Self::Jpeg | Self::Png | Self::Heic | Self::Heif | Self::Webp => MediaKind::Photo,
            Self::Mp4 | Self::QuickTime | Self::Webm | Self::ThreeGpp => MediaKind::Video,
            Self::Mp3 | Self::M4a | Self::Aac | Self::Wav | Self::Amr | Self::Ogg => MediaKind::Audio,
            Self::Pdf => MediaKind::Document,
        }
    }

    /// The format's usual name, as on the file.
    pub fn format_name(self) -> &'static str {
        match self {
            Self::Jpeg => "JPEG",
            Self::Png => "PNG",
            Self::Heic => "HEIC",
            Self::Heif => "HEIF",
            Self::Webp => "WebP",
            Self::Mp4 => "MP4",
            Self::QuickTime => "MOV",
            Self::Webm => "WebM",
            Self::ThreeGpp => "3GP",
            Self::Mp3 => "MP3",
            Self::M4a => "M4A",
            Self::Aac => "AAC",
            Self::Wav => "WAV",
            Self::Amr => "AMR",
            Self::Ogg => "OGG",
            Self::Pdf => "PDF",
        }
    }

    /// A Chinese label for messages: "视频 MP4", "照片 PNG", "PDF 文件".
    pub fn label(self) -> String {
        match self.kind() {
            MediaKind::Photo => format!("照片 {}", self.format_name()),
            MediaKind::Video => format!("视频 {}", self.format_name()),
            MediaKind::Audio => format!("音频 {}", self.format_name()),
            MediaKind::Document => format!("{} 文件", self.format_name()),
        }
    }

    /// Whether a thumbnail can be made from it (codecs compiled in: JPEG, PNG, WebP).
    pub fn has_thumbnail(self) -> bool {
        matches!(self, Self::Jpeg | Self::Png | Self::Webp)
    }

    /// Parses a declared MIME name: case-insensitive, parameters (`; codecs=…`) ignored,
    /// with the aliases in common use. `None` for anything not on the allow-list.
    pub fn from_mime(declared: &str) -> Option<MediaType> {
        let essence = declared.split(';').next().unwrap_or("").trim();
        let lower = essence.to_ascii_lowercase();
        let t = match lower.as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Self::Jpeg,
            "image/png" | "image/x-png" => Self::Png,
            "image/heic" | "image/heic-sequence" => Self::Heic,
            "image/heif" | "image/heif-sequence" => Self::Heif,
            "image/webp" => Self::Webp,
            "video/mp4" | "video/x-m4v" | "video/m4v" => Self::Mp4,
            "video/quicktime" => Self::QuickTime,
            "video/webm" | "audio/webm" => Self::Webm,
            "video/3gpp" | "audio/3gpp" | "video/3gpp2" | "audio/3gpp2" => Self::ThreeGpp,
            "audio/mpeg" | "audio/mp3" | "audio/mpeg3" | "audio/x-mpeg" => Self::Mp3,
            "audio/mp4" | "audio/m4a" | "audio/x-m4a" => Self::M4a,
            "audio/aac" | "audio/x-aac" | "audio/aacp" => Self::Aac,
            "audio/wav" | "audio/x-wav" | "audio/wave" | "audio/vnd.wave" => Self::Wav,
            "audio/amr" | "audio/amr-wb" => Self::Amr,
            "audio/ogg" | "application/ogg" | "audio/opus" => Self::Ogg,
            "application/pdf" | "application/x-pdf" => Self::Pdf,
            _ => return None,
        };
        Some(t)
    }

    /// The allow-list as a Chinese sentence, for the refusal message.
    pub fn allowed_summary() -> &'static str {
        "照片（JPEG、PNG、HEIC/HEIF、WebP）、视频（MP4、MOV、WebM、3GP）、\
         音频（MP3、M4A/AAC、WAV、AMR、OGG）或 PDF 扫描件"
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.mime())
    }
}

impl Serialize for MediaType {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.mime())
    }
}

impl<'de> Deserialize<'de> for MediaType {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        MediaType::from_mime(&s).ok_or_else(|| serde::de::Error::custom(format!("unknown media type {s}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_names_round_trip() {
        for t in MediaType::ALL {
            assert_eq!(MediaType::from_mime(t.mime()), Some(t));
        }
    }

    #[test]
    fn aliases_and_parameters() {
        assert_eq!(MediaType::from_mime("Image/JPG"), Some(MediaType::Jpeg));
        assert_eq!(MediaType::from_mime("video/mp4; codecs=\"avc1.42E01E\""), Some(MediaType::Mp4));
        assert_eq!(MediaType::from_mime("audio/x-wav"), Some(MediaType::Wav));
        assert_eq!(MediaType::from_mime("application/zip"), None);
        assert_eq!(MediaType::from_mime("video/x-matroska"), None);
    }

    #[test]
    fn labels() {
        assert_eq!(MediaType::Mp4.label(), "视频 MP4");
        assert_eq!(MediaType::Png.label(), "照片 PNG");
        assert_eq!(MediaType::Pdf.label(), "PDF 文件");
    }
}
