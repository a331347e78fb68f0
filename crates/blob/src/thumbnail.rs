//! Small JPEG thumbnails of photos, made once when a photo is stored.
//!
//! Only the codecs needed are compiled in (JPEG, PNG, WebP; HEIC has no pure-Rust decoder
//! and gets no thumbnail). Decoding is blocking work and runs on a blocking thread, one at
//! a time per upload manager, under decoder limits, so a huge or hostile image cannot take
//! the server's memory. A photo that cannot be decoded is still stored: the hash is what
//! matters, the thumbnail is a convenience.

use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageReader, Limits, RgbImage, RgbaImage};

/// The longest side of a thumbnail, in pixels.
pub const THUMBNAIL_MAX_SIDE: u32 = 320;
const JPEG_QUALITY: u8 = 80;
/// Decoder memory limit: a 64-megapixel RGBA photo fits, a decompression bomb does not.
const MAX_DECODE_BYTES: u64 = 256 << 20;
const MAX_SIDE: u32 = 16_384;

/// Decodes the photo at `path` and encodes a JPEG of at most 320×320, upright per its
/// EXIF orientation. Blocking.
pub(crate) fn make_jpeg(path: &Path) -> Result<Vec<u8>, image::ImageError> {
    let mut reader = ImageReader::open(path)?.with_guessed_format()?;
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    reader.limits(limits);
    let mut decoder = reader.into_decoder()?;
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let mut photo = DynamicImage::from_decoder(decoder)?;
    photo.apply_orientation(orientation);
    let small = if photo.width() > THUMBNAIL_MAX_SIDE || photo.height() > THUMBNAIL_MAX_SIDE {
        photo.thumbnail(THUMBNAIL_MAX_SIDE, THUMBNAIL_MAX_SIDE)
    } else {
        photo
    };
    let rgb = if small.color().has_alpha() { on_white(&small.to_rgba8()) } else { small.to_rgb8() };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY).encode_image(&rgb)?;
    Ok(out)
}

/// Composites a transparent image over white (JPEG has no alpha).
fn on_white(rgba: &RgbaImage) -> RgbImage {
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
        image::Rgb([over(r), over(g), over(b)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_to_small_jpeg() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("photo.part");
        let img = RgbaImage::from_fn(1000, 500, |x, y| {
            image::Rgba([(x % 256) as u8, (y % 256) as u8, 90, if x < 500 { 255 } else { 0 }])
        });
        img.save_with_format(&path, image::ImageFormat::Png).unwrap();
        let jpeg = make_jpeg(&path).unwrap();
        let thumb = image::load_from_memory(&jpeg).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (320, 160));
        // The transparent half is white.
        let p = thumb.to_rgb8().get_pixel(300, 80).0;
        assert!(p.iter().all(|c| *c > 240), "{p:?}");
    }

    #[test]
    fn undecodable_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("broken.part");
        std::fs::write(&path, b"\x89PNG\r\n\x1a\nnot really").unwrap();
        assert!(make_jpeg(&path).is_err());
    }
}
