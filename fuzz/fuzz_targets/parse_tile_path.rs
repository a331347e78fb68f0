//! Tile path parsing on arbitrary text: never panics, and what parses formats back to the
//! same path.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhifa_ledger::TileId;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(tile) = TileId::parse_path(text) {
        assert_eq!(TileId::parse_path(&tile.path()), Ok(tile));
        assert!(text.ends_with(&tile.path()));
    }
});
