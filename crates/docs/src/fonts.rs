//! The fonts documents are set in, found at run time in a configurable directory.
//!
//! GB/T 9704-2012 asks for 小标宋 (title), 仿宋 (body) and 黑体 (headings). No FangSong or
//! XiaoBiaoSong face with Simplified Chinese coverage is in Debian under a licence that
//! allows embedding: cwTeX FangSong (`fonts-cwtex-fs`, GPL-2+ with a PDF-embedding
//! exception) covers only Traditional characters (监, 罚, 决, 号 are missing); Fandol
//! FangSong comes only inside `texlive-lang-chinese`, hundreds of MiB of TeX. So the faces
//! are Noto CJK SC from Debian's `fonts-noto-cjk` (SIL Open Font License 1.1, embedding
//! allowed): the body in Noto Serif CJK SC Regular (a Song face standing in for FangSong),
//! the title in Noto Serif CJK SC Bold (for 小标宋), headings in Noto Sans CJK SC Bold (for
//! 黑体). Only the glyphs used are embedded (subsets).
//!
//! The fonts are read when the first document is rendered, not at start, and kept in
//! memory after that (about 73 MiB for the three faces). A missing font fails rendering
//! with a Chinese error naming the font, the directory and the package to install; it is
//! looked for again at the next rendering, so installing the package needs no restart.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use skrifa::raw::FileRef;
use skrifa::string::StringId;
use skrifa::{FontRef, MetadataProvider};

use crate::DocError;

/// Where Debian's `fonts-noto-cjk` puts its files.
pub const DEFAULT_FONTS_DIR: &str = "/usr/share/fonts/opentype/noto";

/// The Debian package that provides the fonts.
pub const FONTS_PACKAGE: &str = "fonts-noto-cjk";

/// The role a face plays in a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    /// 正文（仿宋体的位置）
    Body,
    /// 标题（小标宋体的位置）
    Title,
    /// 一级标题（黑体的位置）
    Heading,
}

/// What a role needs: the face's name, the family it must belong to in a collection, and
/// the file names it may have.
struct FaceSpec {
    role: Role,
    name: &'static str,
    family: &'static str,
    files: &'static [&'static str],
}

const FACES: [FaceSpec; 3] = [
    FaceSpec {
        role: Role::Body,
        name: "Noto Serif CJK SC Regular（思源宋体）",
        family: "Noto Serif CJK SC",
        files: &["NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular.otf", "NotoSerifSC-Regular.otf"],
    },
    FaceSpec {
        role: Role::Title,
        name: "Noto Serif CJK SC Bold（思源宋体 粗体）",
        family: "Noto Serif CJK SC",
        files: &["NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold.otf", "NotoSerifSC-Bold.otf"],
    },
    FaceSpec {
        role: Role::Heading,
        name: "Noto Sans CJK SC Bold（思源黑体 粗体）",
        family: "Noto Sans CJK SC",
        files: &["NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold.otf", "NotoSansSC-Bold.otf"],
    },
];

/// One loaded face.
#[derive(Clone)]
pub struct Face {
    pub role: Role,
    pub data: Arc<Vec<u8>>,
    /// The face's index in its collection (0 for a single font).
    pub index: u32,
    pub pdf: krilla::text::Font,
    pub units_per_em: f32,
}

impl std::fmt::Debug for Face {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Face({:?}, index {}, {} bytes)", self.role, self.index, self.data.len())
    }
}

impl Face {
    pub fn font_ref(&self) -> FontRef<'_> {
        FontRef::from_index(&self.data, self.index).expect("checked when loaded")
    }
}

/// The three faces a document uses.
#[derive(Debug, Clone)]
pub struct Fonts {
    pub body: Face,
    pub title: Face,
    pub heading: Face,
}

impl Fonts {
    pub fn face(&self, role: Role) -> &Face {
        match role {
            Role::Body => &self.body,
            Role::Title => &self.title,
            Role::Heading => &self.heading,
        }
    }

