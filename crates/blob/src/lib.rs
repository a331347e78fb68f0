//! zhifa-blob: evidence files (rules R-08…R-11, storage half).