    /// Loads the faces from `dir`; the first one missing is named in the error.
    pub fn load(dir: &Path) -> Result<Fonts, DocError> {
        let body = load_face(dir, &FACES[0])?;
        let title = load_face(dir, &FACES[1])?;
        let heading = load_face(dir, &FACES[2])?;
        Ok(Fonts { body, title, heading })
    }
}

fn load_face(dir: &Path, spec: &FaceSpec) -> Result<Face, DocError> {
    let Some(path) = spec.files.iter().map(|f| dir.join(f)).find(|p| p.is_file()) else {
        return Err(DocError::MissingFont {
            font: spec.name.to_string(),
            dir: dir.display().to_string(),
            files: spec.files.join("、"),
            package: FONTS_PACKAGE,
        });
    };
    let data = std::fs::read(&path)
        .map_err(|e| DocError::BadFont { path: path.display().to_string(), why: format!("无法读取：{e}") })?;
    let index = face_index(&data, spec.family).ok_or_else(|| DocError::BadFont {
        path: path.display().to_string(),
        why: format!("其中没有“{}”字体", spec.family),
    })?;
    let data = Arc::new(data);
    let units_per_em = {
        let f = FontRef::from_index(&data, index).expect("found above");
        f.metrics(skrifa::instance::Size::unscaled(), skrifa::instance::LocationRef::default()).units_per_em as f32
    };
    let pdf =
        krilla::text::Font::new(krilla::Data::from(Arc::clone(&data)), index)
            .ok_or_else(|| DocError::BadFont {
                path: path.display().to_string(), why: "无法作为字体读取".into()
            })?;
    Ok(Face { role: spec.role, data, index, pdf, units_per_em })
}

/// The index of the face of `family` in a file (a collection or a single font).
fn face_index(data: &[u8], family: &str) -> Option<u32> {
    let is_family = |f: &FontRef<'_>| {
        [StringId::TYPOGRAPHIC_FAMILY_NAME, StringId::FAMILY_NAME]
            .into_iter()
            .any(|id| f.localized_strings(id).any(|s| s.chars().collect::<String>().starts_with(family)))
    };
    match FileRef::new(data).ok()? {
        FileRef::Font(f) => is_family(&f).then_some(0),
        FileRef::Collection(c) => (0..c.len()).find(|i| c.get(*i).is_ok_and(|f| is_family(&f))),
    }
}

/// The fonts as the server holds them: a directory, read on first use and kept once read.
#[derive(Debug, Clone)]
pub struct FontLibrary {
    dir: PathBuf,
    loaded: Arc<Mutex<Option<Arc<Fonts>>>>,
}

impl Default for FontLibrary {
    fn default() -> Self {
        FontLibrary::new(DEFAULT_FONTS_DIR)
    }
}

impl FontLibrary {
    pub fn new(dir: impl Into<PathBuf>) -> FontLibrary {
        FontLibrary { dir: dir.into(), loaded: Arc::default() }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The fonts, reading them the first time; a failure is not kept, so the next call
    /// looks again.
    pub fn fonts(&self) -> Result<Arc<Fonts>, DocError> {
        let mut slot = self.loaded.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(f) = slot.as_ref() {
            return Ok(Arc::clone(f));
        }
        let fonts = Arc::new(Fonts::load(&self.dir)?);
        *slot = Some(Arc::clone(&fonts));
        Ok(fonts)
    }

    /// Whether every font file is where it should be (without reading them): for a
    /// warning at start.
    pub fn check(&self) -> Result<(), DocError> {
        for spec in &FACES {
            if !spec.files.iter().any(|f| self.dir.join(f).is_file()) {
                return Err(DocError::MissingFont {
                    font: spec.name.to_string(),
                    dir: self.dir.display().to_string(),
                    files: spec.files.join("、"),
                    package: FONTS_PACKAGE,
                });
            }
        }
        Ok(())
    }
}
